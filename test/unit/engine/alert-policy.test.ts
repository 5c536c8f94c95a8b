import { assessDomain } from '../../../src/engine/assess-domain';
import { parseMetadata } from '../../../src/engine/metadata-parser';
import { readFixture } from '../../support/fixtures';
import type { Assessment, CertInfo, FindingCode, Severity } from '../../../src/engine/types';
import { at, makeCert } from '../../support/certs';
import { adfsSnapshot, federated, federationOf, scenario } from '../../support/scenario';

const E = new Date('2027-01-01T00:00:00Z'); // the signer's notAfter
let S: CertInfo; // signer
let N: CertInfo; // successor AD FS generates 20 days before expiry
let U: CertInfo; // a certificate the IdP never published
const MS = 1 / 86_400_000; // one millisecond, in days

beforeAll(async () => {
  S = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -365), E)).info;
  N = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -20), at(E, 345))).info;
  U = (await makeCert('CN=hack.o365domain.org', at(E, -1000), at(E, 1000))).info;
});

function severityOf(a: Assessment, code: FindingCode): Severity | undefined {
  return a.findings.find((f) => f.code === code)?.severity;
}

function noRemedyIsDangerous(a: Assessment): void {
  for (const f of a.findings) {
    expect(f.remedy).not.toMatch(/-Urgent/);
    expect(f.remedy).not.toMatch(/federatedIdpMfaBehavior/i);
  }
}

describe('a healthy default AD FS rollover', () => {
  /** AD FS generates N at −20, Entra picks it up on its next daily poll, AD FS promotes at −15. */
  function healthyAt(now: Date, opts: { signed: boolean; entra: boolean; issuer?: string }) {
    const published = now < at(E, -20) ? [S] : [S, N];
    const adfsSigner = now < at(E, -15) ? S : N;
    const entraNext = now >= at(E, -19) ? N : undefined;
    const entra = opts.entra
      ? federated(federationOf(S, entraNext, opts.issuer ? { issuerUri: opts.issuer } : {}))
      : undefined;
    return assessDomain(
      scenario({ now, published, signer: opts.signed ? adfsSigner : undefined, entra }),
    );
  }

  it.each([
    ['signed metadata, Entra known', { signed: true, entra: true }],
    ['unsigned metadata (signer by rollover order)', { signed: false, entra: true }],
    ['no Graph: one-sided comparison', { signed: true, entra: false }],
    [
      'multi-domain federation issuer http://contoso.com/adfs/services/trust',
      { signed: true, entra: true, issuer: 'http://contoso.com/adfs/services/trust' },
    ],
  ])('never warns from 60 days to expiry: %s', (_name, opts) => {
    for (let hours = -60 * 24; hours < 0; hours += 3) {
      const a = healthyAt(at(E, 0, hours), opts);
      const loud = a.findings.filter((f) => f.severity !== 'info');
      if (loud.length > 0 || a.status !== 'ok') {
        throw new Error(`at E${hours}h: ${a.status} ${JSON.stringify(loud)}`);
      }
    }
  });

  it('says IN_SYNC far from expiry and ROLLOVER_PENDING once Entra holds the successor', () => {
    expect(
      healthyAt(at(E, -100), { signed: true, entra: true }).findings.map((f) => f.code),
    ).toEqual(['IN_SYNC']);
    const pending = healthyAt(at(E, -17), { signed: true, entra: true });
    expect(pending.findings.map((f) => f.code)).toEqual(['IN_SYNC', 'ROLLOVER_PENDING']);
  });

  it('notes the stale slot after the old certificate expired, still ok', () => {
    const a = assessDomain(
      scenario({ now: at(E, 3), published: [N], signer: N, entra: federated(federationOf(S, N)) }),
    );
    expect(a.status).toBe('ok');
    expect(severityOf(a, 'STALE_ENTRA_CERT')).toBe('info');
  });
});

