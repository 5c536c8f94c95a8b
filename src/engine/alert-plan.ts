import { addHours } from './certificate';
import type { Finding, FindingCode, Severity } from './types';

/** An alert as the store keeps it (DESIGN §4 "Alerts"). */
export interface AlertRecord {
  id: string;
  /** One alert per (IdP, certificate, rule): `${idpKey}|${thumbprint}|${code}`. */
  key: string;
  idpKey: string;
  code: FindingCode;
  thumbprint: string;
  severity: Exclude<Severity, 'info'>;
  state: 'open' | 'acknowledged' | 'snoozed' | 'resolved';
  domains: string[];
  message: string;
  remedy: string;
  openedAt: Date;
  lastNotifiedAt: Date;
  snoozedUntil?: Date;
  /** When the alert's certificate expires (ISO), if known: per-conversation leads count from it. */
  expiresAt?: string;
}

/** A finding of one swept domain, with the IdP it belongs to. */
export interface SweptFinding {
  idpKey: string;
  domain: string;
  finding: Finding;
  /** When the finding's certificate expires (ISO), if known: per-conversation leads count from it. */
  expiresAt?: string;
}

export type AlertTransition =
  /** A new alert: a new post (a new thread in a channel) in every watching conversation. */
  | {
      kind: 'open';
      key: string;
      idpKey: string;
      code: FindingCode;
      thumbprint: string;
      severity: 'warning' | 'critical';
      domains: string[];
      message: string;
      remedy: string;
      expiresAt?: string;
    }
  /** Warning rose to critical (or a snoozed/acknowledged alert got worse): cards updated, a reply notifies. */
  | {
      kind: 'raise';
      alertId: string;
      severity: 'critical';
      domains: string[];
      message: string;
      remedy: string;
    }
  /** Same severity, but the message or the affected domains changed: cards updated quietly. */
  | { kind: 'refresh'; alertId: string; domains: string[]; message: string; remedy: string }
  /** Critical, unacknowledged, not notified for ESCALATE_AFTER_HOURS: a reply re-notifies. */
  | { kind: 'escalate'; alertId: string }
  /** The snooze ran out: the alert is open again (and escalates again if critical). */
  | { kind: 'unsnooze'; alertId: string }
  /** The rule no longer fires: cards say so. */
  | { kind: 'resolve'; alertId: string };

export interface AlertPlanInput {
  now: Date;
  /** Findings of every domain swept now. Info findings never alert. */
  findings: SweptFinding[];
  /** IdPs whose state this sweep knows (alerts of other IdPs are left alone). */
  sweptIdpKeys: string[];
  /**
   * Swept IdPs whose metadata could not be read: only their reachability alerts can change; the others
   * stay as they are (an outage says nothing about the certificates, and resolving would re-page later).
   */
  unreadableIdpKeys?: string[];
  /**
   * IdPs whose sweep could not read Entra's side (Graph failed or is not configured): their alerts about
   * Entra's side stay as they are — an outage of Graph resolves nothing it cannot see.
   */
  entraBlindIdpKeys?: string[];
  /** Alerts not resolved yet. */
  alerts: AlertRecord[];
  escalateAfterHours: number;
}

export function alertKey(idpKey: string, thumbprint: string, code: FindingCode): string {
  return `${idpKey}|${thumbprint}|${code}`;
}

/** What fires for one key: the open transition without its kind and key. */
type Firing = Omit<Extract<AlertTransition, { kind: 'open' }>, 'kind' | 'key'>;

