import { watchedName } from './watched-name';
import type { AlertRecord } from '../engine/alert-plan';
import { RUNBOOKS } from '../engine/remedies';
import { displayName, parseAssessmentKey } from '../engine/subject';
import type { AdaptiveCard, CardTemplates } from './card-templates';
import { cardText } from './escape';
import { FINDING_TITLES } from './finding-titles';
import { remedyBlocks } from './remedy-blocks';

export interface AlertCardState extends AlertRecord {
  acknowledgedBy?: string;
  acknowledgedAt?: Date;
  resolvedAt?: Date;
  /** Where the card went: conversations posted to (or queued), and deliveries that failed for good. */
  deliveries?: { posted: number; failed: { where: string; error: string }[] };
}

const SHOWN_FAILURES = 3;

/** "Posted to 3 conversations." — and where it could not be delivered (DESIGN §7: never silent). */
function deliveryLines(a: AlertCardState): { deliveredLine: string; notDeliveredLine: string } {
  const d = a.deliveries;
  if (!d) return { deliveredLine: '', notDeliveredLine: '' };
  const deliveredLine =
    d.posted === 0 ? '' : `Posted to ${d.posted} conversation${d.posted === 1 ? '' : 's'}.`;
  const where = [...new Map(d.failed.map((f) => [f.where, f])).values()]; // one line per conversation
  const failures = where
    .slice(0, SHOWN_FAILURES)
    .map((f) => `${cardText(f.where)} (${cardText(f.error)})`);
  const more = where.length - SHOWN_FAILURES;
  const notDeliveredLine =
    failures.length === 0
      ? ''
      : `Not delivered to ${failures.join('; ')}${more > 0 ? `; and ${more} more` : ''}. Type alerts to see them all.`;
  return { deliveredLine, notDeliveredLine };
}

const RUNBOOK_BY_CODE: Partial<Record<AlertRecord['code'], string>> = {
  SIGNER_NOT_IN_ENTRA: RUNBOOKS.graphUpdate,
  CERT_EXPIRED: RUNBOOKS.emergency,
  ENTRA_UNKNOWN_CERT: RUNBOOKS.federationManagement,
  TLS_CERT_EXPIRING: RUNBOOKS.adfsCerts,
  MFG_CERT_NOT_IN_TRUST: RUNBOOKS.exchangeFreeBusy,
  MFG_REFRESH_RECOMMENDED: RUNBOOKS.exchangeFreeBusy,
  MFG_METADATA_URL_MISMATCH: RUNBOOKS.exchangeFreeBusy,
  EXCHANGE_SNAPSHOT_STALE: RUNBOOKS.exchangeFreeBusy,
  ORG_CERT_EXPIRING: RUNBOOKS.exchangeOrgCert,
};

/** What the alert is about: the watched names, or the organisation's hybrid app (rule group 14). */
function aboutFact(a: AlertCardState): { title: string; value: string } {
  const subject = parseAssessmentKey(a.idpKey);
  if (subject.kind === 'exchange-hybrid')
    return { title: 'Trust', value: cardText(displayName(subject)) };
  return { title: 'Domains', value: cardText(a.domains.map(watchedName).join(', ')) };
}

const when = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function stateLine(a: AlertCardState): string {
  switch (a.state) {
    case 'open':
      return a.severity === 'critical' ? 'Open: act now' : 'Open';
    case 'acknowledged':
      return `Acknowledged by ${cardText(a.acknowledgedBy ?? 'someone')}${a.acknowledgedAt ? ` at ${when(a.acknowledgedAt)}` : ''}`;
    case 'snoozed':
      return `Snoozed${a.snoozedUntil ? ` until ${when(a.snoozedUntil)}` : ''} (or until it gets worse)`;
    case 'resolved':
      return `Resolved${a.resolvedAt ? ` at ${when(a.resolvedAt)}` : ''}: the condition no longer holds`;
  }
}

/** The alert card (DESIGN §4 "Alerts"): Acknowledge, Snooze, Re-check and Runbook; its state in the banner. */
export function renderAlertCard(
  templates: CardTemplates,
  a: AlertCardState,
  footer: string,
): AdaptiveCard {
  const live = a.state !== 'resolved';
  return templates.expand('alert', {
    alertId: a.id,
    title: `${a.state === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase()} · ${FINDING_TITLES[a.code]}`,
    bannerStyle: !live
      ? 'good'
      : a.state === 'acknowledged' || a.state === 'snoozed'
        ? 'emphasis'
        : a.severity === 'critical'
          ? 'attention'
          : 'warning',
    stateLine: stateLine(a),
    message: cardText(a.message),
    ...deliveryLines(a),
    facts: [
      aboutFact(a),
      { title: 'Rule', value: a.code },
      { title: 'Certificate', value: a.thumbprint },
      { title: 'Since', value: when(a.openedAt) },
    ],
    remedyBlocks: live ? remedyBlocks(a.remedy) : [],
    canAck: live && a.state !== 'acknowledged',
    canSnooze: live && a.state !== 'snoozed',
    domain: a.domains[0] ?? '',
    runbook:
      RUNBOOK_BY_CODE[a.code] ??
      (a.idpKey.startsWith('exchange-hybrid:') ? RUNBOOKS.exchangeHybridApp : RUNBOOKS.renew),
    footer,
  });
}
