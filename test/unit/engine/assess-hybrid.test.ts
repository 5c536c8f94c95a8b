import { assessHybrid } from '../../../src/engine/assess-hybrid';
import {
  azureEnvironment,
  federationTrustUsage,
  supportsDedicatedApp,
  type HybridAssessmentInput,
} from '../../../src/engine/hybrid-facts';
import { parseExchangeAuth, type ExchangeAuth } from '../../../src/engine/exchange-auth';
import { hybridAppHolders, parseApplication } from '../../../src/engine/hybrid-entra';
import type { Assessment } from '../../../src/engine/types';
import {
  IDS,
  authFixture,
  authFixtures,
  entraFixture,
  hybridJson,
  type EntraFixtures,
} from '../../support/exchange-hybrid';

const T = (iso: string) => new Date(iso);
const GLOBAL = 'https://graph.microsoft.com';

function assess(
  now: string | Date,
  auth: ExchangeAuth | undefined,
  entra: EntraFixtures | HybridAssessmentInput['entra'] = {},
  extra: Partial<HybridAssessmentInput> = {},
): Assessment {
  return assessHybrid({
    now: typeof now === 'string' ? T(now) : now,
    mode: 'on-demand',
    organization: 'contoso',
    auth,
    entra: 'kind' in entra ? entra : entraFixture(entra),
    graphBaseUrl: GLOBAL,
    ...extra,
  });
}

/** A snapshot as a file gives it (no age), or received `hours` before `now`. */
function fresh(name: string, now?: string, hours = 1): ExchangeAuth {
  return authFixture(name, now ? new Date(T(now).getTime() - hours * 3_600_000) : undefined);
}

const codes = (a: Assessment) => a.findings.map((f) => `${f.code}:${f.severity}`).sort();
const loud = (a: Assessment) => a.findings.filter((f) => f.severity !== 'info');

