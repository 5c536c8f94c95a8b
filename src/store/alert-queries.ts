import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AlertRecord, AlertTransition } from '../engine/alert-plan';
import type { FindingCode } from '../engine/types';
import type { Database } from './schema';
import { date, iso, orderedId, type Db } from './sql-helpers';
import type { DeliveryRecord } from './store';

export function toAlert(row: Database['alerts']): AlertRecord {
  return {
    id: row.id,
    key: row.key,
    idpKey: row.idp_key,
    code: row.code as FindingCode,
    thumbprint: row.thumbprint,
    severity: row.severity as AlertRecord['severity'],
    state: row.state as AlertRecord['state'],
    domains: JSON.parse(row.domains_json) as string[],
    message: row.message,
    remedy: row.remedy,
    openedAt: new Date(row.opened_at),
    lastNotifiedAt: new Date(row.last_notified_at),
    snoozedUntil: date(row.snoozed_until),
  };
}

export async function watchers(tx: Db, domains: string[]): Promise<string[]> {
  if (domains.length === 0) return [];
  const rows = await tx
    .selectFrom('watches')
    .innerJoin('conversations', 'conversations.id', 'watches.conversation_id')
    .select('watches.conversation_id')
    .distinct()
    .where('conversations.active', '=', 1)
    .where('watches.domain', 'in', domains)
    .execute();
  return rows.map((r) => r.conversation_id).sort();
}

export async function queueDelivery(
  tx: Db,
  alertId: string,
  conversationId: string,
  kind: DeliveryRecord['kind'],
  now: Date,
): Promise<void> {
  await tx
    .insertInto('deliveries')
    .values({
      id: orderedId(now),
      alert_id: alertId,
      conversation_id: conversationId,
      kind,
      state: 'pending',
      activity_id: null,
      attempts: 0,
      next_attempt_at: iso(now),
      created_at: iso(now),
      sent_at: null,
      error: null,
      claimed_until: null,
    })
    .execute();
}

export async function postedTo(tx: Db, alertId: string): Promise<Set<string>> {
  const rows = await tx
    .selectFrom('deliveries')
    .select('conversation_id')
    .where('alert_id', '=', alertId)
    .where('kind', '=', 'post')
    .where('state', '<>', 'failed')
    .execute();
  return new Set(rows.map((r) => r.conversation_id));
}

/** Rules whose warning depends on the lead (DESIGN §4 rule 4): `set lead` changes them per conversation. */
const LEAD_CODES = new Set(['AUTO_ROLLOVER_OFF', 'MANUAL_RENEWAL_REQUIRED']);
const DAY_MS = 86_400_000;

/** How posting honours each conversation's lead (`set lead`); without it every watcher gets every alert. */
export interface LeadPolicy {
  defaultLeadDays: number;
}

/**
 * The conversations an alert may be posted to now: a rule-4 warning reaches a conversation only once
 * d ≤ 35 + that conversation's lead; everything else reaches every watcher at once.
 */
export async function postableWatchers(
  tx: Db,
  alert: { code: string; severity: string; expiresAt?: string | null },
  domains: string[],
  now: Date,
  lead: LeadPolicy | undefined,
): Promise<string[]> {
  const all = await watchers(tx, domains);
  if (
    !lead ||
    alert.severity !== 'warning' ||
    !LEAD_CODES.has(alert.code) ||
    !alert.expiresAt ||
    all.length === 0
  )
    return all;
  const d = Math.floor((new Date(alert.expiresAt).getTime() - now.getTime()) / DAY_MS);
  const rows = await tx
    .selectFrom('conversations')
    .select(['id', 'lead_days'])
    .where('id', 'in', all)
    .execute();
  const leadOf = new Map(rows.map((r) => [r.id, r.lead_days ?? lead.defaultLeadDays]));
  return all.filter((id) => d <= 35 + (leadOf.get(id) ?? lead.defaultLeadDays));
}

