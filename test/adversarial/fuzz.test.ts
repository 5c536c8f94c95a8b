import fc from 'fast-check';
import { parseCommand } from '../../src/bot/command-parser';
import { main } from '../../src/cli';
import { parseDomain } from '../../src/engine/domain';
import { parseMetadata } from '../../src/engine/metadata-parser';
import { verifyMetadataSignature } from '../../src/engine/signature';
import { readFixture } from '../support/fixtures';
import { adfsMetadata } from '../support/metadata-xml';
import { installEgressFence, type EgressFence } from './egress-fence';

/**
 * Property-based fuzzing (issue #12): the command parser, the domain validator and the metadata
 * parser never throw on any input, and invalid input never makes the product fetch anything (an
 * egress fence records every connection). 10,000 cases each; fast-check shrinks any failure to a
 * minimal input and prints its seed.
 */
const RUNS = 10_000;
let fence: EgressFence;
beforeAll(() => {
  fence = installEgressFence();
});
afterAll(() => fence.remove());

/** Text as Teams and people send it: any unicode, markup, mentions, entities, long runs. */
const teamsText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        'check',
        'fedtrust',
        'watch',
        'unwatch',
        'all',
        'exchange',
        'mfg',
        'metadata',
        'set',
        'oncall',
        'lead',
        'autorollover',
        'on',
        'off',
        'help',
        'alerts',
        'watchlist',
        'contoso.com',
        'xn--bcher-kva.example',
        'https://fs.contoso.com/m.xml',
        'http://x',
        '<at>fedtrust</at>',
        '&nbsp;',
        '&lt;script&gt;',
        '999999999999',
        '-1',
        '\u0000',
        '\u202e',
        '..',
        '*',
        '__proto__',
      ),
      { maxLength: 12 },
    )
    .map((words) => words.join(' ')),
);

describe('the command parser', () => {
  it('never throws and always answers a known kind', () => {
    const kinds = new Set([
      'check',
      'check-all',
      'check-exchange',
      'help',
      'watch',
      'unwatch',
      'watch-all',
      'unwatch-all',
      'watchlist',
      'alerts',
      'set-autorollover',
      'set-oncall',
      'set-lead',
      'invalid',
      'unknown',
    ]);
    fc.assert(
      fc.property(teamsText, (text) => {
        const command = parseCommand(text);
        expect(kinds.has(command.kind)).toBe(true);
        // Whatever it checks or watches is a domain the validator accepts.
        if (command.kind === 'check')
          for (const d of command.domains) expect(parseDomain(d).ok).toBe(true);
        if (
          (command.kind === 'watch' || command.kind === 'unwatch') &&
          command.target.kind === 'domain'
        )
          expect(parseDomain(command.target.domain).ok).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the domain validator', () => {
  it('never throws; what it accepts is a lower-case ASCII name of two or more valid labels', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.domain(), fc.webUrl(), fc.ipV4(), fc.ipV6()),
        (input) => {
          const result = parseDomain(input);
          if (!result.ok) return;
          expect(result.ascii).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
          expect(result.ascii.length).toBeLessThanOrEqual(253);
          expect(result.ascii.split('.').at(-1)).not.toMatch(/^\d+$/);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('the metadata parser', () => {
  const small = adfsMetadata('fs.contoso.com', []);
  const real = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
  /** A real or small document cut, spliced and sprinkled with hostile fragments. */
  const mutated = fc
    .tuple(
      fc.constantFrom(small, real.slice(0, 6_000)),
      fc.nat(),
      fc.nat(),
      fc.constantFrom(
        '',
        '<!DOCTYPE x [<!ENTITY a "b">]>',
        '<![CDATA[',
        ']]>',
        '<EntityDescriptor entityID="x">',
        '</EntityDescriptor>',
        '<KeyDescriptor use="signing"><X509Certificate>AAAA</X509Certificate></KeyDescriptor>',
        '<X509Certificate>MIIBIjANBgkq</X509Certificate>',
        '&amp;&lt;&#0;&#x110000;',
        '\u0000\uffff\ud800',
        '<?xml version="1.0" encoding="utf-16"?>',
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>',
      ),
    )
    .map(([doc, a, b, insert]) => {
      const i = a % (doc.length + 1);
      const j = i + (b % 200);
      return `${doc.slice(0, i)}${insert}${doc.slice(j)}`;
    });

  it('never throws on any text, nor does the signature check on what it parsed', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ unit: 'binary', maxLength: 500 })), (xml) => {
        const result = parseMetadata(xml);
        if (!result.ok) {
          expect(typeof result.reason).toBe('string');
          return;
        }
        const signature = verifyMetadataSignature(xml, result.metadata);
        expect(['absent', 'invalid', 'operator', 'valid']).toContain(signature.status);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('a real signed document, changed anywhere', () => {
  const real = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
  it('never verifies once the signed content is changed (100 cases: each costs a parse and an RSA verify)', () => {
    // The signature covers the whole root, so any change outside the Signature element must break it.
    const start = real.indexOf('</ds:Signature>') + '</ds:Signature>'.length;
    fc.assert(
      fc.property(
        fc.integer({ min: start, max: real.length - 20 }),
        // A visible change: whitespace inside a tag is canonicalized away, so it would not count.
        fc.constantFrom('X', 'X<a/>'),
        fc.integer({ min: 1, max: 5 }),
        (at, insert, cut) => {
          const changed = `${real.slice(0, at)}${insert}${real.slice(at + cut)}`;
          const parsed = parseMetadata(changed);
          if (!parsed.ok) return;
          expect(verifyMetadataSignature(changed, parsed.metadata).status).not.toBe('valid');
        },
      ),
      { numRuns: 100 },
    );
    const original = parseMetadata(real);
    if (!original.ok) throw new Error(original.reason);
    expect(verifyMetadataSignature(real, original.metadata).status).toBe('valid'); // the control
  });
});

describe('invalid input fetches nothing', () => {
  it('fedtrust check with a name that is not a domain exits 3 and connects nowhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'grapheme', maxLength: 40 })
          .filter((s) => !parseDomain(s).ok && !s.startsWith('-')),
        async (name) => {
          const before = fence.attempts.length;
          const code = await main(['check', name], {
            out: () => undefined,
            err: () => undefined,
            color: false,
          });
          expect(code).toBe(3);
          expect(fence.attempts.length).toBe(before);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
