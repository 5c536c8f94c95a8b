import { certificateEntry, verdict } from './assess-domain';
import { addDays, addHours, daysLeft } from './certificate';
import type { ExchangeAuth } from './exchange-auth';
import { certLabel, day, severityAt } from './finding-helpers';
import {
  EXCHANGE_ONLINE_APP_ID,
  FULL_ACCESS_AS_APP,
  GRAPH_WORKFLOW_ROLES,
  HYBRID_APP_PREFIX,
  holds,
  type EntraApplication,
  type HybridEntra,
  type KeyCredential,
} from './hybrid-entra';
import { EXCHANGE_SNAPSHOT_MAX_AGE_HOURS } from './assess-mfg';
import { RUNBOOKS } from './remedies';
import { publicName, type HybridSubject } from './subject';
import type {
  Assessment,
  CertificateEntry,
  CertInfo,
  Finding,
  Severity,
  TimelineEvent,
} from './types';

/**
 * DESIGN §4 rule group 14 (design/exchange-hybrid.md §4): the on-premises Exchange Auth
 * certificate against the organisation's dedicated hybrid app in Entra, and the legacy
 * first-party service principal. Pure: facts and a time in, an assessment out.
 */

export interface HybridHistory {
  /** When the current NextCertificateThumbprint was first seen in a snapshot (else WhenChangedUTC). */
  nextFirstSeen?: Date;
  /** SHA-1 → ISO date each Auth slot certificate was first seen by a sweep (first seen(next)). */
  slotFirstSeen?: Record<string, string>;
  /** SHA-1 → ISO date a certificate was first seen held by the app. */
  firstHeld?: Record<string, string>;
  /** Every thumbprint stored history saw in an Auth slot (a key for one is stale, not unknown). */
  authThumbprints?: string[];
  /** The last sweep's settings fingerprint (rule 14.12). */
  previousSettings?: string;
}

export interface HybridAssessmentInput {
  now: Date;
  mode: 'on-demand' | 'sweep';
  organization: string;
  /** The newest Auth snapshot (merged over the reporting servers); absent: none received. */
  auth?: ExchangeAuth;
  entra: HybridEntra;
  history?: HybridHistory;
  /** GRAPH_BASE_URL: which `-AzureEnvironment` the remedies name. */
  graphBaseUrl: string;
}

/** The script's `-AzureEnvironment` for a Graph host (CSS-Exchange Get-CloudServiceEndpoint). */
const ENVIRONMENTS: Record<string, string | undefined> = {
  'graph.microsoft.com': undefined,
  'graph.microsoft.us': 'USGovernmentL4',
  'dod-graph.microsoft.us': 'USGovernmentL5',
  'microsoftgraph.chinacloudapi.cn': 'ChinaCloud',
  'graph.svc.sovcloud.fr': 'BleuCloud',
  'graph.svc.sovcloud.de': 'DelosCloud',
};

/** ` -AzureEnvironment "…"` for the cloud, '' for Global; `known` false for any other host. */
export function azureEnvironment(graphBaseUrl: string): { param: string; known: boolean } {
  const host = URL.canParse(graphBaseUrl) ? new URL(graphBaseUrl).hostname.toLowerCase() : '';
  if (!(host in ENVIRONMENTS)) return { param: '', known: false };
  const name = ENVIRONMENTS[host];
  return { param: name ? ` -AzureEnvironment "${name}"` : '', known: true };
}

/** Builds that support the dedicated app (F27): SE RTM, 2019 CU15/CU14 and 2016 CU23 April 2025 HUs. */
const SUPPORTED_BUILDS: [number, number, number, number][] = [
  [15, 2, 1544, 25],
  [15, 2, 1748, 24],
  [15, 1, 2507, 55],
];
const SE_RTM = [15, 2, 2562, 17];

function buildParts(version: string): number[] | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? m.slice(1, 5).map(Number) : undefined;
}

