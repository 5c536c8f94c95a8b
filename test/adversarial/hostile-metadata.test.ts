import { parseMetadata } from '../../src/engine/metadata-parser';
import { verifyMetadataSignature } from '../../src/engine/signature';
import { renderCheckCard } from '../../src/cards/check-card';
import { CardTemplates } from '../../src/cards/card-templates';
import { assessDomain } from '../../src/engine/assess-domain';
import { makeCert } from '../support/certs';
import { readFixture } from '../support/fixtures';
import { scenario } from '../support/scenario';

/**
 * Hostile metadata (issue #12): what an attacker-controlled IdP, or someone on its path, can serve.
 * Every case is refused or read safely and quickly, never throws, and no signature-wrapping variant
 * of a real signed document is ever reported valid while trusting a certificate the signer did not
 * sign. (DOCTYPE, entities and billion laughs: test/unit/engine/metadata-fixtures.test.ts.)
 */
const REAL = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
const SIGNER = '688D36670A35E988128DFCC7DE99431D80FC8B0B';

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

describe('hostile metadata corpus', () => {
  it('refuses a 50 MB document by its size, at once', () => {
    const huge = `<EntityDescriptor entityID="x">${'<a/>'.repeat(13_000_000)}</EntityDescriptor>`;
    const { value, ms } = timed(() => parseMetadata(huge));
    expect(value).toEqual({ ok: false, reason: expect.stringMatching(/larger than/) });
    expect(ms).toBeLessThan(2_000);
  });

  it('survives 10,000-deep nesting without exhausting the stack', () => {
    const deep = `<EntityDescriptor entityID="x">${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</EntityDescriptor>`;
    expect(() => parseMetadata(deep)).not.toThrow();
  });

  it('reads 3,000 KeyDescriptors of one certificate as one certificate, and refuses 10,000 by size', () => {
    const kd = /<KeyDescriptor use="signing">[\s\S]*?<\/KeyDescriptor>/.exec(REAL)![0];
    const { value, ms } = timed(() => parseMetadata(REAL.replace(kd, kd.repeat(3_000))));
    expect(value.ok && value.metadata.signingCerts.map((c) => c.thumbprintSha1)).toEqual([SIGNER]);
    expect(ms).toBeLessThan(5_000);
    expect(parseMetadata(REAL.replace(kd, kd.repeat(10_000)))).toEqual({
      ok: false,
      reason: expect.stringMatching(/larger than/),
    });
  });

  it.each([
    ['bad base64', '!!!not base64!!!'],
    ['truncated DER', 'MIIC2DCCAcCgAwIBAgIQY7LG6hqng7JI'],
    ['a DER SEQUENCE of garbage', Buffer.from([0x30, 0x03, 0x02, 0x01, 0xff]).toString('base64')],
    ['a 1 MB blob', 'A'.repeat(1_000_000)],
  ])('names %s as undecodable and goes on', (_what, cert) => {
    const broken = REAL.replace(
      /(<KeyDescriptor use="signing">[\s\S]*?<X509Certificate>)[^<]+/,
      `$1${cert}`,
    );
    const parsed = parseMetadata(broken);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.metadata.undecodable.length).toBeGreaterThan(0);
  });

  it('keeps a hostile certificate subject inert on the card: no link, no markup, no mention', async () => {
    const evil = await makeCert(
      'CN=[Reset password](https://evil.example) **URGENT** <at>everyone</at> @channel',
      new Date('2026-01-01T00:00:00Z'),
      new Date('2027-01-01T00:00:00Z'),
    );
    const a = assessDomain(
      scenario({
        now: new Date('2026-06-01T00:00:00Z'),
        published: [evil.info],
        signer: evil.info,
      }),
    );
    const json = JSON.stringify(
      renderCheckCard(new CardTemplates(), a, {
        now: new Date('2026-06-01T00:00:00Z'),
        footer: '',
      }),
    );
    expect(json).toContain('Reset password');
    for (const hostile of ['](https://evil', '**URGENT**', '<at>everyone', '@channel'])
      expect(json).not.toContain(hostile);
  });
});

