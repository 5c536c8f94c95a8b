import { checkExchange } from '../checks/check-exchange';
import type { CheckDependencies } from '../checks/check-domain';
import { STATUS_ORDER } from '../engine/finding-helpers';
import type { HybridHistory } from '../engine/hybrid-facts';
import {
  assessmentKey,
  hybridHistoryKey,
  hybridIdpKey,
  mfgHistoryKey,
  mfgIdpKey,
  parseAssessmentKey,
  type HybridSubject,
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
  /** The IdP's certificate history as the check read it (planning need not read it again). */
  published?: string[];
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
    hybridHistory: (organization) => hybridHistory(store, organization),
  });
  const now = clock();
  await store.recordCertificates(historyKey, check.mfgThumbprints, now);
  const out: SweptTarget[] = [];
  const keep = async (
    subject: MfgSubject | HybridSubject,
    assessment: Assessment,
    idpKey: string,
    unreadable: boolean,
    failedSweeps: number,
  ) => {
    out.push({ assessment, idpKey, watch: EXCHANGE, unreadable });
    await store.saveAssessment({
      domain: assessmentKey(subject),
      checkedAt: now,
      status: assessment.status,
      idpKey,
      assessment,
      failedSweeps,
    });
  };
  for (const { assessment, subject, entraUnreadable } of check.hybrid) {
    await rememberHybrid(store, subject, assessment, now);
    await keep(subject, assessment, hybridIdpKey(subject), entraUnreadable, 0);
  }
  const unreadable = check.mfgThumbprints.length === 0;
  for (const { assessment, subject } of check.results) {
    const idpKey = mfgIdpKey(subject, checks.mfgMetadataUrl);
    await keep(subject, assessment, idpKey, unreadable, unreadable ? failedSweepsInARow : 0);
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

/** The Auth slots an organisation's snapshots named, and the keys its app held: a hybrid sweep's memory. */
async function rememberHybrid(
  store: AssessmentStore,
  subject: HybridSubject,
  assessment: Assessment,
  now: Date,
): Promise<void> {
  const key = hybridHistoryKey(subject.organization);
  const slots = assessment.certificates.filter((c) => c.source === 'exchange-auth');
  // The next certificate is remembered as first seen when this sweep judged it first seen
  // (WhenChangedUTC on the first sweep): later sweeps keep the same deadlines.
  const next = slots.find((c) => c.role === 'auth-next');
  const seen = assessment.hybrid?.nextFirstSeen;
  if (next && seen) await store.recordCertificates(key, [next.thumbprintSha1], new Date(seen));
  await store.recordCertificates(
    key,
    slots.map((c) => c.thumbprintSha1),
    now,
  );
  const held = assessment.certificates
    .filter((c) => c.source === 'entra-app' && c.thumbprintSha1 !== '')
    .map((c) => c.thumbprintSha1);
  await store.recordCertificates(`${key}|held`, held, now);
}

/**
 * What stored history says about an organisation's hybrid trust (rule group 14's memory): when the
 * staged next certificate was first seen, when the app first held each certificate, every certificate
 * that was ever an Auth certificate, and the last sweep's settings fingerprint.
 */
export async function hybridHistory(
  store: Pick<AssessmentStore, 'certificateHistory' | 'getAssessment'>,
  organization: string,
): Promise<HybridHistory> {
  const key = hybridHistoryKey(organization);
  const slots = await store.certificateHistory(key);
  const held = await store.certificateHistory(`${key}|held`);
  const previous = await store.getAssessment(
    assessmentKey({ kind: 'exchange-hybrid', organization }),
  );
  return {
    slotFirstSeen: slots.firstSeen,
    firstHeld: held.firstSeen,
    authThumbprints: slots.published,
    ...(previous?.assessment.hybrid
      ? { previousSettings: previous.assessment.hybrid.settings }
      : {}),
  };
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
  const stored = await store.listAssessments();
  const hybrid = stored.flatMap((a): SweptTarget[] => {
    const subject = parseAssessmentKey(a.domain);
    if (subject.kind !== 'exchange-hybrid') return [];
    const idpKey = a.idpKey ?? hybridIdpKey(subject);
    return [{ assessment: a.assessment, idpKey, watch: EXCHANGE, unreadable: false }];
  });
  const organizations = stored.flatMap((a) => {
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
    return [...hybrid, ...(alone ? [swept(alone, MFG_ALONE)] : [])];
  }
  const out = organizations.map(({ a, subject }) => swept(a, subject));
  return [...hybrid, ...out, retiredMfgOnly(out[0]!.assessment, mfgMetadataUrl)];
}