export async function fanOut(
  tx: Db,
  alertId: string,
  domains: string[],
  notify: boolean,
  now: Date,
  lead?: LeadPolicy,
): Promise<void> {
  const posted = await postedTo(tx, alertId);
  for (const conversation of posted) {
    await queueDelivery(tx, alertId, conversation, 'update', now);
    if (notify) await queueDelivery(tx, alertId, conversation, 'reply', now);
  }
  const row = await tx
    .selectFrom('alerts')
    .select(['code', 'severity', 'expires_at'])
    .where('id', '=', alertId)
    .executeTakeFirstOrThrow();
  for (const conversation of await postableWatchers(
    tx,
    { ...row, expiresAt: row.expires_at },
    domains,
    now,
    lead,
  )) {
    if (!posted.has(conversation)) await queueDelivery(tx, alertId, conversation, 'post', now);
  }
}

/**
 * Posts live alerts to watchers that do not have them yet and may now: a conversation whose lead has
 * opened since the alert was opened, or one that started watching after it.
 */
export async function catchUpPosts(tx: Db, now: Date, lead: LeadPolicy): Promise<number> {
  let queued = 0;
  const live = await tx
    .selectFrom('alerts')
    .select(['id', 'code', 'severity', 'expires_at', 'domains_json'])
    .where('state', '<>', 'resolved')
    .execute();
  for (const alert of live) {
    const posted = await postedTo(tx, alert.id);
    const domains = JSON.parse(alert.domains_json) as string[];
    for (const conversation of await postableWatchers(
      tx,
      { ...alert, expiresAt: alert.expires_at },
      domains,
      now,
      lead,
    )) {
      if (posted.has(conversation)) continue;
      await queueDelivery(tx, alert.id, conversation, 'post', now);
      queued++;
    }
  }
  return queued;
}

export async function applyAlertTransition(
  tx: Transaction<Database>,
  t: AlertTransition,
  now: Date,
  lead?: LeadPolicy,
): Promise<void> {
  const stamp = iso(now);
  switch (t.kind) {
    case 'open': {
      const id = randomUUID();
      await tx
        .insertInto('alerts')
        .values({
          id,
          key: t.key,
          idp_key: t.idpKey,
          code: t.code,
          thumbprint: t.thumbprint,
          severity: t.severity,
          state: 'open',
          domains_json: JSON.stringify(t.domains),
          message: t.message,
          remedy: t.remedy,
          opened_at: stamp,
          updated_at: stamp,
          last_notified_at: stamp,
          snoozed_until: null,
          acknowledged_by: null,
          acknowledged_by_aad: null,
          acknowledged_at: null,
          resolved_at: null,
          expires_at: t.expiresAt ?? null,
        })
        .execute();
      for (const conversation of await postableWatchers(tx, t, t.domains, now, lead))
        await queueDelivery(tx, id, conversation, 'post', now);
      return;
    }
    case 'raise':
      await tx
        .updateTable('alerts')
        .set({
          severity: 'critical',
          state: 'open',
          snoozed_until: null,
          domains_json: JSON.stringify(t.domains),
          message: t.message,
          remedy: t.remedy,
          last_notified_at: stamp,
          updated_at: stamp,
        })
        .where('id', '=', t.alertId)
        .execute();
      return fanOut(tx, t.alertId, t.domains, true, now, lead);
    case 'refresh':
      await tx
        .updateTable('alerts')
        .set({
          domains_json: JSON.stringify(t.domains),
          message: t.message,
          remedy: t.remedy,
          updated_at: stamp,
        })
        .where('id', '=', t.alertId)
        .execute();
      return fanOut(tx, t.alertId, t.domains, false, now, lead);
    case 'escalate':
      await tx
        .updateTable('alerts')
        .set({ last_notified_at: stamp, updated_at: stamp })
        .where('id', '=', t.alertId)
        .execute();
      for (const conversation of await postedTo(tx, t.alertId))
        await queueDelivery(tx, t.alertId, conversation, 'reply', now);
      return;
    case 'unsnooze':
      await tx
        .updateTable('alerts')
        .set({ state: 'open', snoozed_until: null, updated_at: stamp })
        .where('id', '=', t.alertId)
        .execute();
      for (const conversation of await postedTo(tx, t.alertId))
        await queueDelivery(tx, t.alertId, conversation, 'update', now);
      return;
    case 'resolve':
      await tx
        .updateTable('alerts')
        .set({ state: 'resolved', resolved_at: stamp, updated_at: stamp })
        .where('id', '=', t.alertId)
        .execute();
      for (const conversation of await postedTo(tx, t.alertId))
        await queueDelivery(tx, t.alertId, conversation, 'update', now);
      return;
  }
}