describe('design §4.3: exact timings on the example organisation', () => {
  const rows: [string, string, EntraFixtures, string[], string][] = [
    [
      '2026-11-10T12:00:00Z',
      'collector-auth-steady.ps51.json',
      {},
      ['AUTH_CERT_EXPIRING:info'],
      'ok',
    ],
    [
      '2026-11-12T12:00:00Z',
      'collector-auth-next-staged.ps7.json',
      {},
      ['NEXT_AUTH_CERT_NOT_IN_HYBRID_APP:info'],
      'ok',
    ],
    [
      '2026-11-13T09:03:06Z',
      'collector-auth-next-staged.ps7.json',
      {},
      ['NEXT_AUTH_CERT_NOT_IN_HYBRID_APP:info'],
      'ok',
    ],
    [
      '2026-11-13T09:03:07Z',
      'collector-auth-next-staged.ps7.json',
      {},
      ['NEXT_AUTH_CERT_NOT_IN_HYBRID_APP:warning'],
      'warning',
    ],
    [
      '2026-12-10T09:03:04Z',
      'collector-auth-next-staged.ps7.json',
      {},
      ['NEXT_AUTH_CERT_NOT_IN_HYBRID_APP:warning'],
      'warning',
    ],
    [
      '2026-12-10T09:03:05Z',
      'collector-auth-next-staged.ps7.json',
      {},
      ['NEXT_AUTH_CERT_NOT_IN_HYBRID_APP:critical'],
      'critical',
    ],
    [
      '2026-12-11T09:03:05Z',
      'collector-auth-next-staged.ps7.json',
      {},
      ['AUTH_CERT_NOT_IN_HYBRID_APP:critical'],
      'critical',
    ],
    [
      '2026-11-12T08:40:55Z',
      'collector-auth-next-staged.ps7.json',
      { app: 'graph-app-holds-current-and-next.json' },
      ['AUTH_ROLLOVER_PENDING:info'],
      'ok',
    ],
    [
      '2026-12-11T15:00:00Z',
      'collector-auth-next-staged.ps7.json',
      { app: 'graph-app-holds-current-and-next.json' },
      ['AUTH_ROLLOVER_PENDING:info'],
      'ok',
    ],
    [
      '2026-12-12T09:00:00Z',
      'collector-auth-promoted.json',
      { app: 'graph-app-holds-current-and-next.json' },
      ['IN_SYNC:info'],
      'ok',
    ],
    [
      '2027-01-10T09:14:23Z',
      'collector-auth-promoted.json',
      { app: 'graph-app-holds-current-and-next.json' },
      ['HYBRID_APP_STALE_KEY:info', 'IN_SYNC:info'],
      'ok',
    ],
    [
      '2026-11-20T12:00:00Z',
      'collector-auth-steady.ps51.json',
      {},
      ['AUTH_CERT_EXPIRING:warning'],
      'warning',
    ],
    [
      '2026-12-11T12:00:00Z',
      'collector-auth-steady.ps51.json',
      {},
      ['AUTH_CERT_EXPIRING:critical'],
      'critical',
    ],
    [
      '2027-01-10T09:14:22Z',
      'collector-auth-steady.ps51.json',
      {},
      ['AUTH_CERT_EXPIRED:critical'],
      'critical',
    ],
  ];
  it.each(rows)('%s %s → %j', (now, snapshot, entra, expected, status) => {
    // A file has no age (the CLI): first seen(next) is WhenChangedUTC, as the design's table says.
    const a = assess(now, fresh(snapshot), entra);
    expect(codes(a)).toEqual(expected);
    expect(a.status).toBe(status);
  });

  it('the 60-day info says the monitor stages a successor, the 57-day warning says why none came', () => {
    expect(
      assess('2026-11-10T12:00:00Z', fresh('collector-auth-steady.ps51.json')).findings[0]!.message,
    ).toMatch(/\(60 days\).*the monitor stages a successor at 60 days/);
    const warning = assess('2026-11-14T12:00:00Z', fresh('collector-auth-steady.ps51.json'))
      .findings[0]!;
    expect(warning.severity).toBe('warning');
    expect(warning.message).toMatch(/-IgnoreHybridConfig \$true/);
    expect(warning.remedy).toContain(
      '-ValidateAndRenewAuthCertificate $true -IgnoreHybridConfig $true',
    );
  });

  it('short staging (current had 20 days): one warning day after 48 h, then critical at eff − 24 h', () => {
    const auth = fresh('collector-auth-short-staging.json');
    const at = (iso: string) =>
      assess(iso, auth).findings.find((f) => f.code === 'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP')!
        .severity;
    expect(at('2026-12-22T09:00:00Z')).toBe('info');
    expect(at('2026-12-23T09:03:07Z')).toBe('warning');
    expect(at('2026-12-24T09:03:05Z')).toBe('critical');
  });

  it('with the collector history, first seen(next) is the first snapshot naming it (≈ 10:00Z)', () => {
    const auth = fresh('collector-auth-next-staged.ps7.json');
    const seen = { nextFirstSeen: T('2026-11-11T10:00:04Z') };
    const at = (iso: string) =>
      assess(iso, auth, {}, { history: seen }).findings.find(
        (f) => f.code === 'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP',
      )!.severity;
    expect(at('2026-11-13T09:59:59Z')).toBe('info');
    expect(at('2026-11-13T10:00:04Z')).toBe('warning');
  });
});