describe('rule 3: AD FS, auto-rollover on or unknown', () => {
  const notHeld = () => federated(federationOf(S));
  it.each([
    [-20 + 47 / 24, 'info'],
    [-20 + 2, 'warning'],
    [-16 - MS, 'warning'],
    [-16, 'critical'],
    [-15.5, 'critical'],
  ])('NEXT_CERT_NOT_IN_ENTRA at E%sd is %s', (days, expected) => {
    const a = assessDomain(
      scenario({ now: at(E, days), published: [S, N], signer: S, entra: notHeld() }),
    );
    expect(severityOf(a, 'NEXT_CERT_NOT_IN_ENTRA')).toBe(expected);
    expect(a.findings.find((f) => f.code === 'NEXT_CERT_NOT_IN_ENTRA')?.remedy).toContain(
      `-NextSigningCertificate '${N.base64}'`,
    );
    noRemedyIsDangerous(a);
  });

  it('is SIGNER_NOT_IN_ENTRA (critical) at 14 days once AD FS promoted the successor Entra lacks', () => {
    const a = assessDomain(
      scenario({ now: at(E, -14), published: [S, N], signer: N, entra: notHeld() }),
    );
    expect(severityOf(a, 'SIGNER_NOT_IN_ENTRA')).toBe('critical');
    expect(a.status).toBe('critical');
  });

  it.each([
    [-20 - MS, undefined],
    [-20, 'info'],
    [-18 - MS, 'info'],
    [-18, 'warning'],
    [-16 - MS, 'warning'],
    [-16, 'critical'],
    [-15, 'critical'],
    [-14, 'critical'],
  ])('CERT_EXPIRING without a successor at E%sd is %s', (days, expected) => {
    const a = assessDomain(
      scenario({ now: at(E, days), published: [S], signer: S, entra: federated(federationOf(S)) }),
    );
    expect(severityOf(a, 'CERT_EXPIRING')).toBe(expected);
  });

  it('uses the snapshot thresholds G and P', () => {
    const adfs = adfsSnapshot({ generationThresholdDays: 30, promotionThresholdDays: 10 });
    const a = assessDomain(
      scenario({
        now: at(E, -30),
        published: [S],
        signer: S,
        entra: federated(federationOf(S)),
        extra: { adfs },
      }),
    );
    expect(severityOf(a, 'CERT_EXPIRING')).toBe('info');
    expect(a.timeline.find((t) => t.kind === 'promotion')?.date).toBe(at(E, -20).toISOString());
  });
});

describe('rule 4: manual renewal', () => {
  it.each([
    [43, undefined],
    [42, 'warning'],
    [36, 'warning'],
    [35, 'critical'],
    [34, 'critical'],
  ])('AUTO_ROLLOVER_OFF with %s days left is %s', (d, expected) => {
    const a = assessDomain(
      scenario({
        now: at(E, -d),
        published: [S],
        signer: S,
        entra: federated(federationOf(S)),
        extra: { autoRolloverFact: false },
      }),
    );
    expect(severityOf(a, 'AUTO_ROLLOVER_OFF')).toBe(expected);
    expect(severityOf(a, 'CERT_EXPIRING')).toBeUndefined();
  });

  it('honours the lead days', () => {
    const input = scenario({
      now: at(E, -50),
      published: [S],
      signer: S,
      entra: federated(federationOf(S)),
      leadDays: 15,
      extra: { autoRolloverFact: false },
    });
    expect(severityOf(assessDomain(input), 'AUTO_ROLLOVER_OFF')).toBe('warning');
  });

  const okta = (cert?: CertInfo, next?: CertInfo) =>
    federated(
      federationOf(cert, next, {
        issuerUri: 'http://www.okta.com/exk1',
        passiveSignInUri: 'https://contoso.okta.com/app/wsfed',
      }),
    );

  it.each([
    [36, 'warning'],
    [35, 'critical'],
  ])('MANUAL_RENEWAL_REQUIRED for a third-party IdP with %s days left is %s', (d, expected) => {
    const a = assessDomain(
      scenario({
        now: at(E, -d),
        published: [S],
        entityId: 'http://www.okta.com/exk1',
        entra: okta(S),
      }),
    );
    expect(severityOf(a, 'MANUAL_RENEWAL_REQUIRED')).toBe(expected);
  });

  it('warns at once when a third-party successor is published but not held, critical at 35 days', () => {
    const far = assessDomain(
      scenario({
        now: at(E, -100),
        published: [S, N],
        entityId: 'http://www.okta.com/exk1',
        entra: okta(S),
      }),
    );
    expect(severityOf(far, 'NEXT_CERT_NOT_IN_ENTRA')).toBe('warning');
    const near = assessDomain(
      scenario({
        now: at(E, -35),
        published: [S, N],
        entityId: 'http://www.okta.com/exk1',
        entra: okta(S),
      }),
    );
    expect(severityOf(near, 'NEXT_CERT_NOT_IN_ENTRA')).toBe('critical');
  });

  it.each([
    [8, 'info'],
    [7, 'warning'],
    [3, 'warning'],
    [2, 'critical'],
  ])('rule 5 PROMOTION_PENDING with %s days left is %s', (d, expected) => {
    // The IdP still signs its metadata with S: the signer is known, not guessed from dates.
    const a = assessDomain(
      scenario({
        now: at(E, -d),
        published: [S, N],
        signer: S,
        entityId: 'http://www.okta.com/exk1',
        entra: okta(S, N),
      }),
    );
    expect(severityOf(a, 'PROMOTION_PENDING')).toBe(expected);
    expect(severityOf(a, 'MANUAL_RENEWAL_REQUIRED')).toBeUndefined();
  });

  it('ENTRA_UPDATE_FAILED is a warning when Entra failed in the current cycle', () => {
    const status = { result: 'couldNotAccessRemoteHost', lastRun: at(E, -30) };
    const a = assessDomain(
      scenario({
        now: at(E, -30),
        published: [S],
        signer: S,
        entra: federated(federationOf(S, undefined, { updateStatus: status })),
      }),
    );
    expect(severityOf(a, 'ENTRA_UPDATE_FAILED')).toBe('warning');
    expect(a.entraUpdate?.explanation).toMatch(/not published to the internet/);
  });

  it.each([
    [40, 'warning'],
    [60, 'info'],
  ])('ENTRA_UPDATE_FAILED left from the previous cycle, %s days left, is %s', (d, expected) => {
    const status = { result: 'CONNECTIONERROR', lastRun: at(E, -400) };
    const a = assessDomain(
      scenario({
        now: at(E, -d),
        published: [S],
        signer: S,
        entra: federated(federationOf(S, undefined, { updateStatus: status })),
      }),
    );
    expect(severityOf(a, 'ENTRA_UPDATE_FAILED')).toBe(expected);
  });

  it('explains noNewCertificateFound as expected and raises nothing', () => {
    const status = { result: 'noNewCertificateFound', lastRun: at(E, -25) };
    const a = assessDomain(
      scenario({
        now: at(E, -25),
        published: [S],
        signer: S,
        entra: federated(federationOf(S, undefined, { updateStatus: status })),
      }),
    );
    expect(severityOf(a, 'ENTRA_UPDATE_FAILED')).toBeUndefined();
    expect(a.entraUpdate?.explanation).toMatch(/expected between 35 and 20 days/);
    expect(a.status).toBe('ok');
  });
});