/** Groups the findings that alert: one entry per key, listing every affected domain, worst severity. */
function firingByKey(findings: SweptFinding[]): Map<string, Firing> {
  const firing = new Map<string, Firing>();
  for (const { idpKey, domain, finding, expiresAt } of findings) {
    if (finding.severity === 'info') continue;
    const thumbprint = finding.thumbprint ?? '-';
    const key = alertKey(idpKey, thumbprint, finding.code);
    const existing = firing.get(key);
    if (!existing) {
      firing.set(key, {
        idpKey,
        code: finding.code,
        thumbprint,
        severity: finding.severity,
        domains: [domain],
        message: finding.message,
        remedy: finding.remedy,
        ...(expiresAt ? { expiresAt } : {}),
      });
      continue;
    }
    if (!existing.domains.includes(domain)) existing.domains.push(domain);
    if (finding.severity === 'critical' && existing.severity === 'warning') {
      Object.assign(existing, {
        severity: 'critical',
        message: finding.message,
        remedy: finding.remedy,
      });
    }
  }
  for (const f of firing.values()) f.domains.sort();
  return firing;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * What a sweep changes about alerts (DESIGN §4 "Alerts"), as a pure function: one alert per (IdP,
 * certificate, rule) listing every affected domain; a warning posts once and does not escalate; a
 * critical re-notifies every `escalateAfterHours` from its last notification until acknowledged or
 * snoozed; a rise to critical updates the cards and notifies, whatever the state; a snooze lasts until
 * `snoozedUntil` or until the severity rises; an alert resolves at the first sweep where its rule no
 * longer fires.
 */
/** Rules that fire only from what Entra holds (DESIGN §4 rules 1, 3, 7, 8, 11, 13). */
const ENTRA_SIDE_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'SIGNER_NOT_IN_ENTRA',
  'NEXT_CERT_NOT_IN_ENTRA',
  'STALE_ENTRA_CERT',
  'ENTRA_UNKNOWN_CERT',
  'ENTRA_CERT_UNREADABLE',
  'ISSUER_MISMATCH',
  'ENTRA_UPDATE_FAILED',
  'FEDERATION_SETTINGS_CHANGED',
]);

export function planAlertTransitions(input: AlertPlanInput): AlertTransition[] {
  const { now } = input;
  const firing = firingByKey(input.findings);
  const swept = new Set(input.sweptIdpKeys);
  const unreadable = new Set(input.unreadableIdpKeys ?? []);
  const entraBlind = new Set(input.entraBlindIdpKeys ?? []);
  const transitions: AlertTransition[] = [];
  const known = new Set<string>();
  for (const alert of input.alerts) {
    if (alert.state === 'resolved' || !swept.has(alert.idpKey)) continue;
    known.add(alert.key);
    const now_ = firing.get(alert.key);
    if (unreadable.has(alert.idpKey) && !alert.code.startsWith('METADATA_')) continue;
    if (!now_ && entraBlind.has(alert.idpKey) && ENTRA_SIDE_CODES.has(alert.code)) continue;
    if (!now_) {
      transitions.push({ kind: 'resolve', alertId: alert.id });
      continue;
    }
    if (now_.severity === 'critical' && alert.severity === 'warning') {
      transitions.push({
        kind: 'raise',
        alertId: alert.id,
        severity: 'critical',
        domains: now_.domains,
        message: now_.message,
        remedy: now_.remedy,
      });
      continue;
    }
    if (
      !sameList(now_.domains, alert.domains) ||
      now_.message !== alert.message ||
      now_.remedy !== alert.remedy
    ) {
      transitions.push({
        kind: 'refresh',
        alertId: alert.id,
        domains: now_.domains,
        message: now_.message,
        remedy: now_.remedy,
      });
    }
    let state = alert.state;
    if (state === 'snoozed' && (!alert.snoozedUntil || alert.snoozedUntil <= now)) {
      transitions.push({ kind: 'unsnooze', alertId: alert.id });
      state = 'open';
    }
    const due = addHours(alert.lastNotifiedAt, input.escalateAfterHours) <= now;
    if (alert.severity === 'critical' && state === 'open' && due) {
      transitions.push({ kind: 'escalate', alertId: alert.id });
    }
  }
  for (const [key, f] of firing) {
    if (known.has(key)) continue;
    transitions.push({ kind: 'open', key, ...f });
  }
  return transitions;
}
