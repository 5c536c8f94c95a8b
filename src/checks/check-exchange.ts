import { DEFAULT_GRAPH_BASE_URL } from '../config';
import { assessHybrid } from '../engine/assess-hybrid';
import { federationTrustUsage, onPremisesFacts, type HybridHistory } from '../engine/hybrid-facts';
import { assessMfg } from '../engine/assess-mfg';
import type { ExchangeAuth } from '../engine/exchange-auth';
import type { HybridEntra } from '../engine/hybrid-entra';
import type { HybridSubject, MfgSubject } from '../engine/subject';
import type { Assessment } from '../engine/types';
import type { HybridAppHint } from '../sources/hybrid-app-reader';
import type { OrganizationTrust } from '../sources/snapshot-source';
import type { CheckDependencies } from './check-domain';

export interface ExchangeCheckRequest {
  now: Date;
  mode?: 'on-demand' | 'sweep';
  /** Only this organisation's trust (case-insensitive); all of them when absent. */
  organization?: string;
  /** SHA-1 → ISO date each MFG certificate was first seen (sweeps keep it). */
  firstSeen?: Record<string, string>;
  /** Sweeps: failed sweeps in a row, this one included (rule 9 waits for two). */
  failedSweepsInARow?: number;
  /** What stored history says about an organisation's Auth slots and app (sweeps, cards). */
  hybridHistory?: (organization: string) => Promise<HybridHistory | undefined>;
}

/** One organisation's Exchange hybrid OAuth result (rule group 14). */
export interface HybridResult {
  assessment: Assessment;
  subject: HybridSubject;
  /** Graph is configured but could not be read now: its alerts must not resolve on this. */
  entraUnreadable: boolean;
}

export interface ExchangeCheck {
  /** One per organisation with a trust snapshot; one MFG-only assessment when there is none. */
  results: { assessment: Assessment; subject: MfgSubject }[];
  /** One per organisation with an Auth snapshot (collector 1.1), or the app Graph discovered. */
  hybrid: HybridResult[];
  /** The MFG signing certificates read (to remember when each was first seen). */
  mfgThumbprints: string[];
}

const NO_GRAPH =
  'Graph is not configured (GRAPH_TENANT_ID, GRAPH_CLIENT_ID and a secret or certificate), with Application.Read.All.';

/** The name a hybrid result takes when no collector named the organisation. */
export const DISCOVERED_ORGANIZATION = 'tenant';

/** What the Auth snapshot tells Graph's reader about the app (its appId, GUID, workflow). */
export function hybridHint(auth: ExchangeAuth): HybridAppHint {
  const facts = auth.slotsOnly ? undefined : onPremisesFacts(auth);
  return {
    appId: facts?.appId,
    organizationGuid: auth.organizationGuid,
    graphWorkflow: facts?.workflow === 'graph',
  };
}

async function entraSide(deps: CheckDependencies, auth?: ExchangeAuth): Promise<HybridEntra> {
  if (!deps.hybridApps) return { kind: 'unknown', reason: NO_GRAPH };
  return deps.hybridApps.read(auth ? hybridHint(auth) : undefined);
}

/** Anything on Entra's side worth a result without a collector: the app, or legacy keys. */
function worthReporting(entra: HybridEntra): boolean {
  if (entra.kind !== 'known') return false;
  const legacy = entra.legacyServicePrincipal;
  return (
    entra.app !== undefined ||
    (legacy !== undefined && legacy.keyCredentials.length + legacy.passwordCredentials.length > 0)
  );
}

/**
 * `check mfg` / `check exchange` and the `watch exchange` sweep: the MFG metadata, read once, against
 * the latest Exchange trust snapshot of each organisation the collector reported; and each
 * organisation's Auth certificate against its dedicated hybrid app in Entra (rule group 14), which
 * also tells whether the federation trust is still in use (the rule-12 gate).
 */
export async function checkExchange(
  deps: CheckDependencies,
  request: ExchangeCheckRequest,
): Promise<ExchangeCheck> {
  const [load, trusts, auths] = await Promise.all([
    deps.metadata.load(deps.mfgMetadataUrl),
    deps.snapshots ? deps.snapshots.exchangeTrusts(request.organization) : Promise.resolve([]),
    deps.snapshots ? deps.snapshots.exchangeAuth(request.organization) : Promise.resolve([]),
  ]);
  const mode = request.mode ?? 'on-demand';
  const usage = new Map(
    auths.map((a) => [a.organization.toLowerCase(), federationTrustUsage(a.auth)] as const),
  );
  const base = {
    now: request.now,
    mode,
    mfg: load.ok ? load.metadata : undefined,
    mfgProblem: load.ok
      ? undefined
      : { ...load.problem, failedSweepsInARow: request.failedSweepsInARow },
    firstSeen: request.firstSeen,
    expectedMetadataUrl: deps.mfgMetadataUrl,
  } as const;
  const assess = (t?: OrganizationTrust) => {
    const assessment = assessMfg({
      ...base,
      trust: t?.trust,
      organization: t?.organization,
      trustUsage: t ? usage.get(t.organization.toLowerCase()) : undefined,
    });
    if (t)
      assessment.exchange = {
        organization: t.organization,
        computerName: t.computerName,
        receivedAt: t.trust.receivedAt?.toISOString(),
      };
    return { assessment, subject: assessment.subject };
  };
  const results = trusts.length > 0 ? trusts.map(assess) : [assess()];
  const hybrid: HybridResult[] = [];
  const assessOne = async (organization: string, auth?: ExchangeAuth, known?: HybridEntra) => {
    const entra = known ?? (await entraSide(deps, auth));
    const assessment = assessHybrid({
      now: request.now,
      mode,
      organization,
      auth,
      entra,
      history: await request.hybridHistory?.(organization),
      graphBaseUrl: deps.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL,
    });
    hybrid.push({
      assessment,
      subject: { kind: 'exchange-hybrid', organization },
      entraUnreadable: entra.kind === 'unknown' && deps.hybridApps !== undefined,
    });
  };
  for (const { organization, auth } of auths) await assessOne(organization, auth);
  if (auths.length === 0 && deps.hybridApps) {
    // No collector 1.1 yet: Graph alone finds the app by who holds full_access_as_app (§3.2 G4).
    const entra = await entraSide(deps);
    const named =
      request.organization ?? (trusts.length === 1 ? trusts[0]!.organization : undefined);
    if (worthReporting(entra)) await assessOne(named ?? DISCOVERED_ORGANIZATION, undefined, entra);
  }
  for (const { assessment } of [...results, ...hybrid]) deps.metrics?.countCheck(assessment.status);
  return {
    results,
    hybrid,
    mfgThumbprints: load.ok ? load.metadata.parsed.signingCerts.map((c) => c.thumbprintSha1) : [],
  };
}
