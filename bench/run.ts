/**
 * `npm run bench`: the engine's hot paths, as ratios against a baseline measured in the same run
 * (a bare fast-xml-parser parse of the same AD FS document), so figures compare across machines.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { assessDomain } from '../src/engine/assess-domain';
import { parseMetadata } from '../src/engine/metadata-parser';
import { verifyMetadataSignature } from '../src/engine/signature';
import { MetadataSource } from '../src/sources/metadata-source';
import { SafeFetcher } from '../src/sources/safe-fetcher';
import { benchFanOut } from './fan-out';
import { printLoad } from './load';

const FILE = 'adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml';
const xml = readFileSync(join(__dirname, '..', 'test', 'fixtures', FILE), 'utf8');

function measure(name: string, fn: () => unknown, minMs = 1500): { name: string; perOpUs: number } {
  for (let i = 0; i < 5; i++) fn(); // warm-up
  let ops = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    ops++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return { name, perOpUs: (elapsed * 1000) / ops };
}

const rawParser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true });
const parsed = parseMetadata(xml);
if (!parsed.ok) throw new Error(parsed.reason);
const signature = verifyMetadataSignature(xml, parsed.metadata);
const source = new MetadataSource(new SafeFetcher({ allowPrivateHosts: [] }));
source.read(xml);
const signer = parsed.metadata.signingCerts[0]!;
const now = new Date('2026-11-22T00:00:00Z');
const input = {
  domain: 'contoso.com',
  now,
  leadDays: 7,
  mode: 'sweep' as const,
  metadata: { parsed: parsed.metadata, signature },
  entra: {
    kind: 'federated' as const,
    federatedDomain: 'contoso.com',
    federation: {
      issuerUri: parsed.metadata.entityId,
      slots: [
        { name: 'SigningCertificate' as const, cert: signer },
        { name: 'NextSigningCertificate' as const },
      ] as const,
    },
  },
};

const baseline = measure('baseline: fast-xml-parser, bare parse', () => rawParser.parse(xml));
const rows = [
  baseline,
  measure('parseMetadata (parse + decode certificates)', () => parseMetadata(xml)),
  measure('verifyMetadataSignature (xml-crypto)', () =>
    verifyMetadataSignature(xml, parsed.metadata),
  ),
  measure('MetadataSource.read, same content again (cache hit)', () => source.read(xml)),
  measure('assessDomain (alert policy, timeline)', () =>
    assessDomain({
      ...input,
      entra: {
        ...input.entra,
        federation: { ...input.entra.federation, slots: [...input.entra.federation.slots] },
      },
    }),
  ),
];

console.log(
  `fedtrust-bot bench — ${FILE} (${(xml.length / 1024).toFixed(0)} KB), node ${process.version}\n`,
);
console.log('operation'.padEnd(56), 'µs/op'.padStart(10), 'vs baseline'.padStart(12));
for (const r of rows) {
  console.log(
    r.name.padEnd(56),
    r.perOpUs.toFixed(1).padStart(10),
    `${(r.perOpUs / baseline.perOpUs).toFixed(3)}×`.padStart(12),
  );
}

void (async () => {
  await benchFanOut();
  await printLoad();
})();
