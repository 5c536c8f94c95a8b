import { checkExchange, EXCHANGE_WATCH, mfgHistoryKey } from '../checks/check-exchange';
import type { CheckDependencies } from '../checks/check-domain';
import { STATUS_ORDER } from '../engine/finding-helpers';
import type { Assessment } from '../engine/types';
import type { Store, StoredAssessment } from '../store/store';

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
    const idpKey = `${stored}|${checks.mfgMetadataUrl}`;
    out.push({ assessment, idpKey, watchKey: EXCHANGE_WATCH, unreadable });
    await store.saveAssessment({
      domain: stored,
      checkedAt: now,
      status: assessment.status,
      idpKey,
      assessment,
      failedSweeps: unreadable ? failedSweepsInARow : 0,
    });
  }
  // The MFG read itself, for the watchlist and the next sweep's failure count.
  const rank = (a: Assessment) => STATUS_ORDER.indexOf(a.status);
  const summary = check.results
    .map((r) => r.assessment)
    .reduce((a, b) => (rank(b) < rank(a) ? b : a));
  if (check.results.some((r) => r.organization)) {
    out.push(retiredMfgOnly(summary, checks.mfgMetadataUrl));
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

/**
 * Before any organisation sent a trust, MFG alone was swept as `exchange|<URL>`; once organisations
 * exist, their keys carry every finding. Sweeping the old key with no findings resolves what it had
 * open, instead of leaving it open forever.
 */
export function retiredMfgOnly(summary: Assessment, mfgMetadataUrl: string): SweptTarget {
  return {
    assessment: { ...summary, findings: [] },
    idpKey: `${EXCHANGE_WATCH}|${mfgMetadataUrl}`,
    watchKey: EXCHANGE_WATCH,
    unreadable: false,
  };
}

/** What the last sweep stored for `watch exchange`, as the shared sweep's planning reads it back. */
export async function storedExchangeResults(
  store: Store,
  mfgMetadataUrl: string,
): Promise<SweptTarget[]> {
  const organizations = (await store.listAssessments()).filter((a) =>
    a.domain.startsWith(`${EXCHANGE_WATCH}:`),
  );
  const swept = (a: StoredAssessment): SweptTarget => {
    const assessment = a.assessment as Assessment;
    return {
      assessment,
      idpKey: a.idpKey ?? `${a.domain}|${mfgMetadataUrl}`,
      watchKey: EXCHANGE_WATCH,
      unreadable: a.failedSweeps > 0,
    };
  };
  if (organizations.length === 0) {
    const alone = await store.getAssessment(EXCHANGE_WATCH);
    return alone ? [swept(alone)] : [];
  }
  const out = organizations.map(swept);
  return [...out, retiredMfgOnly(out[0]!.assessment, mfgMetadataUrl)];
}
