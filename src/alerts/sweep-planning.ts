import { planDeliveries } from '../engine/alert-audience';
import {
  planAlertTransitions,
  type AlertRecord,
  type AlertTransition,
  type SweptFinding,
} from '../engine/alert-plan';
import { watchKey } from '../engine/subject';
import type { Assessment } from '../engine/types';
import type { AlertStore, AssessmentStore, NoticeOutbox } from '../store/store';

/** What planning reads and writes: certificate history, alerts and their deliveries, notices. */
export type PlanningStore = Pick<AssessmentStore, 'certificateHistory' | 'recordCertificates'> &
  AlertStore &
  Pick<NoticeOutbox, 'queueNotice'>;
import type { SweptTarget } from './sweep-exchange';

/** What planning needs of a swept target: its findings and the certificates they and the IdP name. */
export type PlanningTarget = Omit<SweptTarget, 'assessment'> & {
  assessment: Pick<Assessment, 'domain' | 'status' | 'findings' | 'certificates'>;
};

/**
 * A swept target reduced to what planning reads, so a sweep of 10,000 domains does not hold 10,000
 * assessments (timelines, remedies, every certificate) until it plans (issue #14: ≤ 300 MB).
 */
export function forPlanning(target: SweptTarget): PlanningTarget {
  const { domain, status, certificates } = target.assessment;
  // Alerts come of warnings and criticals; of the info findings planning reads only Graph's absence.
  const findings = target.assessment.findings.filter(
    (f) => f.severity !== 'info' || f.code === 'GRAPH_NOT_CONFIGURED',
  );
  const named = new Set(findings.map((f) => f.thumbprint));
  return {
    idpKey: target.idpKey,
    watch: target.watch,
    unreadable: target.unreadable,
    ...(target.published ? { published: target.published } : {}),
    assessment: {
      domain,
      status,
      findings,
      certificates: certificates.filter(
        (c) => named.has(c.thumbprintSha1) || (c.source === 'idp-metadata' && c.role === 'signing'),
      ),
    },
  };
}

export interface PlanningDependencies {
  store: PlanningStore;
  clock: () => Date;
  escalateAfterHours: number;
  /** ALERT_LEAD_DAYS. */
  defaultLeadDays: number;
}

export interface PlanningResult {
  newCertificates: { idpKey: string; thumbprints: string[] }[];
  transitions: number;
}

/** The informational notice for certificates an IdP published since the last sweep (no acknowledgement). */
function certificateNotice(
  idpKey: string,
  thumbprints: string[],
  assessments: PlanningTarget['assessment'][],
) {
  const domains = [...new Set(assessments.map((a) => a.domain))].sort();
  const certs =
    assessments[0]?.certificates.filter(
      (c) => thumbprints.includes(c.thumbprintSha1) && c.source === 'idp-metadata',
    ) ?? [];
  return {
    idpKey,
    domains,
    title: `New token-signing certificate published for ${domains.join(', ')}`,
    lines: [
      ...certs.map(
        (c) =>
          `${c.subject} (${c.thumbprintSha1}), valid ${c.notBefore.slice(0, 10)} to ${c.notAfter.slice(0, 10)}.`,
      ),
      'Nothing to do if Entra picks it up before the IdP switches to it; fedtrust alerts here if it does not.',
    ],
  };
}

/**
 * The second half of every sweep: the certificates each IdP published (notices for new ones), then
 * the alert transitions of all swept IdPs and their deliveries, in one transaction (the outbox).
 */
export async function planSweep(
  deps: PlanningDependencies,
  results: PlanningTarget[],
): Promise<PlanningResult> {
  const now = deps.clock();
  const newCertificates: PlanningResult['newCertificates'] = [];
  const findings: SweptFinding[] = [];
  const swept = new Set<string>();
  const unreadable = new Set<string>();
  const entraBlind = new Set<string>();
  const announced = new Set<string>();
  for (const { assessment: a, idpKey, watch, unreadable: unread, published: read } of results) {
    swept.add(idpKey);
    if (unread) unreadable.add(idpKey);
    if (a.findings.some((f) => f.code === 'GRAPH_NOT_CONFIGURED')) entraBlind.add(idpKey);
    for (const finding of a.findings) {
      const expiresAt = a.certificates.find(
        (c) => c.thumbprintSha1 === finding.thumbprint,
      )?.notAfter;
      findings.push({
        idpKey,
        domain: watchKey(watch),
        finding,
        ...(expiresAt ? { expiresAt } : {}),
      });
    }
    const published = a.certificates
      .filter((c) => c.source === 'idp-metadata' && c.role === 'signing')
      .map((c) => c.thumbprintSha1);
    // One read per swept IdP in the steady state; recording (a transaction) only when there is news.
    const history = new Set(read ?? (await deps.store.certificateHistory(idpKey)).published);
    const known = history.size > 0;
    const unseen = published.filter((t) => !history.has(t));
    const fresh = unseen.length > 0 ? await deps.store.recordCertificates(idpKey, unseen, now) : [];
    if (fresh.length > 0 && !announced.has(idpKey)) {
      announced.add(idpKey);
      newCertificates.push({ idpKey, thumbprints: fresh });
      // The first sweep of an IdP learns its certificates; later ones announce what is new.
      if (known)
        await deps.store.queueNotice(
          certificateNotice(
            idpKey,
            fresh,
            results.filter((r) => r.idpKey === idpKey).map((r) => r.assessment),
          ),
          now,
        );
    }
  }
  const alerts = await deps.store.listLiveAlerts();
  const transitions = planAlertTransitions({
    now,
    findings,
    sweptIdpKeys: [...swept],
    unreadableIdpKeys: [...unreadable],
    entraBlindIdpKeys: [...entraBlind],
    alerts,
    escalateAfterHours: deps.escalateAfterHours,
  });
  await queueAlertChanges(deps.store, { now, transitions, alerts }, deps.defaultLeadDays);
  return { newCertificates, transitions: transitions.length };
}

/**
 * Has the planner decide who gets which message for `transitions` (and the catch-up posts of every live
 * alert), from the store's audience and what each alert was posted to, then writes it all at once.
 * Returns the number of deliveries queued.
 */
export async function queueAlertChanges(
  store: Pick<AlertStore, 'listAudience' | 'postedTo' | 'applyAlertTransitions'>,
  plan: { now: Date; transitions: AlertTransition[]; alerts: AlertRecord[] },
  defaultLeadDays: number,
): Promise<number> {
  const planned = planDeliveries({
    ...plan,
    audience: { watchers: await store.listAudience(), defaultLeadDays },
    postedTo: await store.postedTo(plan.alerts.map((a) => a.id)),
  });
  await store.applyAlertTransitions(planned, plan.now);
  return planned.reduce((n, t) => n + t.deliveries.length, 0);
}