describe('rules 1, 2, 6: broken now, expired, promotion before Entra polls', () => {
  it('SIGNER_NOT_IN_ENTRA names the exact command with id and base64 in the free slot', () => {
    const a = assessDomain(
      scenario({ now: at(E, -100), published: [S], signer: S, entra: federated(federationOf(U)) }),
    );
    const f = a.findings.find((x) => x.code === 'SIGNER_NOT_IN_ENTRA');
    expect(f?.severity).toBe('critical');
    expect(f?.remedy).toContain(
      "-DomainId 'contoso.com' -InternalDomainFederationId '6601d14b-d113-8f64-fda2-9b5ddda18ecc'",
    );
    expect(f?.remedy).toContain(`-NextSigningCertificate '${S.base64}'`);
    noRemedyIsDangerous(a);
  });

  it('CERT_EXPIRED once the only certificate expired', () => {
    const a = assessDomain(
      scenario({ now: at(E, 1), published: [S], entra: federated(federationOf(S)) }),
    );
    expect(severityOf(a, 'CERT_EXPIRED')).toBe('critical');
    expect(a.signer?.method).toBe('last-expired');
    noRemedyIsDangerous(a);
  });

  it.each([
    [40, 5, 'warning'],
    [35, 5, 'warning'],
    [34, 5, undefined],
  ])('PROMOTION_BEFORE_ENTRA_POLL with G=%s P=%s is %s', (g, p, expected) => {
    const adfs = adfsSnapshot({ generationThresholdDays: g, promotionThresholdDays: p });
    const a = assessDomain(
      scenario({
        now: at(E, -200),
        published: [S],
        signer: S,
        entra: federated(federationOf(S)),
        extra: { adfs },
      }),
    );
    expect(severityOf(a, 'PROMOTION_BEFORE_ENTRA_POLL')).toBe(expected);
  });

  it('takes the snapshot IsPrimary certificate as the signer', () => {
    const adfs = adfsSnapshot({
      tokenSigning: [
        { cert: S, isPrimary: false },
        { cert: N, isPrimary: true },
      ],
    });
    const a = assessDomain(
      scenario({
        now: at(E, -18),
        published: [S, N],
        signer: S,
        entra: federated(federationOf(S, N)),
        extra: { adfs },
      }),
    );
    expect(a.signer).toEqual({ thumbprintSha1: N.thumbprintSha1, method: 'adfs-primary' });
    expect(
      a.certificates
        .filter((c) => c.signer)
        .map((c) => c.source)
        .sort(),
    ).toEqual(['adfs', 'idp-metadata']);
  });

  it('uses a snapshot older than 7 days for its settings but not for its primary certificate', () => {
    const now = at(E, -18);
    const run = (receivedDaysAgo: number) =>
      assessDomain(
        scenario({
          now,
          published: [S, N],
          signer: S,
          entra: federated(federationOf(S, N)),
          extra: {
            adfs: adfsSnapshot({
              autoCertificateRollover: false,
              tokenSigning: [
                { cert: S, isPrimary: false },
                { cert: N, isPrimary: true },
              ],
              receivedAt: at(now, -receivedDaysAgo),
            }),
          },
        }),
      );
    const fresh = run(7);
    expect(fresh.signer?.method).toBe('adfs-primary');
    expect(fresh.findings.map((f) => f.code)).not.toContain('ADFS_SNAPSHOT_STALE');
    const stale = run(8);
    expect(stale.signer?.method).toBe('metadata-signature');
    expect(stale.autoRollover).toBe('off');
    expect(stale.certificates.some((c) => c.source === 'adfs')).toBe(false);
    expect(stale.findings.find((f) => f.code === 'ADFS_SNAPSHOT_STALE')).toMatchObject({
      severity: 'info',
    });
  });
});