describe('design §4.4: a healthy renewal never alerts, hour by hour', () => {
  /** The organisation as the hourly collector and Graph see it at `now`. */
  function world(now: Date): { auth: ExchangeAuth; entra: EntraFixtures; seen?: Date } {
    const t = now.getTime();
    const received = new Date(t - 20 * 60_000);
    const staged = T('2026-11-11T10:00:04Z').getTime();
    const promoted = T('2026-12-11T19:00:04Z').getTime();
    const uploaded = T('2026-11-12T08:40:55Z').getTime();
    const name =
      t < staged
        ? 'collector-auth-steady.ps51.json'
        : t < promoted
          ? 'collector-auth-next-staged.ps7.json'
          : 'collector-auth-promoted.json';
    return {
      auth: authFixture(name, received),
      entra: {
        app:
          t < uploaded
            ? 'graph-app-holds-current-only.json'
            : 'graph-app-holds-current-and-next.json',
      },
      seen: t >= staged ? new Date(staged) : undefined,
    };
  }

  it('from 2026-10-01 to 2027-02-01: nothing above info, every hour', () => {
    const noisy: string[] = [];
    for (
      let t = T('2026-10-01T00:00:00Z').getTime();
      t < T('2027-02-01T00:00:00Z').getTime();
      t += 3_600_000
    ) {
      const now = new Date(t);
      const { auth, entra, seen } = world(now);
      const a = assess(now, auth, entra, {
        history: { nextFirstSeen: seen, authThumbprints: [IDS.thumbprints.cur] },
      });
      for (const f of loud(a)) noisy.push(`${now.toISOString()} ${f.code}:${f.severity}`);
    }
    expect(noisy).toEqual([]);
  });

  it('and the same renewal with the upload forgotten is flagged before the switch (negative control)', () => {
    const auth = authFixture('collector-auth-next-staged.ps7.json', T('2026-12-09T11:00:00Z'));
    const a = assess(
      '2026-12-09T12:00:00Z',
      auth,
      {},
      { history: { nextFirstSeen: T('2026-11-11T10:00:04Z') } },
    );
    expect(codes(a)).toEqual(['NEXT_AUTH_CERT_NOT_IN_HYBRID_APP:warning']);
  });

  it('7: a snapshot older than 26 h on a healthy projection only says it is stale', () => {
    const auth = authFixture('collector-auth-next-staged.ps7.json', T('2026-12-12T00:00:00Z'));
    const a = assess('2026-12-14T09:00:00Z', auth, {
      app: 'graph-app-holds-current-and-next.json',
    });
    expect(loud(a).map((f) => f.code)).toEqual(['EXCHANGE_SNAPSHOT_STALE']);
    expect(
      a.findings.every(
        (f) =>
          f.code === 'EXCHANGE_SNAPSHOT_STALE' ||
          f.message.includes('(as of 2026-12-07T06:00:04.000Z)'),
      ),
    ).toBe(true);
  });

  it('8: DAuth only — no dedicated-app finding above info; legacy keys still warn', () => {
    const auth = fresh('collector-dauth-only.json');
    const clean = assess('2026-11-02T00:00:00Z', auth, { app: 'graph-app-holds-none.json' });
    expect(codes(clean)).toEqual(['HYBRID_OAUTH_NOT_CONFIGURED:info']);
    const legacy = assess('2026-11-02T00:00:00Z', auth, {
      app: 'graph-app-holds-none.json',
      legacy: 'graph-legacy-sp-with-keys.json',
    });
    expect(loud(legacy).map((f) => f.code)).toEqual(['LEGACY_SP_HAS_KEYS']);
  });

  it("9: without Entra's side, one-sided and never critical from it", () => {
    const auth = fresh('collector-auth-next-staged.ps7.json');
    const a = assess('2026-12-11T12:00:00Z', auth, {
      kind: 'unknown',
      reason: 'no Application.Read.All (HTTP 403).',
    });
    expect(codes(a)).toEqual(['GRAPH_NOT_CONFIGURED:info']);
    expect(a.status).toBe('ok');
  });

  it('10: the Graph workflow with its four permissions consented and no full_access_as_app is healthy', () => {
    const auth = fresh('collector-graph-workflow.json');
    const a = assess('2026-11-02T00:00:00Z', auth, {
      consent: 'graph-app-graph-consent.json',
      graphRoles: 'graph-msgraph-approles.json',
    });
    expect(codes(a)).toEqual(['IN_SYNC:info']);
    const ews = assess('2026-11-02T00:00:00Z', auth, {
      consent: 'graph-app-sp-consent.json',
      graphRoles: 'graph-msgraph-approles.json',
    });
    expect(codes(ews)).toEqual(['HYBRID_APP_CONSENT_MISSING:critical']);
    expect(ews.findings[0]!.message).toContain(
      'Calendars.Read, MailboxSettings.Read, MailTips.ReadBasic.All, ProfilePhoto.Read.All',
    );
  });

  it('11: a third-party holder of full_access_as_app is never taken for the hybrid app', () => {
    expect(hybridAppHolders(hybridJson('graph-exo-approleassignedto.json'))).toEqual([
      {
        principalId: IDS.appServicePrincipalId,
        displayName: `ExchangeServerApp-${IDS.organizationGuid}`,
      },
    ]);
  });

  it('1: steady state is IN_SYNC', () => {
    expect(codes(assess('2026-10-01T00:00:00Z', fresh('collector-auth-steady.ps51.json')))).toEqual(
      ['IN_SYNC:info'],
    );
  });
});

