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

export async function fanOut(
  tx: Db,
  alertId: string,
  domains: string[],
  notify: boolean,
  now: Date,
): Promise<void> {
  const posted = await postedTo(tx, alertId);
  for (const conversation of posted) {
    await queueDelivery(tx, alertId, conversation, 'update', now);
    if (notify) await queueDelivery(tx, alertId, conversation, 'reply', now);
  }
  for (const conversation of await watchers(tx, domains)) {
    if (!posted.has(conversation)) await queueDelivery(tx, alertId, conversation, 'post', now);
  }
}

export async function applyAlertTransition(
  tx: Transaction<Database>,
  t: AlertTransition,
  now: Date,
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
        })
        .execute();
      for (const conversation of await watchers(tx, t.domains))
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
      return fanOut(tx, t.alertId, t.domains, true, now);
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
      return fanOut(tx, t.alertId, t.domains, false, now);
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
