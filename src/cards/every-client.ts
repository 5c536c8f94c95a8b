import type { AdaptiveCard } from './card-templates';

/**
 * Makes an expanded card read the same on every Teams client (DESIGN §9), in one place for every
 * template:
 * - a CodeBlock falls back to one monospace line per command line, as plain TextRuns: the command a
 *   person copies is exact (no markdown, no invisible characters, `#` stays a comment);
 * - each Action.Execute falls back to an Action.Submit with the same verb and data (the bot answers both);
 * - a FactSet becomes "title: value" lines that wrap on a phone instead of running off the card;
 * - a Table falls back to one line per row;
 * - the card gets `fallbackText` (what clients without cards, notifications and the activity feed show).
 */
export function forEveryClient(card: AdaptiveCard): AdaptiveCard {
  const out = transform(card) as AdaptiveCard;
  const summary = cardSummary(out);
  return summary ? { ...out, fallbackText: summary } : out;
}

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : '';

function transform(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(transform);
  if (!isNode(value)) return value;
  const node: Node = {};
  for (const [k, v] of Object.entries(value)) node[k] = transform(v);
  switch (node.type) {
    case 'CodeBlock':
      return { ...node, fallback: codeLines(str(node.codeSnippet)) };
    case 'Action.Execute':
      return node.fallback
        ? node
        : {
            ...node,
            fallback: {
              type: 'Action.Submit',
              title: node.title,
              data: { ...(isNode(node.data) ? node.data : {}), verb: node.verb },
            },
          };
    case 'FactSet':
      return factLines(node);
    case 'Table':
      return node.fallback ? node : { ...node, fallback: tableLines(node) };
    default:
      return node;
  }
}

/** One RichTextBlock per line: TextRuns are never read as markdown, so the text is the command. */
function codeLines(snippet: string): Node {
  return {
    type: 'Container',
    items: snippet.split('\n').map((line) => ({
      type: 'RichTextBlock',
      spacing: 'None',
      inlines: [
        { type: 'TextRun', text: line === '' ? ' ' : line, fontType: 'Monospace', size: 'Small' },
      ],
    })),
  };
}

function factLines(node: Node): Node {
  const facts = Array.isArray(node.facts) ? node.facts.filter(isNode) : [];
  const rest = Object.fromEntries(
    Object.entries(node).filter(([k]) => k !== 'facts' && k !== 'type'),
  );
  return {
    ...rest,
    type: 'Container',
    items: facts.map((f, i) => ({
      type: 'TextBlock',
      text: `${str(f.title)}: ${str(f.value)}`,
      wrap: true,
      spacing: i === 0 ? 'Default' : 'Small',
    })),
  };
}

/** Every TextBlock text and TextRun text below a node, in order. */
function texts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(texts);
  if (!isNode(node)) return [];
  if ((node.type === 'TextBlock' || node.type === 'TextRun') && typeof node.text === 'string')
    return [node.text];
  return Object.entries(node)
    .filter(([k]) => k !== 'fallback')
    .flatMap(([, v]) => texts(v));
}

/** One line per row, in one TextBlock (a 50-row summary must stay under Teams' size limit). */
function tableLines(node: Node): Node {
  const rows = Array.isArray(node.rows) ? node.rows.filter(isNode) : [];
  return {
    type: 'TextBlock',
    text: rows.map((row) => texts(row.cells).join(' · ')).join('\n'),
    wrap: true,
  };
}

/** What a notification says: the card's first two lines of text (its banner). */
export function cardSummary(card: AdaptiveCard): string {
  const lines: string[] = [];
  firstTexts(card.body, lines, 2);
  return lines.join(' — ').slice(0, 250);
}

/**
 * The first `limit` non-blank TextBlock/TextRun texts below a node, in order, without walking the rest
 * of the card (a turn paid a walk of the whole card for two lines).
 */
function firstTexts(node: unknown, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Array.isArray(node)) {
    for (const item of node) firstTexts(item, out, limit);
    return;
  }
  if (!isNode(node)) return;
  if ((node.type === 'TextBlock' || node.type === 'TextRun') && typeof node.text === 'string') {
    const text = node.text.trim();
    if (text !== '') out.push(text);
    return;
  }
  for (const [key, value] of Object.entries(node))
    if (key !== 'fallback') firstTexts(value, out, limit);
}
