import { certificateEntry, verdict } from './assess-domain';
import { addDays, addHours } from './certificate';
import { HYBRID_APP_PREFIX, holds, type KeyCredential } from './hybrid-entra';
import { azureEnvironment, onPremisesFacts, type HybridAssessmentInput } from './hybrid-facts';
import { EXCHANGE_SNAPSHOT_MAX_AGE_HOURS } from './assess-mfg';
import {
  appFindings,
  hybridSettingsFingerprint,
  hygieneFindings,
  legacyFindings,
} from './rules/hybrid-app-rules';
import { certificateFindings, keyLifetimeFindings, uploadFindings } from './rules/auth-cert-rules';
import { finding, held, label, project, type Ctx, type Projection } from './rules/hybrid-context';
import { publicName, type HybridSubject } from './subject';
import type { Assessment, CertificateEntry, CertInfo, Finding, TimelineEvent } from './types';

/**
 * DESIGN §4 rule group 14 (design/exchange-hybrid.md §4): the on-premises Exchange Auth
 * certificate against the organisation's dedicated hybrid app in Entra, and the legacy
 * first-party service principal. Pure: facts and a time in, an assessment out.
 */

function entries(ctx: Ctx, p: Projection | undefined): CertificateEntry[] {
  const out: CertificateEntry[] = [];
  const slots = [
    ['auth-current', p?.cur],
    ['auth-next', p?.next],
    ['auth-previous', p?.prev],
  ] as const;
  for (const [role, t] of slots) {
    const cert = t ? ctx.certs.get(t) : undefined;
    if (cert) out.push(certificateEntry(cert, 'exchange-auth', role, ctx.now, t === p?.projected));
  }
  const keyEntry = (
    k: KeyCredential,
    source: 'entra-app' | 'entra-legacy-sp',
  ): CertificateEntry | undefined => {
    const cert = k.cert ?? (k.thumbprint ? ctx.certs.get(k.thumbprint) : undefined);
    const start = k.start ?? cert?.notBefore;
    const end = k.end ?? cert?.notAfter;
    if (!start || !end) return undefined;
    return {
      ...certificateEntry(
        { ...(cert ?? placeholder(k)), notBefore: start, notAfter: end },
        source,
        'key-credential',
        ctx.now,
      ),
    };
  };
  const entra = ctx.input.entra;
  if (entra.kind === 'known') {
    for (const k of entra.app?.keyCredentials ?? []) {
      const e = keyEntry(k, 'entra-app');
      if (e) out.push(e);
    }
    for (const k of entra.legacyServicePrincipal?.keyCredentials ?? []) {
      const e = keyEntry(k, 'entra-legacy-sp');
      if (e) out.push(e);
    }
  }
  return out;
}

function placeholder(k: KeyCredential): CertInfo {
  return {
    base64: '',
    subject: k.displayName ?? `key ${k.keyId}`,
    issuer: '',
    serialNumber: '',
    notBefore: k.start ?? new Date(0),
    notAfter: k.end ?? new Date(0),
    thumbprintSha1: k.thumbprint ?? '',
    thumbprintSha256: '',
    keyAlgorithm: 'unknown',
    selfSigned: false,
  };
}

function timeline(
  ctx: Ctx,
  p: Projection | undefined,
  firstSeen: Date | undefined,
): TimelineEvent[] {
  const events: TimelineEvent[] = [{ date: ctx.now.toISOString(), event: 'Today', kind: 'today' }];
  const cur = p?.cur ? ctx.certs.get(p.cur) : undefined;
  if (cur) {
    events.push({
      date: addDays(cur.notAfter, -60).toISOString(),
      event: 'MonitorExchangeAuthCertificate stages a successor',
      kind: 'generation',
    });
    events.push({
      date: cur.notAfter.toISOString(),
      event: `Auth certificate ${cur.thumbprintSha1.slice(0, 8)}… expires`,
      kind: 'expiry',
    });
  }
  if (p?.next) {
    if (firstSeen)
      events.push({
        date: firstSeen.toISOString(),
        event: 'Next Auth certificate first seen',
        kind: 'successor-seen',
      });
    const heldSince = ctx.input.history?.firstHeld?.[p.next];
    if (heldSince)
      events.push({
        date: heldSince,
        event: `${ctx.appName} holds the next certificate`,
        kind: 'successor-seen',
      });
    if (p.eff) {
      events.push({
        date: p.eff.toISOString(),
        event: 'Exchange switches to the next certificate',
        kind: 'promotion',
      });
      events.push({
        date: addHours(p.eff, 12).toISOString(),
        event: 'Latest switch (AuthAdmin servicelet)',
        kind: 'forced-promotion',
      });
    }
  }
  const entra = ctx.input.entra;
  for (const k of entra.kind === 'known' ? (entra.app?.keyCredentials ?? []) : []) {
    const cert = k.thumbprint ? ctx.certs.get(k.thumbprint) : undefined;
    if (
      k.end &&
      cert &&
      k.end.getTime() < cert.notAfter.getTime() &&
      holds(k, cert.thumbprintSha1, ctx.now)
    )
      events.push({
        date: k.end.toISOString(),
        event: `The app's key for ${cert.thumbprintSha1.slice(0, 8)}… ends`,
        kind: 'expiry',
      });
  }
  return events.sort((a, b) => a.date.localeCompare(b.date));
}

