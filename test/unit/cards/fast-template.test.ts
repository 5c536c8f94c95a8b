import * as ACData from 'adaptivecards-templating';
import { compileTemplate } from '../../../src/cards/fast-template';

/** The compiled templates give what adaptivecards-templating gives, edge cases included. */
const cases: [string, object, object][] = [
  [
    'whole values keep their type',
    { a: '${n}', b: '${t}', c: '${o}', d: '${x}' },
    { n: 1234567, t: true, o: { y: 1 }, x: null },
  ],
  [
    'interpolation writes String(value)',
    { a: 'n ${n} m ${t} ${o} ${l}' },
    { n: 1.5, t: false, o: { y: 1 }, l: ['a', 'b'] },
  ],
  [
    'a path that is not there stays as written',
    { a: '${gone}', b: 'x ${gone} y', c: '${o.z}' },
    { o: { y: 1 } },
  ],
  ['values are not expanded again', { a: 'n ${x}' }, { x: 'a ${y} "q"\n' }],
  [
    'comparisons are strict',
    { a: "${k == 'a'}", b: "${s != ''}", c: "${m != ''}", d: "${z == ''}" },
    { k: 'a', s: 0, z: '' },
  ],
  [
    '$when keeps only true, in arrays and as properties',
    {
      body: [
        { $when: '${t}', v: 1 },
        { $when: '${f}', v: 2 },
        { $when: '${s}', v: 3 },
        { $when: '${gone}', v: 4 },
      ],
      p: { $when: '${f}', v: 5 },
    },
    { t: true, f: false, s: 'yes' },
  ],
  [
    '$data repeats an array element, then $when per item',
    { body: [{ $data: '${items}', $when: "${kind == 'a'}", text: '${name} (${kind})' }, 'after'] },
    {
      items: [
        { kind: 'a', name: 'p' },
        { kind: 'b', name: 'q' },
        { kind: 'a', name: 'r' },
      ],
    },
  ],
  [
    '$data of strings and of an object',
    {
      body: [
        { $data: '${l}', text: '${$data}' },
        { $data: '${o}', text: '${name}' },
      ],
    },
    { l: ['x', 'y'], o: { name: 'o' } },
  ],
  [
    '$data that names nothing becomes its own text',
    { body: [{ $data: '${gone}', text: '${top}', k: '${$data}' }] },
    { top: 'T' },
  ],
  [
    'nested $data',
    { body: [{ $data: '${a}', items: [{ $data: '${b}', text: '${$data}' }] }] },
    { a: [{ b: ['x', 'y'] }, { b: [] }] },
  ],
  ['an empty array repeats nothing', { body: [{ $data: '${l}', text: 'x' }] }, { l: [] }],
  [
    '$schema and plain values pass through',
    {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      n: 3,
      b: false,
    },
    {},
  ],
];

describe('compileTemplate', () => {
  it.each(cases)('%s', (_what, template, data) => {
    const official = new ACData.Template(template).expand({ $root: data }) as unknown;
    expect(compileTemplate(template)!(data)).toEqual(official);
  });

  it('does not compile what it does not know, so the official engine expands it', () => {
    expect(compileTemplate({ a: '${count(items)}' })).toBeUndefined();
    expect(compileTemplate({ body: [{ $when: '${x > 1}' }] })).toBeUndefined();
  });
});
