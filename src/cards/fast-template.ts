/**
 * The card templates compiled once into plain functions (issue #14: expanding a template with
 * adaptivecards-templating re-walked it and re-evaluated every expression on every card, ~0.3 ms of a
 * cached check's turn). Only the subset of the Adaptive Cards Templating language that cards/*.json
 * use is compiled — `${path}`, `${path == 'text'}`, `${path != 'text'}`, `${$data}`, string
 * interpolation, `$data` and `$when` — with the official engine's results, edge cases included:
 * a path that is not there leaves its `${…}` as written; `$when` keeps an element only for `true`
 * (an object property it drops becomes null); `$data` is applied before `$when`, and an array repeats
 * the element. A template using anything else does not compile, and CardTemplates uses the official
 * engine for it. test/support/setup.ts has every card a test renders expanded both ways and compared.
 */

/** An element `$when` dropped (removed from an array, null as an object property). */
const DROP = Symbol('dropped');

type Expand = (data: unknown) => unknown;
type Evaluate = (data: unknown) => { found: boolean; value: unknown };

const PATH = /^(\$data|[A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)$/;
const COMPARISON = /^(\$data|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(==|!=)\s*'([^'\\]*)'$/;
const WHOLE = /^\$\{([^{}]*)\}$/;
const PARTS = /\$\{([^{}]*)\}/g;

/** What compiling found it does not compile (then the template is not used compiled). */
interface Compiling {
  unsupported?: string;
}

const NOTHING: Evaluate = () => ({ found: false, value: undefined });

function compilePath(path: string, c: Compiling): Evaluate {
  const match = PATH.exec(path);
  if (!match) {
    c.unsupported = path;
    return NOTHING;
  }
  const steps = path.split('.');
  const fromData = steps[0] === '$data';
  const rest = fromData ? steps.slice(1) : steps;
  return (data) => {
    let value: unknown = data;
    for (const step of rest) {
      if (value === null || typeof value !== 'object') return { found: false, value: undefined };
      value = (value as Record<string, unknown>)[step];
    }
    return { found: value !== undefined, value };
  };
}

function compileExpression(source: string, c: Compiling): Evaluate {
  const expression = source.trim();
  const comparison = COMPARISON.exec(expression);
  if (!comparison) return compilePath(expression, c);
  const left = compilePath(comparison[1]!, c);
  const literal = comparison[3]!;
  const equal = comparison[2] === '==';
  return (data) => {
    const same = left(data).value === literal;
    return { found: true, value: equal ? same : !same };
  };
}

function compileString(text: string, c: Compiling): Expand {
  const whole = WHOLE.exec(text);
  if (whole) {
    const evaluate = compileExpression(whole[1]!, c);
    return (data) => {
      const r = evaluate(data);
      return r.found ? r.value : text;
    };
  }
  if (!text.includes('${')) return () => text;
  const pieces: (string | { source: string; evaluate: Evaluate })[] = [];
  let last = 0;
  for (const m of text.matchAll(PARTS)) {
    pieces.push(text.slice(last, m.index), { source: m[0], evaluate: compileExpression(m[1]!, c) });
    last = m.index + m[0].length;
  }
  pieces.push(text.slice(last));
  return (data) => {
    let out = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        out += piece;
        continue;
      }
      const r = piece.evaluate(data);
      // The official engine's toString(), whatever the value ([object Object] for an object); it
      // fails on null, which no card model holds.
      if (!r.found) out += piece.source;
      else out += String(r.value);
    }
    return out;
  };
}

function compileObject(node: Record<string, unknown>, c: Compiling): Expand {
  const entries = Object.entries(node)
    .filter(([key]) => key !== '$data' && key !== '$when')
    .map(([key, value]) => [key, compileValue(value, c)] as const);
  const dataOf = typeof node.$data === 'string' ? compileString(node.$data, c) : undefined;
  if (node.$data !== undefined && !dataOf) c.unsupported = '$data';
  const when = typeof node.$when === 'string' ? compileString(node.$when, c) : undefined;
  if (node.$when !== undefined && !when) c.unsupported = '$when';
  const one = (data: unknown): unknown => {
    if (when && when(data) !== true) return DROP;
    const out: Record<string, unknown> = {};
    for (const [key, expand] of entries) {
      const value = expand(data);
      out[key] = value === DROP ? null : value;
    }
    return out;
  };
  if (!dataOf) return one;
  return (data) => {
    // A `$data` that names nothing makes its own text the scope, as the official engine does.
    const scope = dataOf(data);
    if (Array.isArray(scope)) return scope.map(one).filter((item) => item !== DROP);
    return one(scope);
  };
}

function compileValue(value: unknown, c: Compiling): Expand {
  if (typeof value === 'string') return compileString(value, c);
  if (Array.isArray(value)) {
    const items = value.map((item) => ({
      expand: compileValue(item, c),
      repeats: isObject(item) && item.$data !== undefined,
    }));
    return (data) => {
      const out: unknown[] = [];
      for (const { expand, repeats } of items) {
        const value = expand(data);
        if (value === DROP) continue;
        if (repeats && Array.isArray(value)) out.push(...(value as unknown[]));
        else out.push(value);
      }
      return out;
    };
  }
  if (isObject(value)) return compileObject(value, c);
  return () => value;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The template as a function of its data (`$root`); undefined when it uses what is not compiled. */
export function compileTemplate(template: object): ((data: object) => unknown) | undefined {
  const c: Compiling = {};
  const expand = compileValue(template, c);
  if (c.unsupported !== undefined) return undefined;
  return (data) => {
    const out = expand(data);
    return out === DROP ? null : out;
  };
}