/** Assesses one organisation's Exchange hybrid OAuth trust (rule group 14). */
export function assessHybrid(
  input: HybridAssessmentInput,
): Assessment & { subject: HybridSubject } {
  const { now, auth, entra } = input;
  const app = entra.kind === 'known' ? entra.app : undefined;
  const env = azureEnvironment(input.graphBaseUrl);
  const certs = new Map<string, CertInfo>();
  const keysOf = (k: KeyCredential[]) => k.flatMap((x) => (x.cert ? [x.cert] : []));
  if (entra.kind === 'known') {
    for (const c of keysOf(entra.legacyServicePrincipal?.keyCredentials ?? []))
      certs.set(c.thumbprintSha1, c);
    for (const c of keysOf(app?.keyCredentials ?? [])) certs.set(c.thumbprintSha1, c);
  }
  for (const c of auth?.certificates ?? []) certs.set(c.thumbprintSha1, c);
  const ageHours = auth?.receivedAt ? (now.getTime() - auth.receivedAt.getTime()) / 3_600_000 : 0;
  const stale = ageHours > EXCHANGE_SNAPSHOT_MAX_AGE_HOURS;
  const facts = auth && !auth.slotsOnly ? onPremisesFacts(auth) : undefined;
  const appId = facts?.appId ?? app?.appId;
  const ctx: Ctx = {
    input,
    now,
    auth,
    app,
    entraKnown: entra.kind === 'known',
    env: env.param,
    envNote: env.known
      ? ''
      : `# GRAPH_BASE_URL is not a Microsoft cloud fedtrust knows: add -AzureEnvironment for your cloud.`,
    appName:
      app?.displayName ||
      (auth?.organizationGuid
        ? `${HYBRID_APP_PREFIX}${auth.organizationGuid}`
        : `the dedicated hybrid app${appId ? ` (${appId})` : ''}`),
    asOf: stale && auth ? ` (as of ${(auth.collectedAt ?? auth.receivedAt)!.toISOString()})` : '',
    certs,
  };
  const findings: Finding[] = [];
  if (!auth)
    findings.push({
      ...finding(
        ctx,
        'EXCHANGE_SNAPSHOT_MISSING',
        'info',
        'No Exchange Auth snapshot: the on-premises half (Auth certificate, IOC, override) is unknown.',
        '# Install collector 1.1 on an Exchange Mailbox server (collector/README.md)',
      ),
    });
  if (entra.kind === 'unknown')
    findings.push(
      finding(
        ctx,
        'GRAPH_NOT_CONFIGURED',
        'info',
        `Entra side of the Exchange hybrid trust not read: ${entra.reason}`,
        "# Entra admin center → App registrations → <the bot's Graph app> → API permissions → Microsoft Graph → Application → Application.Read.All → Grant admin consent",
      ),
    );
  if (stale && auth)
    findings.push({
      code: 'EXCHANGE_SNAPSHOT_STALE',
      severity: 'warning',
      message: `${input.organization}: the last Exchange Auth snapshot is ${Math.floor(ageHours)} hours old: the on-premises part is assessed as of ${(auth.collectedAt ?? auth.receivedAt)!.toISOString()}.`,
      remedy:
        "Check the collector's scheduled task on the Exchange server (Send-FedTrustSnapshot.ps1) and its log.",
    });
  const p = auth ? project(auth, now) : undefined;
  const swept = p?.next ? input.history?.slotFirstSeen?.[p.next] : undefined;
  const firstSeen =
    input.history?.nextFirstSeen ??
    (swept ? new Date(swept) : undefined) ??
    auth?.whenChanged ??
    auth?.collectedAt;
  const hybrid = auth?.hybridConfigured !== false;
  const appRules = auth !== undefined && hybrid && (facts?.oauthInUse ?? true);
  if (auth && facts && !appRules) {
    findings.push(
      finding(
        ctx,
        'HYBRID_OAUTH_NOT_CONFIGURED',
        'info',
        auth.hybridConfigured === false
          ? 'Exchange hybrid is not configured (Get-HybridConfiguration): there is no hybrid OAuth trust to watch.'
          : 'Hybrid uses DAuth (no enabled IntraOrganizationConnector): the dedicated-app checks do not apply; the MFG trust carries free/busy.',
      ),
    );
  }
  if (appRules && facts) findings.push(...appFindings(ctx, facts));
  const certRules =
    appRules && ctx.entraKnown && app !== undefined && facts?.feature !== 'disabled';
  if (p && certRules) findings.push(...uploadFindings(ctx, p, firstSeen));
  if (p) findings.push(...certificateFindings(ctx, p, hybrid));
  if (p && certRules) findings.push(...keyLifetimeFindings(ctx, p));
  if (ctx.entraKnown && (appRules || !auth)) findings.push(...hygieneFindings(ctx, p));
  if (ctx.entraKnown) findings.push(...legacyFindings(ctx, facts));
  if (
    p &&
    certRules &&
    p.next &&
    !p.switched &&
    p.eff &&
    held(ctx, p.next) &&
    !findings.some((f) => f.code === 'AUTH_CERT_NOT_IN_HYBRID_APP')
  )
    findings.push(
      finding(
        ctx,
        'AUTH_ROLLOVER_PENDING',
        'info',
        `Next Auth certificate ${label(ctx, p.next)} is in ${ctx.appName}; Exchange switches to it on ${p.eff.toISOString()}.`,
        '',
        p.next,
      ),
    );
  const settings = hybridSettingsFingerprint(auth, entra);
  const previous = input.history?.previousSettings;
  if (input.mode === 'sweep' && ctx.entraKnown && previous !== undefined && previous !== settings) {
    const unknown = findings.some((f) => f.code === 'HYBRID_APP_UNKNOWN_CREDENTIAL');
    findings.push(
      finding(
        ctx,
        'HYBRID_SETTINGS_CHANGED',
        unknown ? 'warning' : 'info',
        `The dedicated app's id, keys or consent, or the on-premises override, changed since the last sweep.`,
        unknown
          ? '# Review the Entra audit log for the app (who added the unknown credential).'
          : '',
      ),
    );
  }
  // Nothing due: no warning or critical, and no step of a rollover under way.
  const ROLLOVER: Finding['code'][] = [
    'AUTH_ROLLOVER_PENDING',
    'AUTH_CERT_EXPIRING',
    'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP',
  ];
  const due = findings.some((f) => f.severity !== 'info' || ROLLOVER.includes(f.code));
  if (!due && certRules && p?.projected && held(ctx, p.projected))
    findings.push(
      finding(
        ctx,
        'IN_SYNC',
        'info',
        `${ctx.appName} holds Auth certificate ${label(ctx, p.projected)}, the one Exchange signs with.`,
        '',
      ),
    );
  const subject: HybridSubject = { kind: 'exchange-hybrid', organization: input.organization };
  return {
    subject,
    domain: publicName(subject),
    status: verdict(findings, auth !== undefined, ctx.entraKnown),
    findings,
    certificates: entries(ctx, p),
    timeline: timeline(ctx, p, p?.next ? firstSeen : undefined),
    ...(p?.projected
      ? { signer: { thumbprintSha1: p.projected, method: 'auth-config' as const } }
      : {}),
    exchange: {
      organization: input.organization,
      computerName: auth?.servers[0]?.computerName,
      receivedAt: auth?.receivedAt?.toISOString(),
    },
    hybrid: {
      appName: ctx.appName,
      ...(appId ? { appId } : {}),
      feature: facts?.feature,
      workflow: facts?.workflow,
      oauthInUse: facts?.oauthInUse,
      entraKnown: ctx.entraKnown,
      settings,
      ...(p?.eff ? { nextEffective: p.eff.toISOString() } : {}),
      ...(p?.next && firstSeen ? { nextFirstSeen: firstSeen.toISOString() } : {}),
    },
  };
}
