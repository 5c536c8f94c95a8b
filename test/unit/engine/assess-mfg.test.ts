import { MFG_WORLDWIDE_METADATA_URL } from '../../../src/engine/exchange-trust-rules';
import { federationTrustUsage } from '../../../src/engine/hybrid-facts';
import { assessMfg } from '../../../src/engine/assess-mfg';
import { decodeCertificate } from '../../../src/engine/certificate';
import type { ExchangeTrust } from '../../../src/engine/exchange-trust';
import { parseMetadata } from '../../../src/engine/metadata-parser';
import { verifyMetadataSignature } from '../../../src/engine/signature';
import type { CertInfo, FindingCode } from '../../../src/engine/types';
import { at, makeCert } from '../../support/certs';
import { authFixture } from '../../support/exchange-hybrid';
import { readFixture } from '../../support/fixtures';
import { metadataOf } from '../../support/scenario';

const file = 'mfg/nguyenvietquoc2569__betaschool-reborn__nexus-saml20-federationmetadata.xml';
const xml = readFixture(file);
const parsed = (() => {
  const r = parseMetadata(xml);
  if (!r.ok) throw new Error(r.reason);
  return r.metadata;
})();
const signature = verifyMetadataSignature(xml, parsed);
const [first, second] = parsed.signingCerts as [CertInfo, CertInfo];
const signer = parsed.signingCerts.find(
  (c) => signature.status === 'valid' && c.thumbprintSha1 === signature.thumbprintSha1,
)!;
const other = signer === first ? second : first;
const inside = new Date(
  Math.max(first.notBefore.getTime(), second.notBefore.getTime()) + 30 * 86_400_000,
);

/** A trust that refreshed: both of MFG's current certificates. */
const bothCurrent = (): ExchangeTrust => ({
  tokenIssuerCertificate: signer,
  tokenIssuerPrevCertificate: other,
});

function codes(trust: ExchangeTrust | undefined, now = inside): [FindingCode, string][] {
  const a = assessMfg({ now, mode: 'on-demand', mfg: { parsed, signature }, trust });
  return a.findings.map((f) => [f.code, f.severity]);
}

