import { checkExchange, EXCHANGE_WATCH, mfgHistoryKey } from '../checks/check-exchange';
import type { CheckDependencies } from '../checks/check-domain';
import type { Assessment } from '../engine/types';
import type { Store } from '../store/store';

export interface SweptTarget {
  assessment: Assessment;
  idpKey: string;
  /** The watched name the alert lists (a domain, or `exchange`): decides who gets it. */
  watchKey: string;
  unreadable: boolean;
}

/**
 * `watch exchange` in a sweep: the MFG metadata against every organisation's latest trust snapshot.
 * Each organisation's trust is its own alert source (`exchange:<org>|<MFG URL>`), listed as `exchange`.
 */
export async function sweepExchange(
  store: Store,
  checks: CheckDependencies,
  clock: () => Date,
): Promise<SweptTarget[]> {
  const historyKey = mfgHistoryKey(checks.mfgMetadataUrl);
  const history = await store.certificateHistory(historyKey);
  const previousAll = await store.getAssessment(EXCHANGE_WATCH);
  const failedSweepsInARow = (previousAll?.failedSweeps ?? 0) + 1;
  const check = await checkExchange(checks, {
    now: clock(),
    mode: 'sweep',
    firstSeen: history.firstSeen,
    failedSweepsInARow,
  });
  const now = clock();
  await store.recordCertificates(historyKey, check.mfgThumbprints, now);
  const unreadable = check.mfgThumbprints.length === 0;
  const out: SweptTarget[] = [];
  for (const { assessment, organization } of check.results) {
    const stored = organization ? `${EXCHANGE_WATCH}:${organization}` : EXCHANGE_WATCH;
    out.push({
      assessment,
      idpKey: `${stored}|${checks.mfgMetadataUrl}`,
      watchKey: EXCHANGE_WATCH,
      unreadable,
    });
    await store.saveAssessment({
      domain: stored,
      checkedAt: now,
      status: assessment.status,
      idpKey: `${stored}|${checks.mfgMetadataUrl}`,
      assessment,
      failedSweeps: unreadable ? failedSweepsInARow : 0,
    });
  }
  // The MFG read itself, for the watchlist and the next sweep's failure count.
  const rank = { critical: 0, unknown: 1, warning: 2, ok: 3 } as const;
  const summary = check.results
    .map((r) => r.assessment)
    .reduce((a, b) => (rank[b.status] < rank[a.status] ? b : a));
  if (check.results.some((r) => r.organization)) {
    await store.saveAssessment({
      domain: EXCHANGE_WATCH,
      checkedAt: now,
      status: summary.status,
      idpKey: historyKey,
      assessment: summary,
      failedSweeps: unreadable ? failedSweepsInARow : 0,
    });
  }
  return out;
}