describe('XML signature wrapping on a real signed AD FS document', () => {
  const original = parseMetadata(REAL);
  if (!original.ok) throw new Error(original.reason);
  const signedRoot = REAL.slice(REAL.indexOf('<EntityDescriptor'));
  let attacker: Awaited<ReturnType<typeof makeCert>>;
  beforeAll(async () => {
    attacker = await makeCert(
      'CN=ADFS Signing - attacker',
      new Date('2026-01-01T00:00:00Z'),
      new Date('2030-01-01T00:00:00Z'),
    );
  });
  const attackerKey = () =>
    `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${attacker.info.base64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`;

  /** Never valid while the document offers the attacker's certificate as a signing certificate. */
  function neverTrusted(xml: string): void {
    const parsed = parseMetadata(xml);
    if (!parsed.ok) return; // refused outright: safe
    const signature = verifyMetadataSignature(xml, parsed.metadata);
    const offersAttacker = parsed.metadata.signingCerts.some(
      (c) => c.thumbprintSha1 === attacker.info.thumbprintSha1,
    );
    if (offersAttacker) expect(signature.status).not.toBe('valid');
    if (signature.status === 'valid') expect(signature.thumbprintSha1).toBe(SIGNER);
  }

  it('the control: the untouched document verifies, signed by its own certificate', () => {
    expect(verifyMetadataSignature(REAL, original.metadata)).toEqual({
      status: 'valid',
      thumbprintSha1: SIGNER,
    });
  });

  it('a signing certificate added outside the signed reference is never trusted', () => {
    const added = REAL.replace(
      /(<RoleDescriptor[^>]*SecurityTokenServiceType[^>]*>)/,
      `$1${attackerKey()}`,
    );
    neverTrusted(added);
    const parsed = parseMetadata(added);
    expect(parsed.ok && verifyMetadataSignature(added, parsed.metadata).status).toBe('invalid');
  });

  it('the signed element moved inside an attacker root is never trusted', () => {
    const wrapped = `<EntityDescriptor ID="_evil" entityID="http://sts.ait.dtu.dk/adfs/services/trust" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><RoleDescriptor xsi:type="fed:SecurityTokenServiceType" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">${attackerKey()}</RoleDescriptor><Extensions>${signedRoot}</Extensions></EntityDescriptor>`;
    neverTrusted(wrapped);
  });

  it('an attacker root naming the signed ID under another attribute (Id), the original moved inside, is never trusted', () => {
    // The root says Id="<signed ID>" and offers the real signing certificate beside the attacker's;
    // the moved original (its signature taken out, as the enveloped transform would) keeps
    // ID="<signed ID>". An EntityDescriptor is named by its ID alone, so the signature does not cover
    // this root (the aggregate form of the attack: test/unit/engine/aggregate.test.ts).
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(REAL)![0];
    const realKey = /<KeyDescriptor use="signing">[\s\S]*?<\/KeyDescriptor>/.exec(REAL)![0];
    const wrapped = `<EntityDescriptor Id="${original.metadata.rootId}" entityID="http://sts.ait.dtu.dk/adfs/services/trust" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">${signature}<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">${realKey}${attackerKey()}</RoleDescriptor><Extensions>${signedRoot.replace(signature, '')}</Extensions></EntityDescriptor>`;
    const parsed = parseMetadata(wrapped);
    if (!parsed.ok) throw new Error(parsed.reason);
    // The path under test: the signature's key is one of the root's signing certificates.
    expect(parsed.metadata.signingCerts.map((c) => c.thumbprintSha1)).toContain(SIGNER);
    expect(verifyMetadataSignature(wrapped, parsed.metadata)).toMatchObject({ status: 'invalid' });
    neverTrusted(wrapped);
  });

  it('an unsigned sibling entity beside the signed one is never trusted', () => {
    const sibling = `<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><EntityDescriptor entityID="http://sts.ait.dtu.dk/adfs/services/trust"><RoleDescriptor xsi:type="fed:SecurityTokenServiceType" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">${attackerKey()}</RoleDescriptor></EntityDescriptor>${signedRoot}</EntitiesDescriptor>`;
    neverTrusted(sibling);
  });

  it('the signature copied onto a document with the attacker key is never trusted', () => {
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(REAL)![0];
    const forged = `<EntityDescriptor ID="${original.metadata.rootId}" entityID="http://sts.ait.dtu.dk/adfs/services/trust" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">${signature}<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">${attackerKey()}</RoleDescriptor></EntityDescriptor>`;
    neverTrusted(forged);
  });
});