describe('rule group 14, one rule at a time', () => {
  const now = '2026-11-02T00:00:00Z';
  const steady = () => fresh('collector-auth-steady.ps51.json');

  it('14.3: no app in Entra, or no override on premises → critical with the right command', () => {
    const none = assess(now, steady(), { app: null as unknown as string });
    expect(codes(none)).toEqual(['HYBRID_APP_NOT_CONFIGURED:critical']);
    expect(none.findings[0]!.remedy).toContain(
      '.\\ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication',
    );
    const auth = steady();
    auth.settingOverrides = [];
    const off = assess(now, auth);
    expect(codes(off)).toEqual(['HYBRID_APP_NOT_CONFIGURED:critical']);
    expect(off.findings[0]!.message).toMatch(/no ExchangeOnpremAsThirdPartyAppId setting override/);
    expect(off.findings[0]!.remedy).toContain(
      '-ConfigureAuthServer -EnableExchangeHybridApplicationOverride',
    );
    expect(off.findings[0]!.remedy).toContain(
      `-CustomAppId ${IDS.appId} -TenantId ${IDS.tenantId}`,
    );
  });

  it('14.3: two overrides are ambiguous (warning); the certificate rules still run', () => {
    const a = assess(now, fresh('collector-two-overrides.json'), {
      app: 'graph-app-holds-none.json',
    });
    expect(codes(a)).toEqual([
      'AUTH_CERT_NOT_IN_HYBRID_APP:critical',
      'HYBRID_APP_OVERRIDE_AMBIGUOUS:warning',
    ]);
  });

  it('14.4: consent missing, or the service principal missing or disabled → critical', () => {
    expect(codes(assess(now, steady(), { consent: 'graph-app-sp-no-consent.json' }))).toEqual([
      'HYBRID_APP_CONSENT_MISSING:critical',
    ]);
    expect(codes(assess(now, steady(), { sp: 'graph-app-sp-disabled.json' }))).toEqual([
      'HYBRID_APP_CONSENT_MISSING:critical',
    ]);
    const missing = assess(now, steady(), { sp: null });
    expect(missing.findings[0]!.message).toMatch(/no admin consent for a service principal/);
    const noConsent = assess(now, steady(), { consent: 'graph-app-sp-no-consent.json' })
      .findings[0]!;
    expect(noConsent.remedy).toContain(
      `New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId ${IDS.appServicePrincipalId} -PrincipalId ${IDS.appServicePrincipalId} -ResourceId ${IDS.exchangeOnlineServicePrincipalId} -AppRoleId dc890d15-9560-4a4c-9b7f-a736ec74ec40`,
    );
  });

  it('14.5: the current certificate not in the app → critical, remedy -UpdateCertificate and the file route', () => {
    const a = assess(now, steady(), { app: 'graph-app-holds-none.json' });
    expect(codes(a)).toEqual(['AUTH_CERT_NOT_IN_HYBRID_APP:critical']);
    expect(a.findings[0]!.thumbprint).toBe(IDS.thumbprints.cur);
    expect(a.findings[0]!.remedy.split('\n')).toEqual([
      '.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate',
      '# Exchange without Graph access: export the public key, copy it, upload it from a machine that has Graph access',
      `Export-Certificate -Cert Cert:\\LocalMachine\\My\\${IDS.thumbprints.cur} -FilePath C:\\temp\\${IDS.thumbprints.cur}.cer`,
      `.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate -CertificateMethod "File" -CertificateInformation "C:\\temp\\${IDS.thumbprints.cur}.cer"`,
    ]);
  });

  it('14.8: a server without the next certificate → warning, critical from eff − 24 h', () => {
    const auth = authFixtures([
      'collector-auth-missing-on-server.EX01.json',
      'collector-auth-missing-on-server.EX02.json',
    ]);
    const at = (iso: string) =>
      assess(iso, auth, { app: 'graph-app-holds-current-and-next.json' }).findings.filter(
        (f) => f.code === 'AUTH_CERT_MISSING_ON_SERVER',
      );
    const early = at('2026-12-08T00:00:00Z');
    expect(early.map((f) => f.severity)).toEqual(['warning']);
    expect(early[0]!.message).toContain(
      `${IDS.thumbprints.next} is not in the certificate store of EX02`,
    );
    expect(at('2026-12-10T09:03:05Z').map((f) => f.severity)).toEqual(['critical']);
  });

  it('14.8: a next certificate expiring within 120 days is invalid', () => {
    const auth = fresh('collector-auth-next-staged.ps7.json');
    const next = auth.certificates.find((c) => c.thumbprintSha1 === IDS.thumbprints.next)!;
    next.notAfter = T('2027-03-01T00:00:00Z');
    const a = assess('2026-11-12T00:00:00Z', auth, {
      app: 'graph-app-holds-current-and-next.json',
    });
    expect(codes(a)).toContain('NEXT_AUTH_CERT_INVALID:warning');
  });

  it('14.9: the only key for the current certificate ends before it does: warning 30 days before, critical 7', () => {
    const app = hybridJson('graph-app-holds-current-only.json') as {
      keyCredentials: { endDateTime: string }[];
    };
    app.keyCredentials[0]!.endDateTime = '2026-12-31T00:00:00Z';
    const entra = { ...entraFixture(), app: parseApplication(app) };
    const at = (iso: string) =>
      assess(iso, steady(), entra)
        .findings.filter((f) => f.code === 'HYBRID_APP_KEY_EXPIRING')
        .map((f) => f.severity);
    expect(at('2026-11-30T00:00:00Z')).toEqual([]);
    expect(at('2026-12-01T00:00:00Z')).toEqual(['warning']);
    expect(at('2026-12-24T00:00:00Z')).toEqual(['critical']);
  });

  it('14.10: a spoofed key, a secret and a foreign certificate are unknown credentials; an old Auth key is stale', () => {
    const spoof = assess(now, steady(), { app: 'graph-app-spoofed-key.json' });
    expect(codes(spoof)).toEqual(['HYBRID_APP_UNKNOWN_CREDENTIAL:warning']);
    expect(spoof.findings[0]!.message).toContain(
      `labelled as Auth certificate ${IDS.thumbprints.cur} but holds another key`,
    );
    expect(spoof.findings[0]!.thumbprint).toBe('7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8');
    const secret = assess(now, steady(), { app: 'graph-app-with-secret.json' });
    expect(codes(secret)).toEqual(['HYBRID_APP_UNKNOWN_CREDENTIAL:warning']);
    expect(secret.findings[0]!.message).toContain(
      'a client secret (keyId 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a, "backup"',
    );
    const old = assess('2026-11-12T08:40:55Z', fresh('collector-auth-next-staged.ps7.json'), {
      app: 'graph-app-expired-and-prev.json',
    });
    expect(codes(old)).toEqual(['AUTH_ROLLOVER_PENDING:info', 'HYBRID_APP_STALE_KEY:info']);
  });

  it('14.10: a valid key for a certificate that was an Auth certificate in history is stale, not unknown', () => {
    const app = hybridJson('graph-app-holds-current-only.json') as { keyCredentials: unknown[] };
    const foreign = (
      hybridJson('graph-app-spoofed-key.json') as { keyCredentials: Record<string, unknown>[] }
    ).keyCredentials[1]!;
    app.keyCredentials.push({ ...foreign, customKeyIdentifier: IDS.thumbprints.foreign });
    const entra = { ...entraFixture(), app: parseApplication(app) };
    expect(codes(assess(now, steady(), entra))).toEqual(['HYBRID_APP_UNKNOWN_CREDENTIAL:warning']);
    const known = assess(now, steady(), entra, {
      history: { authThumbprints: [IDS.thumbprints.foreign] },
    });
    expect(codes(known)).toEqual(['HYBRID_APP_STALE_KEY:info', 'IN_SYNC:info']);
  });

  it('14.11: legacy keys warn; expired only is info; the clean-up waits for old or unverified servers', () => {
    const keys = assess(now, steady(), { legacy: 'graph-legacy-sp-with-keys.json' });
    expect(codes(keys)).toEqual(['LEGACY_SP_HAS_KEYS:warning']);
    expect(keys.findings[0]!.remedy.split('\n')[0]).toBe(
      '.\\ConfigureExchangeHybridApplication.ps1 -ResetFirstPartyServicePrincipalKeyCredentials',
    );
    expect(codes(assess(now, steady(), { legacy: 'graph-legacy-sp-expired-only.json' }))).toEqual([
      'IN_SYNC:info',
      'LEGACY_SP_HAS_KEYS:info',
    ]);
    const old = authFixtures(
      ['collector-old-build.EX01.json', 'collector-old-build.json'],
      T('2026-11-01T23:00:00Z'),
    );
    const waits = assess(now, old, { legacy: 'graph-legacy-sp-with-keys.json' }).findings.find(
      (f) => f.code === 'LEGACY_SP_HAS_KEYS',
    )!;
    expect(waits.message).toContain('update EX02 first');
    expect(waits.remedy).toContain(
      '# Update EX02 to a build that supports the dedicated app first',
    );
    expect(waits.remedy).toContain('# Verify the hotfix level of EX03 first');
  });

  it('14.12: a changed key set in a sweep is info, a warning with an unknown credential', () => {
    const first = assess(now, steady(), {}, { mode: 'sweep' });
    const same = assess(
      now,
      steady(),
      {},
      { mode: 'sweep', history: { previousSettings: first.hybrid!.settings } },
    );
    expect(codes(same)).toEqual(['IN_SYNC:info']);
    const changed = assess(
      now,
      steady(),
      { app: 'graph-app-with-secret.json' },
      { mode: 'sweep', history: { previousSettings: first.hybrid!.settings } },
    );
    expect(codes(changed)).toEqual([
      'HYBRID_APP_UNKNOWN_CREDENTIAL:warning',
      'HYBRID_SETTINGS_CHANGED:warning',
    ]);
  });

  it('no snapshot: only the app hygiene and the legacy SP, and it says the on-premises half is unknown', () => {
    const a = assess(now, undefined, {
      legacy: 'graph-legacy-sp-with-keys.json',
      app: 'graph-app-with-secret.json',
    });
    expect(codes(a)).toEqual([
      'EXCHANGE_SNAPSHOT_MISSING:info',
      'HYBRID_APP_UNKNOWN_CREDENTIAL:warning',
      'LEGACY_SP_HAS_KEYS:warning',
    ]);
  });

  it('no hybrid at all: the Auth certificate is still watched', () => {
    const auth = fresh('collector-no-hybrid.json');
    expect(codes(assess(now, auth, { app: 'graph-app-holds-none.json' }))).toEqual([
      'HYBRID_OAUTH_NOT_CONFIGURED:info',
    ]);
    const expiring = assess('2026-12-01T00:00:00Z', auth, {
      app: 'graph-app-holds-none.json',
    }).findings.find((f) => f.code === 'AUTH_CERT_EXPIRING')!;
    expect(expiring.severity).toBe('warning');
    expect(expiring.remedy).not.toContain('IgnoreHybridConfig');
    expect(expiring.remedy).not.toContain('ConfigureExchangeHybridApplication');
  });

  it('an expired Auth certificate is critical with the immediate replacement', () => {
    const a = assess('2026-12-07T00:00:00Z', fresh('collector-auth-expired.json'), {
      app: 'graph-app-holds-none.json',
    });
    const expired = a.findings.find((f) => f.code === 'AUTH_CERT_EXPIRED')!;
    expect(expired.severity).toBe('critical');
    expect(expired.thumbprint).toBe(IDS.thumbprints.lapsed);
  });
});