function atLeast(a: number[], b: number[]): boolean {
  for (let i = 0; i < 4; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** Whether ExSetup's version is one the dedicated app supports. */
export function supportsDedicatedApp(version: string): boolean {
  const v = buildParts(version);
  if (!v) return false;
  if (v[0] === 15 && v[1] === 2 && atLeast(v, SE_RTM)) return true;
  return SUPPORTED_BUILDS.some(
    (s) => v[0] === s[0] && v[1] === s[1] && v[2] === s[2] && (v[3] ?? 0) >= s[3],
  );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXO_HOSTS = [
  'office365.com',
  'office365.us',
  'office365-net.us',
  'office.com',
  'cloud.microsoft',
  'outlook.com',
  'outlook.cn',
  'apps.mil',
];

const enabledTrue = (p: string) => /^enabled\s*=\s*true$/i.test(p.trim());

/** The on-premises facts of design §4.1's terms. */
export interface OnPremisesFacts {
  oauthInUse: boolean;
  feature: 'enabled' | 'disabled' | 'ambiguous';
  overrides: number;
  workflow: 'ews' | 'graph';
  /** The enabled AzureAD auth server's ApplicationIdentifier, when a GUID. */
  appId?: string;
  tenantId?: string;
  featureMissing?: string;
}

export function onPremisesFacts(auth: ExchangeAuth): OnPremisesFacts {
  const azureAd = auth.authServers.find((s) => s.enabled && /^azuread$/i.test(s.type));
  const oauthServer = auth.authServers.some(
    (s) => s.enabled && /^(azuread|microsoftacs)$/i.test(s.type),
  );
  const partner = auth.partnerApplications.some(
    (p) =>
      p.enabled && p.applicationIdentifier.toLowerCase() === EXCHANGE_ONLINE_APP_ID && !p.realm,
  );
  const ioc = auth.intraOrganizationConnectors.some((c) => c.enabled);
  const overrides = auth.settingOverrides.filter(
    (o) =>
      /^global$/i.test(o.componentName) && /^ExchangeOnpremAsThirdPartyAppId$/i.test(o.sectionName),
  );
  const graph = auth.settingOverrides.some(
    (o) =>
      /^settingoverride$/i.test(o.componentName) &&
      /^RouteThroughMSGraph$/i.test(o.sectionName) &&
      o.parameters.some(enabledTrue),
  );
  const appId =
    azureAd?.applicationIdentifier && GUID.test(azureAd.applicationIdentifier)
      ? azureAd.applicationIdentifier.toLowerCase()
      : undefined;
  const overrideOn = overrides.some((o) => o.parameters.some(enabledTrue));
  let feature: OnPremisesFacts['feature'] = 'disabled';
  let featureMissing: string | undefined;
  if (overrides.length > 1) feature = overrideOn && appId ? 'ambiguous' : 'disabled';
  else if (overrideOn && appId) feature = 'enabled';
  else if (!overrideOn)
    featureMissing = 'no ExchangeOnpremAsThirdPartyAppId setting override says Enabled=true';
  else featureMissing = 'the EvoSts auth server names no application (ApplicationIdentifier)';
  return {
    oauthInUse: oauthServer && partner && ioc,
    feature,
    overrides: overrides.length,
    workflow: graph ? 'graph' : 'ews',
    appId,
    tenantId: azureAd?.realm,
    featureMissing,
  };
}

/** Whether the MFG federation trust still carries anything (design §4.1, the rule-12 gate). */
export type TrustUsage = 'in-use' | 'fallback-only' | 'not-in-use';

function pointsToExchangeOnline(epr: string | undefined): boolean {
  const host = epr && URL.canParse(epr) ? new URL(epr).hostname.toLowerCase() : '';
  return EXO_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}

/** The rule-12 gate; undefined without configuration objects (a 1.0 collector, a pasted file). */
export function federationTrustUsage(auth: ExchangeAuth | undefined): TrustUsage | undefined {
  if (!auth || auth.slotsOnly) return undefined;
  const { oauthInUse } = onPremisesFacts(auth);
  const active = auth.organizationRelationships.filter((r) => r.enabled && r.anyFeature);
  const sharing = auth.sharingPolicies
    .filter((p) => p.enabled)
    .flatMap((p) => p.domains)
    .some((d) => {
      const domain = d.split(':')[0]?.trim().toLowerCase() ?? '';
      return domain !== '' && domain !== '*' && domain !== 'anonymous';
    });
  const partner = active.some((r) => !pointsToExchangeOnline(r.targetAutodiscoverEpr));
  const toExo = active.some((r) => pointsToExchangeOnline(r.targetAutodiscoverEpr));
  if (partner || (toExo && !oauthInUse) || sharing) return 'in-use';
  return active.length > 0 ? 'fallback-only' : 'not-in-use';
}

const MONITOR_RENEW =
  '.\\MonitorExchangeAuthCertificate.ps1 -ValidateAndRenewAuthCertificate $true -IgnoreHybridConfig $true -Confirm:$false';

interface Ctx {
  input: HybridAssessmentInput;
  now: Date;
  auth?: ExchangeAuth;
  app?: EntraApplication;
  entraKnown: boolean;
  env: string;
  envNote: string;
  appName: string;
  asOf: string;
  certs: Map<string, CertInfo>;
}

function hybridRemedy(ctx: Ctx, ...lines: string[]): string {
  return [...lines, ...(ctx.envNote ? [ctx.envNote] : [])].join('\n');
}

function updateCertificate(ctx: Ctx, thumbprint: string): string {
  return hybridRemedy(
    ctx,
    `.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate${ctx.env}`,
    '# Exchange without Graph access: export the public key, copy it, upload it from a machine that has Graph access',
    `Export-Certificate -Cert Cert:\\LocalMachine\\My\\${thumbprint} -FilePath C:\\temp\\${thumbprint}.cer`,
    `.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate -CertificateMethod "File" -CertificateInformation "C:\\temp\\${thumbprint}.cer"${ctx.env}`,
  );
}

function held(ctx: Ctx, thumbprint: string): boolean {
  return (ctx.app?.keyCredentials ?? []).some((k) => holds(k, thumbprint, ctx.now));
}

function label(ctx: Ctx, thumbprint: string): string {
  const cert = ctx.certs.get(thumbprint);
  return cert ? certLabel(cert) : thumbprint;
}

function finding(
  ctx: Ctx,
  code: Finding['code'],
  severity: Severity,
  message: string,
  remedy = '',
  thumbprint?: string,
): Finding {
  return {
    code,
    severity,
    message: `${ctx.input.organization}: ${message}${ctx.asOf}`,
    remedy,
    runbook: RUNBOOKS.exchangeHybridApp,
    ...(thumbprint ? { thumbprint } : {}),
  };
}

/** 14.3 and 14.4: the dedicated app configured, and consented. */
function appFindings(ctx: Ctx, facts: OnPremisesFacts): Finding[] {
  const out: Finding[] = [];
  const entra = ctx.input.entra;
  if (facts.overrides > 1)
    out.push(
      finding(
        ctx,
        'HYBRID_APP_OVERRIDE_AMBIGUOUS',
        'warning',
        `${facts.overrides} ExchangeOnpremAsThirdPartyAppId setting overrides: Exchange's choice is undefined.`,
        [
          'Get-SettingOverride | Where-Object {$_.ComponentName -eq "Global" -and $_.SectionName -eq "ExchangeOnpremAsThirdPartyAppId"} | Remove-SettingOverride -Confirm:$false',
          '.\\ConfigureExchangeHybridApplication.ps1 -EnableExchangeHybridApplicationOverride',
        ].join('\n'),
      ),
    );
  const noApp = ctx.entraKnown && !ctx.app;
  const graphWithoutFeature = facts.workflow === 'graph' && facts.feature === 'disabled';
  if ((facts.feature === 'disabled' && facts.overrides <= 1) || noApp || graphWithoutFeature) {
    const reason = noApp
      ? `no ${ctx.appName} application in Entra`
      : graphWithoutFeature && facts.featureMissing === undefined
        ? 'RouteThroughMSGraph is enabled but the dedicated-app feature is not'
        : (facts.featureMissing ?? 'the dedicated-app feature is not enabled');
    const below = serversBelowSupportedBuild(ctx.auth);
    const steps: string[] = [];
    if (below.length > 0)
      steps.push(`# Install the April 2025 hotfix update (or later) on ${below.join(', ')} first`);
    if (noApp || !ctx.entraKnown)
      steps.push(
        `.\\ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication${ctx.env}`,
      );
    if (!noApp) {
      const appId =
        (entra.kind === 'known' ? entra.app?.appId : undefined) ?? facts.appId ?? '<APP_ID>';
      if (!ctx.entraKnown) steps.push('# The app exists already:');
      steps.push(
        '.\\ConfigureExchangeHybridApplication.ps1 -ConfigureAuthServer -EnableExchangeHybridApplicationOverride',
        '# Exchange cannot reach Graph:',
        `.\\ConfigureExchangeHybridApplication.ps1 -ConfigureAuthServer -EnableExchangeHybridApplicationOverride -CustomAppId ${appId} -TenantId ${facts.tenantId ?? '<TENANT_ID>'} -RemoteRoutingDomain <tenant>.mail.onmicrosoft.com`,
      );
    }
    out.push(
      finding(
        ctx,
        'HYBRID_APP_NOT_CONFIGURED',
        'critical',
        `OAuth hybrid without a working dedicated app (${reason}): free/busy, MailTips and photos with Exchange Online fail since 31 Oct 2025.`,
        hybridRemedy(ctx, ...steps),
      ),
    );
  }
  // Consent is judged only when it was read (the CLI without --consent-file does not read it).
  if (entra.kind === 'known' && entra.app && entra.assignments !== undefined) {
    const sp = entra.appServicePrincipal;
    let missing: string | undefined;
    if (!sp) missing = 'a service principal';
    else if (!sp.accountEnabled) missing = 'an enabled service principal (accountEnabled is false)';
    else {
      if (facts.workflow === 'ews') {
        const ok = entra.assignments.some(
          (a) =>
            a.appRoleId === FULL_ACCESS_AS_APP &&
            (!entra.exchangeOnlineSpId || a.resourceId === entra.exchangeOnlineSpId.toLowerCase()),
        );
        if (!ok) missing = 'full_access_as_app';
      } else {
        const graph = entra.microsoftGraph;
        const have = new Set(
          (entra.assignments ?? [])
            .filter((a) => a.resourceId === graph?.spId)
            .map((a) => a.appRoleId),
        );
        const lacking = GRAPH_WORKFLOW_ROLES.filter((r) => {
          const id = graph?.roleIds[r];
          return !id || !have.has(id);
        });
        if (lacking.length > 0) missing = `the Graph permissions (${lacking.join(', ')})`;
      }
    }
    if (missing) {
      const spId = sp?.id ?? '<APP_SP_ID>';
      const graph = entra.microsoftGraph;
      const grant =
        facts.workflow === 'ews'
          ? `New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId ${spId} -PrincipalId ${spId} -ResourceId ${entra.exchangeOnlineSpId ?? '<EXO_SP_ID>'} -AppRoleId ${FULL_ACCESS_AS_APP}`
          : GRAPH_WORKFLOW_ROLES.map(
              (r) =>
                `New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId ${spId} -PrincipalId ${spId} -ResourceId ${graph?.spId ?? '<MSGRAPH_SP_ID>'} -AppRoleId ${graph?.roleIds[r] ?? `<id of ${r}>`}`,
            ).join('\n');
      out.push(
        finding(
          ctx,
          'HYBRID_APP_CONSENT_MISSING',
          'critical',
          `${entra.app.displayName || ctx.appName} has no admin consent for ${missing}: hybrid lookups from on-premises to Exchange Online fail (HCW8126).`,
          [
            `# Entra admin center → Enterprise applications → ${entra.app.displayName || ctx.appName} → Permissions → Grant admin consent; or:`,
            grant,
          ].join('\n'),
        ),
      );
    }
  }
  return out;
}

function serversBelowSupportedBuild(auth: ExchangeAuth | undefined): string[] {
  return (auth?.servers ?? [])
    .filter((s) => s.exSetupVersion !== undefined && !supportsDedicatedApp(s.exSetupVersion))
    .map((s) => s.computerName);
}

interface Projection {
  cur?: string;
  next?: string;
  prev?: string;
  eff?: Date;
  possiblyCurrent: string[];
  projected?: string;
  switched: boolean;
}

function project(auth: ExchangeAuth, now: Date): Projection {
  const { current: cur, next, previous: prev, effective: eff } = auth;
  const effective = next && eff && now.getTime() >= eff.getTime();
  const switched = Boolean(next && eff && now.getTime() >= addHours(eff, 12).getTime());
  return {
    cur,
    next,
    prev,
    eff,
    possiblyCurrent: [...(cur ? [cur] : []), ...(effective && next ? [next] : [])],
    projected: switched ? next : (cur ?? next),
    switched,
  };
}

/** 14.5, 14.6: the certificates Exchange signs with (now, and from `eff`) in the app. */
function uploadFindings(ctx: Ctx, p: Projection, firstSeen: Date | undefined): Finding[] {
  const out: Finding[] = [];
  for (const t of p.possiblyCurrent) {
    // An expired certificate is AUTH_CERT_EXPIRED's: renewing, not uploading, is the fix.
    const cert = ctx.certs.get(t);
    if (held(ctx, t) || (cert && ctx.now.getTime() >= cert.notAfter.getTime())) continue;
    out.push(
      finding(
        ctx,
        'AUTH_CERT_NOT_IN_HYBRID_APP',
        'critical',
        `Exchange signs with Auth certificate ${label(ctx, t)} but ${ctx.appName} does not hold it: free/busy, MailTips and photos from on-premises to Exchange Online fail now.`,
        updateCertificate(ctx, t),
        t,
      ),
    );
  }
  if (p.next && !p.switched && p.eff && !p.possiblyCurrent.includes(p.next)) {
    if (held(ctx, p.next)) return out;
    const seen = firstSeen ?? ctx.now;
    const severity = severityAt(ctx.now, [
      [new Date(0), 'info'],
      [addHours(seen, 48), 'warning'],
      [addHours(p.eff, -24), 'critical'],
    ]) as Severity;
    out.push(
      finding(
        ctx,
        'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP',
        severity,
        `Next Auth certificate ${label(ctx, p.next)} takes effect ${p.eff.toISOString()} but ${ctx.appName} does not hold it: hybrid lookups break then.`,
        updateCertificate(ctx, p.next),
        p.next,
      ),
    );
  }
  return out;
}

function renewRemedy(ctx: Ctx, hybrid: boolean): string {
  const monitor = hybrid ? MONITOR_RENEW : MONITOR_RENEW.replace(' -IgnoreHybridConfig $true', '');
  return hybridRemedy(
    ctx,
    monitor,
    ...(hybrid ? [`.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate${ctx.env}`] : []),
    '# To keep it automatic (a daily task):',
    `.\\MonitorExchangeAuthCertificate.ps1 -ConfigureScriptToRunViaScheduledTask${hybrid ? ' -IgnoreHybridConfig $true' : ''} -Password (Get-Credential).Password`,
    '# The tenant caps key lifetime at 365 days:',
    '.\\MonitorExchangeAuthCertificate.ps1 -EnforceNewAuthCertificateCreation -CustomCertificateLifetimeInDays 365 -Confirm:$false',
  );
}

/** 14.7, 14.8: the Auth certificate's own life, and on every reporting server. */
function certificateFindings(ctx: Ctx, p: Projection, hybrid: boolean): Finding[] {
  const out: Finding[] = [];
  const projected = p.projected ? ctx.certs.get(p.projected) : undefined;
  const next = p.next ? ctx.certs.get(p.next) : undefined;
  if (projected && ctx.now.getTime() >= projected.notAfter.getTime()) {
    out.push(
      finding(
        ctx,
        'AUTH_CERT_EXPIRED',
        'critical',
        `Auth certificate ${certLabel(projected)} expired ${projected.notAfter.toISOString()}: OAuth, OWA/ECP sign-in and hybrid lookups fail.`,
        hybridRemedy(
          ctx,
          hybrid ? MONITOR_RENEW : MONITOR_RENEW.replace(' -IgnoreHybridConfig $true', ''),
          ...(hybrid
            ? [`.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate${ctx.env}`]
            : []),
        ),
        projected.thumbprintSha1,
      ),
    );
  } else if (projected && !p.switched) {
    const noSuccessor = !p.next || (next && p.eff && next.notAfter.getTime() <= p.eff.getTime());
    const d = daysLeft(projected, ctx.now);
    const severity: Severity | undefined =
      d > 60 ? undefined : d > 57 ? 'info' : d > 30 ? 'warning' : 'critical';
    if (noSuccessor && severity) {
      const note =
        severity === 'info'
          ? '; the monitor stages a successor at 60 days'
          : severity === 'warning'
            ? ': MonitorExchangeAuthCertificate is not scheduled, or skips hybrid without -IgnoreHybridConfig $true'
            : '';
      out.push(
        finding(
          ctx,
          'AUTH_CERT_EXPIRING',
          severity,
          `Auth certificate ${certLabel(projected)} expires ${projected.notAfter.toISOString()} (${d} days) and no successor is staged${note}.`,
          renewRemedy(ctx, hybrid),
          projected.thumbprintSha1,
        ),
      );
    }
  }
  if (next && !p.switched && daysLeft(next, ctx.now) <= 120)
    out.push(
      finding(
        ctx,
        'NEXT_AUTH_CERT_INVALID',
        'warning',
        `Next Auth certificate ${certLabel(next)} expires ${next.notAfter.toISOString()}, within 120 days: it will be replaced and must be uploaded again.`,
        renewRemedy(ctx, hybrid),
        next.thumbprintSha1,
      ),
    );
  // Every reporting server's own view (FoundOnServer, HasPrivateKey).
  const checks: [string | undefined, Severity | undefined][] = [
    [p.projected, 'critical'],
    [
      p.switched ? undefined : p.next,
      p.eff
        ? severityAt(ctx.now, [
            [new Date(0), 'warning'],
            [addHours(p.eff, -24), 'critical'],
          ])
        : 'warning',
    ],
  ];
  for (const [thumbprint, severity] of checks) {
    if (!thumbprint || !severity) continue;
    const servers = (ctx.auth?.servers ?? []).filter((s) =>
      s.certificates.some(
        (c) => c.thumbprint === thumbprint && (!c.foundOnServer || c.hasPrivateKey === false),
      ),
    );
    if (servers.length === 0) continue;
    out.push(
      finding(
        ctx,
        'AUTH_CERT_MISSING_ON_SERVER',
        severity,
        `Auth certificate ${thumbprint} is not in the certificate store of ${servers.map((s) => s.computerName).join(', ')} (or has no private key).`,
        MONITOR_RENEW,
        thumbprint,
      ),
    );
  }
  return out;
}

/** 14.9: a key that ends before its certificate does. */
function keyLifetimeFindings(ctx: Ctx, p: Projection): Finding[] {
  const out: Finding[] = [];
  for (const t of new Set([p.projected, p.switched ? undefined : p.next])) {
    const cert = t ? ctx.certs.get(t) : undefined;
    if (!t || !cert) continue;
    const keys = (ctx.app?.keyCredentials ?? []).filter((k) => holds(k, t, ctx.now));
    if (keys.length === 0) continue;
    const end = Math.max(...keys.map((k) => k.end?.getTime() ?? Infinity));
    if (!Number.isFinite(end) || end >= cert.notAfter.getTime()) continue;
    const severity = severityAt(ctx.now, [
      [addDays(new Date(end), -30), 'warning'],
      [addDays(new Date(end), -7), 'critical'],
    ]);
    if (!severity) continue;
    out.push(
      finding(
        ctx,
        'HYBRID_APP_KEY_EXPIRING',
        severity,
        `${ctx.appName}'s key for ${t} ends ${new Date(end).toISOString()}, before the certificate does.`,
        hybridRemedy(
          ctx,
          "# Renew the Auth certificate within the tenant's key-lifetime limit, then upload it:",
          '.\\MonitorExchangeAuthCertificate.ps1 -EnforceNewAuthCertificateCreation -CustomCertificateLifetimeInDays 365 -Confirm:$false',
          `.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate${ctx.env}`,
        ),
        t,
      ),
    );
  }
  return out;
}

const AUTH_SUBJECT = /^CN=Microsoft Exchange Server Auth Certificate$/i;

function keyDescription(k: KeyCredential): string {
  return `keyId ${k.keyId}${k.customKeyIdentifier ? `, customKeyIdentifier ${k.customKeyIdentifier}` : ''}${k.end ? `, ends ${day(k.end)}` : ''}`;
}

/** 14.10: every credential on the dedicated app (and its service principal) accounted for. */
function hygieneFindings(ctx: Ctx, p: Projection | undefined): Finding[] {
  const entra = ctx.input.entra;
  if (entra.kind !== 'known' || !entra.app) return [];
  const out: Finding[] = [];
  const name = entra.app.displayName || ctx.appName;
  const live = new Set(
    [p?.cur, p?.next].filter((t): t is string => !!t && t !== (p?.switched ? p.cur : undefined)),
  );
  if (p?.switched && p.next) live.add(p.next);
  const history = new Set(ctx.input.history?.authThumbprints ?? []);
  const unknown = (k: { keyId: string }, what: string) =>
    finding(
      ctx,
      'HYBRID_APP_UNKNOWN_CREDENTIAL',
      'warning',
      `${name} (full access to every mailbox) has a credential that is not an Exchange Auth certificate: ${what}. Find out who added it.`,
      `# Entra audit log: "Update application – Certificates and secrets management", then remove it:\n# Entra admin center → App registrations → ${name} → Certificates & secrets`,
      k.keyId,
    );
  const stale = (k: KeyCredential, what: string) =>
    finding(ctx, 'HYBRID_APP_STALE_KEY', 'info', `${name} still holds ${what}.`, '', k.keyId);
  const judge = (k: KeyCredential, onApp: boolean) => {
    if (k.spoofed)
      return out.push(
        unknown(
          k,
          `${keyDescription(k)} — labelled as Auth certificate ${k.customKeyIdentifier} but holds another key`,
        ),
      );
    const expired = k.end !== undefined && k.end.getTime() <= ctx.now.getTime();
    // A live slot's expired key is the certificate's own expiry (AUTH_CERT_EXPIRED, 14.5, 14.9).
    if (expired && onApp && k.thumbprint && live.has(k.thumbprint)) return;
    if (expired) return out.push(stale(k, `an expired key (${keyDescription(k)})`));
    if (!onApp || k.type !== 'AsymmetricX509Cert' || !k.thumbprint)
      return out.push(
        unknown(k, `${onApp ? '' : 'on its service principal: '}${keyDescription(k)}`),
      );
    // The previous certificate's key stays until it expires (in-flight tokens); then it is stale.
    if (live.has(k.thumbprint) || k.thumbprint === p?.prev || k.thumbprint === p?.cur) return;
    const wasAuth =
      history.has(k.thumbprint) ||
      (!ctx.auth && k.cert !== undefined && AUTH_SUBJECT.test(k.cert.subject));
    if (!ctx.auth && wasAuth) return;
    if (wasAuth) return out.push(stale(k, `a key for the former Auth certificate ${k.thumbprint}`));
    out.push(unknown(k, keyDescription(k)));
  };
  for (const k of entra.app.keyCredentials) judge(k, true);
  for (const k of entra.appServicePrincipal?.keyCredentials ?? []) judge(k, false);
  for (const s of [
    ...entra.app.passwordCredentials,
    ...(entra.appServicePrincipal?.passwordCredentials ?? []),
  ])
    out.push(
      unknown(
        s,
        `a client secret (keyId ${s.keyId}${s.displayName ? `, "${s.displayName}"` : ''}${s.end ? `, ends ${day(s.end)}` : ''})`,
      ),
    );
  return out;
}

/** 14.11: keys left on the shared "Office 365 Exchange Online" service principal. */
function legacyFindings(ctx: Ctx, facts: OnPremisesFacts | undefined): Finding[] {
  const entra = ctx.input.entra;
  const sp = entra.kind === 'known' ? entra.legacyServicePrincipal : undefined;
  if (!sp) return [];
  const creds = [...sp.keyCredentials, ...sp.passwordCredentials];
  if (creds.length === 0) return [];
  const valid = creds.some((c) => !c.end || c.end.getTime() > ctx.now.getTime());
  const thumbprints = sp.keyCredentials.map((k) => k.thumbprint ?? k.keyId);
  const mailbox = (ctx.auth?.exchangeServers ?? []).filter((s) =>
    /mailbox/i.test(s.serverRole ?? 'Mailbox'),
  );
  const reported = new Map((ctx.auth?.servers ?? []).map((s) => [s.computerName.toLowerCase(), s]));
  const below = mailbox.filter((s) => {
    const v = reported.get(s.name.toLowerCase())?.exSetupVersion;
    return v !== undefined && !supportsDedicatedApp(v);
  });
  const unverified = mailbox.filter(
    (s) => reported.get(s.name.toLowerCase())?.exSetupVersion === undefined,
  );
  const cleanup = `.\\ConfigureExchangeHybridApplication.ps1 -ResetFirstPartyServicePrincipalKeyCredentials${ctx.env}`;
  const steps: string[] = [];
  if (facts && facts.feature !== 'enabled')
    steps.push('# Configure the dedicated app first (see HYBRID_APP_NOT_CONFIGURED); then:');
  if (below.length > 0)
    steps.push(
      `# Update ${below.map((s) => s.name).join(', ')} to a build that supports the dedicated app first; then:`,
    );
  if (unverified.length > 0)
    steps.push(
      `# Verify the hotfix level of ${unverified.map((s) => s.name).join(', ')} first (AdminDisplayVersion does not show it); then:`,
    );
  steps.push(cleanup);
  const one = sp.keyCredentials.find((k) => k.thumbprint);
  if (one?.thumbprint)
    steps.push(
      `# Only one key (and every expired one):\n${cleanup} -CertificateInformation "${one.thumbprint}"`,
    );
  return [
    finding(
      ctx,
      'LEGACY_SP_HAS_KEYS',
      valid ? 'warning' : 'info',
      `The shared 'Office 365 Exchange Online' service principal still holds ${creds.length} key(s) (${thumbprints.join(', ') || 'client secrets'}): remove them${below.length > 0 ? ` — update ${below.map((s) => s.name).join(', ')} first` : ''}.`,
      hybridRemedy(ctx, ...steps),
    ),
  ];
}

/** 14.12's fingerprint: appId, key set, consent and the on-premises override. */
export function hybridSettingsFingerprint(
  auth: ExchangeAuth | undefined,
  entra: HybridEntra,
): string {
  const app = entra.kind === 'known' ? entra.app : undefined;
  return JSON.stringify({
    appId: app?.appId ?? null,
    keys: (app?.keyCredentials ?? []).map((k) => k.keyId).sort(),
    secrets: (app?.passwordCredentials ?? []).map((k) => k.keyId).sort(),
    consent:
      entra.kind === 'known' && entra.assignments
        ? entra.assignments.map((a) => `${a.resourceId}/${a.appRoleId}`).sort()
        : null,
    overrides: (auth?.settingOverrides ?? [])
      .map((o) => `${o.componentName}/${o.sectionName}=${o.parameters.join(',')}`)
      .sort(),
  });
}

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