describe('assessMfg (DESIGN §4 rule 12)', () => {
  it('uses the real MFG metadata and knows which certificate signs it', () => {
    const a = assessMfg({ now: inside, mode: 'on-demand', mfg: { parsed, signature } });
    expect(signature.status).toBe('valid');
    expect(a.signer?.thumbprintSha1).toBe(signer.thumbprintSha1);
    expect(a.certificates.filter((c) => c.signer)).toHaveLength(1);
    expect(a.status).toBe('ok');
  });

  it('is ok when the trust holds both current certificates', () => {
    expect(codes({ tokenIssuerCertificate: signer, tokenIssuerPrevCertificate: other })).toEqual(
      [],
    );
  });

  it('is critical (MFG_CERT_NOT_IN_TRUST) when the trust holds none of them', async () => {
    const stale = (
      await makeCert('CN=Live ID STS Signing Public Key', at(inside, -900), at(inside, 900))
    ).info;
    const a = assessMfg({
      now: inside,
      mode: 'on-demand',
      mfg: { parsed, signature },
      trust: { tokenIssuerCertificate: stale },
    });
    expect(a.status).toBe('critical');
    expect(a.findings[0]).toMatchObject({
      code: 'MFG_CERT_NOT_IN_TRUST',
      remedy: expect.stringContaining('Set-FederationTrust -RefreshMetadata'),
    });
  });

  it('recommends a refresh: info 48 h after first seen, then warning, critical after 7 days', async () => {
    const newCert = (
      await makeCert('CN=Live ID STS Signing Public Key', at(inside, -1), at(inside, 1000))
    ).info;
    const doc = {
      parsed: metadataOf([signer, newCert], 'urn:federation:MicrosoftOnline'),
      signature,
    };
    const trust = { tokenIssuerCertificate: signer };
    const sev = (now: Date) =>
      assessMfg({ now, mode: 'on-demand', mfg: doc, trust }).findings.find(
        (f) => f.code === 'MFG_REFRESH_RECOMMENDED',
      )?.severity;
    expect(sev(at(inside, 0))).toBe('info');
    expect(sev(at(inside, 1))).toBe('warning');
    expect(sev(at(inside, 6))).toBe('critical');
    const signedByNew = {
      ...doc,
      signature: { status: 'valid' as const, thumbprintSha1: newCert.thumbprintSha1 },
    };
    expect(
      assessMfg({ now: inside, mode: 'on-demand', mfg: signedByNew, trust }).findings.find(
        (f) => f.code === 'MFG_REFRESH_RECOMMENDED',
      )?.severity,
    ).toBe('critical');
  });

  it('says a trust snapshot older than 26 hours leaves the trust part unknown', () => {
    const trust = { tokenIssuerCertificate: signer, receivedAt: at(inside, -2) };
    expect(codes(trust)).toEqual([['EXCHANGE_SNAPSHOT_STALE', 'warning']]);
  });

  it.each([
    [91, []],
    [90, [['ORG_CERT_EXPIRING', 'info']]],
    [61, [['ORG_CERT_EXPIRING', 'info']]],
    [60, [['ORG_CERT_EXPIRING', 'warning']]],
    [31, [['ORG_CERT_EXPIRING', 'warning']]],
    [30, [['ORG_CERT_EXPIRING', 'critical']]],
    [-1, [['ORG_CERT_EXPIRING', 'critical']]],
  ])('OrgCertificate with %s days left', async (days, expected) => {
    const org = (await makeCert('CN=Federation', at(inside, -1000), at(inside, days, 1))).info;
    expect(codes({ ...bothCurrent(), orgCertificate: org })).toEqual(expected);
  });

  it('stays quiet about an expiring OrgCertificate when OrgNextCertificate is staged', async () => {
    const org = (await makeCert('CN=Federation', at(inside, -1000), at(inside, 10))).info;
    const next = (await makeCert('CN=Federation', at(inside, -1), at(inside, 1800))).info;
    expect(codes({ ...bothCurrent(), orgCertificate: org, orgNextCertificate: next })).toEqual([]);
  });

  it('warns when TokenIssuerMetadataEpr is not the MFG metadata URL', () => {
    const url =
      'https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml';
    const run = (epr: string) =>
      assessMfg({
        now: inside,
        mode: 'on-demand',
        mfg: { parsed, signature, url },
        trust: { ...bothCurrent(), name: "O'Brien trust", tokenIssuerMetadataEpr: epr },
        expectedMetadataUrl: url,
      }).findings;
    expect(run(url.toUpperCase().replace('HTTPS', 'https') + '/')).toEqual([]);
    const [finding] = run('https://nexus.microsoftonline-p.com/federationmetadata/2006-12/old.xml');
    expect(finding).toMatchObject({ code: 'MFG_METADATA_URL_MISMATCH', severity: 'warning' });
    expect(finding?.remedy).toContain(
      `Set-FederationTrust -Identity 'O''Brien trust' -MetadataUrl ${url}`,
    );
  });

  it("stays quiet when MFG_METADATA_URL is a mirror and the trust refreshes from MFG's own metadata", () => {
    const mirror = 'https://mfg-mirror.contoso.internal/FederationMetadata.xml';
    const findings = (epr: string) =>
      assessMfg({
        now: inside,
        mode: 'on-demand',
        mfg: { parsed, signature, url: mirror },
        trust: { ...bothCurrent(), tokenIssuerMetadataEpr: epr },
        expectedMetadataUrl: mirror,
      }).findings.map((f) => f.code);
    expect(findings(MFG_WORLDWIDE_METADATA_URL)).toEqual([]);
    expect(findings(MFG_WORLDWIDE_METADATA_URL.toUpperCase().replace('HTTPS', 'https'))).toEqual(
      [],
    );
    expect(findings(mirror)).toEqual([]);
    expect(findings('https://old-proxy.contoso.internal/md.xml')).toEqual([
      'MFG_METADATA_URL_MISMATCH',
    ]);
  });

  it('notes an expired OrgPrevCertificate as info only', async () => {
    const prev = (await makeCert('CN=Federation', at(inside, -2000), at(inside, -10))).info;
    expect(codes({ ...bothCurrent(), orgPrevCertificate: prev })).toEqual([
      ['ORG_PREV_CERT_EXPIRED', 'info'],
    ]);
  });

  it('is unknown with neither metadata nor trust', () => {
    const a = assessMfg({
      now: inside,
      mode: 'on-demand',
      mfgProblem: { code: 'METADATA_UNREACHABLE', detail: 'timeout' },
    });
    expect(a.status).toBe('unknown');
  });

  it('accepts the two 2024–2025 MFG certificates captured from the 2006-12 feed', () => {
    const certs = (
      JSON.parse(
        readFixture('mfg/unattributed-csharp-test__mfg-2006-12-signing-certs-2024-2025.json'),
      ) as { certificates: { certificate_base64: string }[] }
    ).certificates;
    const decoded = certs.map((c) => decodeCertificate(c.certificate_base64));
    expect(
      decoded.every((d) => d.ok && d.cert.subject === 'CN=Live ID STS Signing Public Key'),
    ).toBe(true);
  });
});