describe('inputs', () => {
  it('reads Get-AuthConfig pasted from Windows PowerShell 5.1 and from PowerShell 7 (zone-less = UTC)', () => {
    for (const file of ['authconfig-raw.ps51.json', 'authconfig-raw.ps7.json']) {
      const parsed = parseExchangeAuth(hybridJson(file));
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.auth).toMatchObject({
        current: IDS.thumbprints.cur,
        next: IDS.thumbprints.next,
        previous: undefined,
        effective: T('2026-12-11T09:03:05Z'),
        whenChanged: T('2026-11-11T09:03:07Z'),
        slotsOnly: true,
      });
    }
  });

  it('a pasted Get-AuthConfig with the app file: certificates come from the app keys, OAuth facts are not judged', () => {
    const parsed = parseExchangeAuth(hybridJson('authconfig-raw.ps51.json'));
    if (!parsed.ok) throw new Error(parsed.reason);
    const a = assess('2026-11-13T12:00:00Z', parsed.auth, {});
    expect(codes(a)).toEqual(['NEXT_AUTH_CERT_NOT_IN_HYBRID_APP:warning']);
  });

  it('matches keys by the hash of key, else customKeyIdentifier as hex (any case) or 20 raw bytes; labels and null stay unknown', () => {
    const app = parseApplication(hybridJson('graph-app-customkeyidentifier-variants.json'))!;
    expect(app.keyCredentials.map((k) => k.thumbprint)).toEqual([
      IDS.thumbprints.cur,
      IDS.thumbprints.cur,
      IDS.thumbprints.cur,
      undefined,
      undefined,
    ]);
    const spoof = parseApplication(hybridJson('graph-app-spoofed-key.json'))!;
    expect(spoof.keyCredentials.map((k) => [k.thumbprint, k.spoofed])).toEqual([
      [IDS.thumbprints.cur, false],
      [undefined, true],
    ]);
  });

  it("-AzureEnvironment from GRAPH_BASE_URL, with the script's own table", () => {
    expect(azureEnvironment('https://graph.microsoft.com')).toEqual({ param: '', known: true });
    expect(azureEnvironment('https://graph.microsoft.us')).toEqual({
      param: ' -AzureEnvironment "USGovernmentL4"',
      known: true,
    });
    expect(azureEnvironment('https://dod-graph.microsoft.us').param).toBe(
      ' -AzureEnvironment "USGovernmentL5"',
    );
    expect(azureEnvironment('https://microsoftgraph.chinacloudapi.cn').param).toBe(
      ' -AzureEnvironment "ChinaCloud"',
    );
    expect(azureEnvironment('https://graph.svc.sovcloud.fr').param).toBe(
      ' -AzureEnvironment "BleuCloud"',
    );
    expect(azureEnvironment('https://graph.svc.sovcloud.de').param).toBe(
      ' -AzureEnvironment "DelosCloud"',
    );
    expect(azureEnvironment('https://127.0.0.1:9443')).toEqual({ param: '', known: false });
    const china = assess(
      '2026-11-02T00:00:00Z',
      fresh('collector-auth-steady.ps51.json'),
      { app: 'graph-app-holds-none.json' },
      { graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn' },
    );
    expect(china.findings[0]!.remedy.split('\n')[0]).toBe(
      '.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate -AzureEnvironment "ChinaCloud"',
    );
  });

  it('supported builds: SE RTM, 2019 CU15/CU14 and 2016 CU23 with the April 2025 HU', () => {
    expect(
      ['15.02.2562.017', '15.02.2562.041', '15.2.1748.24', '15.2.1544.25', '15.1.2507.55'].map(
        supportsDedicatedApp,
      ),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['15.02.1544.014', '15.2.1748.10', '15.1.2507.44', '15.2.2562.16', 'x'].map(
        supportsDedicatedApp,
      ),
    ).toEqual([false, false, false, false, false]);
  });
});

