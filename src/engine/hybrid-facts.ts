import type { ExchangeAuth } from './exchange-auth';
import { EXCHANGE_ONLINE_APP_ID, type HybridEntra } from './hybrid-entra';

/**
 * Rule group 14's inputs and the on-premises facts of its terms (design/exchange-hybrid.md §4.1):
 * OAuth in use, the dedicated-app feature and workflow, supported builds, the cloud the remedies
 * name, and whether the MFG federation trust still carries anything (the rule-12 gate).
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