describe('rules 7, 8, 13: slots, issuer, changes', () => {
  it('flags a valid slot certificate the IdP never published (a backdoor)', () => {
    const a = assessDomain(
      scenario({
        now: at(E, -100),
        published: [S],
        signer: S,
        entra: federated(federationOf(S, U)),
      }),
    );
    expect(severityOf(a, 'ENTRA_UNKNOWN_CERT')).toBe('warning');
    expect(a.findings.find((f) => f.code === 'ENTRA_UNKNOWN_CERT')?.thumbprint).toBe(
      U.thumbprintSha1,
    );
  });

  it('does not flag a certificate stored history says the IdP published', () => {
    const history = { firstSeen: {}, published: [U.thumbprintSha1] };
    const a = assessDomain(
      scenario({
        now: at(E, -100),
        published: [S],
        signer: S,
        entra: federated(federationOf(S, U)),
        extra: { history },
      }),
    );
    expect(severityOf(a, 'ENTRA_UNKNOWN_CERT')).toBeUndefined();
  });

  it.each([
    ['http://fs.contoso.com/adfs/services/trust', undefined],
    ['HTTPS://FS.CONTOSO.COM/adfs/services/trust/', undefined],
    ['http://contoso.com/adfs/services/trust', undefined],
    ['http://other.example/adfs/services/trust', 'warning'],
  ])('ISSUER_MISMATCH for issuerUri %s is %s', (issuerUri, expected) => {
    const a = assessDomain(
      scenario({
        now: at(E, -100),
        published: [S],
        signer: S,
        entra: federated(federationOf(S, undefined, { issuerUri })),
      }),
    );
    expect(severityOf(a, 'ISSUER_MISMATCH')).toBe(expected);
  });

  it('reports changed Entra settings in a sweep: info, warning with an unknown certificate', () => {
    const previous = federationOf(S);
    const changed = assessDomain(
      scenario({
        now: at(E, -100),
        published: [S],
        signer: S,
        entra: federated(federationOf(S, U)),
        extra: { previousEntra: previous, mode: 'sweep' },
      }),
    );
    expect(severityOf(changed, 'FEDERATION_SETTINGS_CHANGED')).toBe('warning');
    const issuer = assessDomain(
      scenario({
        now: at(E, -100),
        published: [S],
        signer: S,
        entra: federated(
          federationOf(S, undefined, { issuerUri: 'http://contoso.com/adfs/services/trust' }),
        ),
        extra: { previousEntra: previous, mode: 'sweep' },
      }),
    );
    expect(issuer.findings.find((f) => f.code === 'FEDERATION_SETTINGS_CHANGED')).toMatchObject({
      severity: 'info',
      message: expect.stringContaining('issuerUri'),
    });
  });
});