describe('remedies never suggest what the design forbids', () => {
  const FORBIDDEN = [
    '-CustomClientId',
    '-CustomGraphApiUri',
    '-CustomEntraAuthUri',
    '-CustomInitialCloudDomains',
    '-CustomMicrosoftDomains',
    '-DeleteApplication',
    '-RemoveApiPermissions',
    '-PublishCertificate',
  ];
  it('across every fixture and every hour of a broken renewal', () => {
    const remedies = new Set<string>();
    const snapshots = [
      'collector-auth-steady.ps51.json',
      'collector-auth-next-staged.ps7.json',
      'collector-auth-promoted.json',
      'collector-auth-expired.json',
      'collector-two-overrides.json',
      'collector-graph-workflow.json',
      'collector-dauth-only.json',
      'collector-no-hybrid.json',
    ];
    const apps = [
      'graph-app-holds-none.json',
      'graph-app-spoofed-key.json',
      'graph-app-with-secret.json',
      null,
    ];
    for (const s of snapshots)
      for (const app of apps)
        for (
          let t = T('2026-10-01T00:00:00Z').getTime();
          t < T('2027-02-01T00:00:00Z').getTime();
          t += 5 * 86_400_000
        )
          for (const f of assess(new Date(t), fresh(s), {
            app: app as string,
            legacy: 'graph-legacy-sp-with-keys.json',
            consent: 'graph-app-sp-no-consent.json',
          }).findings)
            remedies.add(f.remedy);
    const all = [...remedies].join('\n');
    for (const word of FORBIDDEN) expect(all).not.toContain(word);
    expect(all).toContain('-UpdateCertificate');
  });
});

describe('the rule-12 gate: is the federation trust in use?', () => {
  it.each([
    ['collector-dauth-only.json', 'in-use'],
    ['collector-auth-steady.ps51.json', 'fallback-only'],
    ['collector-no-hybrid.json', 'not-in-use'],
  ])('%s → %s', (file, usage) => {
    expect(federationTrustUsage(fresh(file))).toBe(usage);
  });

  it('an explicit sharing-policy domain puts it in use; `*` and Anonymous do not; a pasted Get-AuthConfig says nothing', () => {
    const auth = fresh('collector-no-hybrid.json');
    auth.sharingPolicies = [
      {
        name: 'Partners',
        enabled: true,
        domains: [
          '*:CalendarSharingFreeBusySimple',
          'tailspintoys.com:CalendarSharingFreeBusyDetail',
        ],
      },
    ];
    expect(federationTrustUsage(auth)).toBe('in-use');
    const parsed = parseExchangeAuth(hybridJson('authconfig-raw.ps51.json'));
    expect(parsed.ok && federationTrustUsage(parsed.auth)).toBeUndefined();
    expect(federationTrustUsage(undefined)).toBeUndefined();
  });
});
