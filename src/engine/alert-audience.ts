import type { AlertRecord, AlertTransition } from './alert-plan';
import { ENTRA_POLL_DAYS } from './entra-poll';
import type { FindingCode, Severity } from './types';

const DAY_MS = 86_400_000;

/** Rules whose warning depends on the lead (DESIGN §4 rule 4): `set lead` changes them per conversation. */
const LEAD_CODES: ReadonlySet<FindingCode> = new Set([
  'AUTO_ROLLOVER_OFF',
  'MANUAL_RENEWAL_REQUIRED',
]);

/** An active conversation that may receive alerts: what it watches (watch keys) and its `set lead`. */
export interface Watcher {
  conversationId: string;
  watches: string[];
  leadDays?: number;
}

/** Who may hear about alerts: every active watcher, and ALERT_LEAD_DAYS for those without a lead. */
export interface Audience {
  watchers: Watcher[];
  defaultLeadDays: number;
}

/** One message of the outbox: a new post (thread), an edit of the posted card, or a reply in its thread. */
export interface Delivery {
  conversationId: string;
  kind: 'post' | 'update' | 'reply';
}

/** A transition with the deliveries it causes; `post` is a catch-up (a watcher that may now see it). */
export type PlannedTransition =
  | (AlertTransition & { deliveries: Delivery[] })
  | { kind: 'post'; alertId: string; deliveries: Delivery[] };

/**
 * The longest lead among the conversations watching a name, never less than ALERT_LEAD_DAYS: how early
 * rule 4 must warn so that the conversation that asked first hears first.
 */
export function longestLead(leads: (number | undefined)[], defaultLeadDays: number): number {
  return Math.max(defaultLeadDays, ...leads.map((lead) => lead ?? defaultLeadDays));
}

/**
 * Whether an alert may be posted to a conversation with this lead now: a rule-4 warning only once
 * d ≤ 35 + lead (DESIGN §4 "`set lead` changes the lead for that conversation's warnings only");
 * everything else at once.
 */
export function reachesLead(
  alert: { code: FindingCode; severity: Exclude<Severity, 'info'>; expiresAt?: string },
  leadDays: number,
  now: Date,
): boolean {
  if (alert.severity !== 'warning' || !LEAD_CODES.has(alert.code) || !alert.expiresAt) return true;
  const d = Math.floor((new Date(alert.expiresAt).getTime() - now.getTime()) / DAY_MS);
  return d <= ENTRA_POLL_DAYS + leadDays;
}

/** The watchers of each watch key: built once per plan, so each alert looks up only its own domains. */
function watchersByKey(audience: Audience): Map<string, Watcher[]> {
  const index = new Map<string, Watcher[]>();
  for (const w of audience.watchers)
    for (const key of new Set(w.watches)) {
      const list = index.get(key);
      if (list) list.push(w);
      else index.set(key, [w]);
    }
  return index;
}

/** The conversations (sorted) an alert listing `domains` may be posted to now. */
function postableConversations(
  alert: Parameters<typeof reachesLead>[0] & { domains: string[] },
  audience: Audience,
  index: Map<string, Watcher[]>,
  now: Date,
): string[] {
  const watchers = new Set(alert.domains.flatMap((key) => index.get(key) ?? []));
  return [...watchers]
    .filter((w) => reachesLead(alert, w.leadDays ?? audience.defaultLeadDays, now))
    .map((w) => w.conversationId)
    .sort();
}

export interface DeliveryPlanInput {
  now: Date;
  transitions: AlertTransition[];
  /** Every live alert (also those of IdPs not swept now: a new watcher catches up on them). */
  alerts: AlertRecord[];
  audience: Audience;
  /** Per alert id: the conversations its card was posted to (or is queued for). */
  postedTo: Record<string, string[]>;
}

/**
 * Who gets which message for each transition (DESIGN §4 "Alerts", §7), as a pure function: a new alert
 * is posted to every watcher it reaches; a rise updates every posted card, replies there to notify, and
 * posts where it is new; a refresh updates quietly and posts where it is new; an escalation replies; an
 * unsnooze or resolution updates. Then every live alert is posted to the watchers that may see it now
 * and do not have it (a lead that opened, a conversation that started watching later).
 */
export function planDeliveries(input: DeliveryPlanInput): PlannedTransition[] {
  const { now, audience } = input;
  const index = watchersByKey(audience);
  const byId = new Map(input.alerts.map((a) => [a.id, a]));
  const posted = (id: string) => new Set(input.postedTo[id] ?? []);
  const to = (ids: Iterable<string>, kind: Delivery['kind']): Delivery[] =>
    [...ids].map((conversationId) => ({ conversationId, kind }));
  const newPosts = (alert: AlertRecord, domains: string[], severity: AlertRecord['severity']) => {
    const already = posted(alert.id);
    return postableConversations({ ...alert, domains, severity }, audience, index, now).filter(
      (id) => !already.has(id),
    );
  };
  const settled = new Set<string>();
  const planned: PlannedTransition[] = input.transitions.map((t) => {
    if (t.kind === 'open')
      return { ...t, deliveries: to(postableConversations(t, audience, index, now), 'post') };
    const alert = byId.get(t.alertId);
    const cards = [...posted(t.alertId)].sort();
    switch (t.kind) {
      case 'raise':
        settled.add(t.alertId);
        return {
          ...t,
          deliveries: [
            ...cards.flatMap((id) => [...to([id], 'update'), ...to([id], 'reply')]),
            ...(alert ? to(newPosts(alert, t.domains, t.severity), 'post') : []),
          ],
        };
      case 'refresh':
        settled.add(t.alertId);
        return {
          ...t,
          deliveries: [
            ...to(cards, 'update'),
            ...(alert ? to(newPosts(alert, t.domains, alert.severity), 'post') : []),
          ],
        };
      case 'escalate':
        return { ...t, deliveries: to(cards, 'reply') };
      case 'unsnooze':
        return { ...t, deliveries: to(cards, 'update') };
      case 'resolve':
        settled.add(t.alertId);
        return { ...t, deliveries: to(cards, 'update') };
    }
  });
  for (const alert of input.alerts) {
    if (alert.state === 'resolved' || settled.has(alert.id)) continue;
    const missing = newPosts(alert, alert.domains, alert.severity);
    if (missing.length > 0)
      planned.push({ kind: 'post', alertId: alert.id, deliveries: to(missing, 'post') });
  }
  return planned;
}