describe('rules 9 and 10, verdict', () => {
  const problem = {
    code: 'METADATA_UNREACHABLE' as const,
    detail: 'connect ETIMEDOUT',
    url: 'https://fs.contoso.com/x',
  };

  it('warns at once on demand; in a sweep only after two failures in a row', () => {
    const base = {
      domain: 'contoso.com',
      now: at(E, -100),
      leadDays: 7,
      entra: federated(federationOf(S)),
    };
    expect(
      severityOf(
        assessDomain({ ...base, mode: 'on-demand', metadataProblem: problem }),
        'METADATA_UNREACHABLE',
      ),
    ).toBe('warning');
    expect(
      severityOf(
        assessDomain({
          ...base,
          mode: 'sweep',
          metadataProblem: { ...problem, failedSweepsInARow: 1 },
        }),
        'METADATA_UNREACHABLE',
      ),
    ).toBe('info');
    expect(
      severityOf(
        assessDomain({
          ...base,
          mode: 'sweep',
          metadataProblem: { ...problem, failedSweepsInARow: 2 },
        }),
        'METADATA_UNREACHABLE',
      ),
    ).toBe('warning');
  });

  it('is unknown when neither a signer nor Entra is known', () => {
    const a = assessDomain({
      domain: 'contoso.com',
      now: at(E, -100),
      leadDays: 7,
      mode: 'on-demand',
      metadataProblem: problem,
      entra: { kind: 'unknown', reason: 'Graph is not configured.' },
    });
    expect(a.status).toBe('unknown');
    expect(a.findings.map((f) => f.code).sort()).toEqual([
      'GRAPH_NOT_CONFIGURED',
      'METADATA_UNREACHABLE',
    ]);
  });

  it('counts a published successor as held without Entra and says the comparison was one-sided', () => {
    const a = assessDomain(scenario({ now: at(E, -17), published: [S, N], signer: S }));
    expect(a.status).toBe('ok');
    expect(a.findings.map((f) => f.code)).toEqual(['ROLLOVER_PENDING', 'GRAPH_NOT_CONFIGURED']);
  });

  it.each([
    [31, undefined],
    [30, 'warning'],
    [8, 'warning'],
    [7, 'critical'],
  ])('TLS_CERT_EXPIRING with %s days left is %s', (d, expected) => {
    const tls = { host: 'fs.contoso.com', notAfter: at(E, -100 + d) };
    const a = assessDomain(
      scenario({
        now: at(E, -100),
        published: [S],
        signer: S,
        entra: federated(federationOf(S)),
        extra: { tls },
      }),
    );
    expect(severityOf(a, 'TLS_CERT_EXPIRING')).toBe(expected);
  });

  it('METADATA_SIGNATURE_INVALID is a warning', () => {
    const input = scenario({ now: at(E, -100), published: [S], entra: federated(federationOf(S)) });
    input.metadata!.signature = { status: 'invalid', reason: 'the signature does not verify' };
    expect(severityOf(assessDomain(input), 'METADATA_SIGNATURE_INVALID')).toBe('warning');
  });

  it('NOT_FEDERATED is ok', () => {
    const a = assessDomain({
      domain: 'contoso.com',
      now: E,
      leadDays: 7,
      mode: 'on-demand',
      entra: { kind: 'not-federated', detail: 'contoso.com is a managed domain.' },
    });
    expect(a).toMatchObject({
      status: 'ok',
      findings: [{ code: 'NOT_FEDERATED', severity: 'info' }],
    });
  });
});

describe('rule 9: a document read but with nothing to compare (issue #12, item 7)', () => {
  it('says there is no usable signing certificate, and why, instead of an unexplained unknown', () => {
    const xml = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml').replace(
      /<X509Certificate>[^<]+<\/X509Certificate>/g,
      '<X509Certificate>AAAA</X509Certificate>',
    );
    const parsed = parseMetadata(xml);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.metadata.signingCerts).toEqual([]);
    const input = scenario({ now: new Date('2026-11-22T00:00:00Z'), published: [] });
    const a = assessDomain({
      ...input,
      metadata: { ...input.metadata!, parsed: parsed.metadata },
    });
    const finding = a.findings.find((f) => f.code === 'METADATA_NO_SIGNING_CERT');
    expect(finding?.severity).toBe('warning');
    expect(finding?.message).toContain(parsed.metadata.undecodable[0]!);
    expect(a.status).not.toBe('ok');
    // A document with its certificates: no such finding.
    const good = parseMetadata(readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml'));
    if (!good.ok) throw new Error(good.reason);
    const healthy = assessDomain({
      ...input,
      metadata: { ...input.metadata!, parsed: good.metadata },
    });
    expect(healthy.findings.map((f) => f.code)).not.toContain('METADATA_NO_SIGNING_CERT');
  });
});
