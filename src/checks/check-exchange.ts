import { assessMfg } from '../engine/assess-mfg';
import type { MfgSubject } from '../engine/subject';
import type { Assessment } from '../engine/types';
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
}

export interface ExchangeCheck {
  /** One per organisation with a trust snapshot; one MFG-only assessment when there is none. */
  results: { assessment: Assessment; subject: MfgSubject }[];
  /** The MFG signing certificates read (to remember when each was first seen). */
  mfgThumbprints: string[];
}

/**
 * `check mfg` / `check exchange` and the `watch exchange` sweep: the MFG metadata, read once, against
 * the latest Exchange trust snapshot of each organisation the collector reported.
 */
export async function checkExchange(
  deps: CheckDependencies,
  request: ExchangeCheckRequest,
): Promise<ExchangeCheck> {
  const [load, trusts] = await Promise.all([
    deps.metadata.load(deps.mfgMetadataUrl),
    deps.snapshots ? deps.snapshots.exchangeTrusts(request.organization) : Promise.resolve([]),
  ]);
  const base = {
    now: request.now,
    mode: request.mode ?? 'on-demand',
    mfg: load.ok ? load.metadata : undefined,
    mfgProblem: load.ok
      ? undefined
      : { ...load.problem, failedSweepsInARow: request.failedSweepsInARow },
    firstSeen: request.firstSeen,
    expectedMetadataUrl: deps.mfgMetadataUrl,
  } as const;
  const assess = (t?: OrganizationTrust) => {
    const assessment = assessMfg({ ...base, trust: t?.trust, organization: t?.organization });
    if (t)
      assessment.exchange = {
        organization: t.organization,
        computerName: t.computerName,
        receivedAt: t.trust.receivedAt?.toISOString(),
      };
    return { assessment, subject: assessment.subject };
  };
  const results = trusts.length > 0 ? trusts.map(assess) : [assess()];
  for (const { assessment } of results) deps.metrics?.countCheck(assessment.status);
  return {
    results,
    mfgThumbprints: load.ok ? load.metadata.parsed.signingCerts.map((c) => c.thumbprintSha1) : [],
  };
}