describe('rule 12 only while the federation trust matters (design/exchange-hybrid.md §4.1)', () => {
  /** A trust that holds none of MFG's certificates (critical when it matters), gated by an Auth snapshot. */
  async function staleTrust(collector: string | undefined) {
    const old = (
      await makeCert('CN=Live ID STS Signing Public Key', at(inside, -900), at(inside, 900))
    ).info;
    const trustUsage = collector ? federationTrustUsage(authFixture(collector)) : undefined;
    return assessMfg({
      now: inside,
      mode: 'on-demand',
      mfg: { parsed, signature },
      trust: { tokenIssuerCertificate: old },
      organization: 'contoso',
      trustUsage,
    });
  }

  it('in use (a partner organisation relationship, DAuth): critical as before', async () => {
    const a = await staleTrust('collector-dauth-only.json');
    expect(a.findings.map((f) => [f.code, f.severity])).toEqual([
      ['MFG_CERT_NOT_IN_TRUST', 'critical'],
    ]);
    expect(a.status).toBe('critical');
  });

  it('only a fallback behind OAuth: info, says why, and MFG_TRUST_NOT_IN_USE', async () => {
    const a = await staleTrust('collector-auth-steady.ps51.json');
    expect(a.findings.map((f) => [f.code, f.severity])).toEqual([
      ['MFG_CERT_NOT_IN_TRUST', 'info'],
      ['MFG_TRUST_NOT_IN_USE', 'info'],
    ]);
    expect(a.findings[0]!.message).toMatch(
      /^contoso: .* — not used for free\/busy now \(OAuth via the IntraOrganizationConnector\)\.$/,
    );
    expect(a.findings[1]!.message).toBe(
      'contoso: The federation trust is only a fallback: MFG findings are informational.',
    );
    expect(a.status).toBe('ok');
  });

  it('not in use (no relationship, no sharing domain): info', async () => {
    const a = await staleTrust('collector-no-hybrid.json');
    expect(a.findings.map((f) => f.severity)).toEqual(['info', 'info']);
    expect(a.findings[0]!.message).toMatch(
      /— no organization relationship or sharing policy uses it\.$/,
    );
  });

  it('a 1.0 collector (no Auth snapshot): unchanged', async () => {
    const a = await staleTrust(undefined);
    expect(a.findings.map((f) => [f.code, f.severity])).toEqual([
      ['MFG_CERT_NOT_IN_TRUST', 'critical'],
    ]);
  });
});
