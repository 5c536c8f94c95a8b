import { checkExchange } from '../checks/check-exchange';
import type { CheckDependencies } from '../checks/check-domain';
import { STATUS_ORDER } from '../engine/finding-helpers';
import {
  assessmentKey,
  mfgHistoryKey,
  mfgIdpKey,
  parseAssessmentKey,
  type MfgSubject,
  type WatchTarget,
} from '../engine/subject';
import type { Assessment } from '../engine/types';
import type { AssessmentStore, StoredAssessment } from '../store/store';

export interface SweptTarget {
  assessment: Assessment;
  idpKey: string;
  /** The watch its alerts are listed under (a domain, or `exchange`): decides who gets them. */
  watch: WatchTarget;
  unreadable: boolean;
}

const EXCHANGE: WatchTarget = { kind: 'exchange' };
const MFG_ALONE: MfgSubject = { kind: 'mfg' };

/**
 * `watch exchange` in a sweep: the MFG metadata against every organisation's latest trust snapshot.
 * Each organisation's trust is its own alert source ({@link mfgIdpKey}), listed under `exchange`.
 */
export async function sweepExchange(
  store: AssessmentStore,
  checks: CheckDependencies,
  clock: () => Date,
): Promise<SweptTarget[]> {
  const historyKey = mfgHistoryKey(checks.mfgMetadataUrl);
  const history = await store.certificateHistory(historyKey);
  const previousAll = await store.getAssessment(assessmentKey(MFG_ALONE));
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
  for (const { assessment, subject } of check.results) {
    const idpKey = mfgIdpKey(subject, checks.mfgMetadataUrl);
    out.push({ assessment, idpKey, watch: EXCHANGE, unreadable });
    await store.saveAssessment({
      domain: assessmentKey(subject),
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
  if (check.results.some((r) => r.subject.organization)) {
    out.push(retiredMfgOnly(summary, checks.mfgMetadataUrl));
    await store.saveAssessment({
      domain: assessmentKey(MFG_ALONE),
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
 * Before any organisation sent a trust, MFG alone was swept under its own key; once organisations
 * exist, their keys carry every finding. Sweeping the old key with no findings resolves what it had
 * open, instead of leaving it open forever.
 */
export function retiredMfgOnly(summary: Assessment, mfgMetadataUrl: string): SweptTarget {
  return {
    assessment: { ...summary, findings: [] },
    idpKey: mfgIdpKey(MFG_ALONE, mfgMetadataUrl),
    watch: EXCHANGE,
    unreadable: false,
  };
}

/** What the last sweep stored for `watch exchange`, as the shared sweep's planning reads it back. */
export async function storedExchangeResults(
  store: Pick<AssessmentStore, 'listAssessments' | 'getAssessment'>,
  mfgMetadataUrl: string,
): Promise<SweptTarget[]> {
  const organizations = (await store.listAssessments()).flatMap((a) => {
    const subject = parseAssessmentKey(a.domain);
    return subject.kind === 'mfg' && subject.organization !== undefined ? [{ a, subject }] : [];
  });
  const swept = (a: StoredAssessment, subject: MfgSubject): SweptTarget => ({
    assessment: a.assessment,
    idpKey: a.idpKey ?? mfgIdpKey(subject, mfgMetadataUrl),
    watch: EXCHANGE,
    unreadable: a.failedSweeps > 0,
  });
  if (organizations.length === 0) {
    const alone = await store.getAssessment(assessmentKey(MFG_ALONE));
    return alone ? [swept(alone, MFG_ALONE)] : [];
  }
  const out = organizations.map(({ a, subject }) => swept(a, subject));
  return [...out, retiredMfgOnly(out[0]!.assessment, mfgMetadataUrl)];
}
