import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Delivery, PlannedTransition, Watcher } from '../engine/alert-audience';
import type { AlertRecord } from '../engine/alert-plan';
import type { FindingCode } from '../engine/types';
import type { Database } from './schema';
import { date, iso, newOutboxRow, type Db } from './sql-helpers';
import { conversationLabel, type ConversationRecord, type DeliveryReport } from './store';

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
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
  };
}

/** Every active conversation that watches something, with what it watches and its lead. */
export async function listAudience(db: Db): Promise<Watcher[]> {
  const rows = await db
    .selectFrom('watches')
    .innerJoin('conversations', 'conversations.id', 'watches.conversation_id')
    .select(['watches.conversation_id', 'watches.domain', 'conversations.lead_days'])
    .where('conversations.active', '=', 1)
    .orderBy('watches.conversation_id')
    .execute();
  const watchers = new Map<string, Watcher>();
  for (const r of rows) {
    const watcher = watchers.get(r.conversation_id) ?? {
      conversationId: r.conversation_id,
      watches: [],
      ...(r.lead_days === null ? {} : { leadDays: r.lead_days }),
    };
    if (!watcher.watches.includes(r.domain)) watcher.watches.push(r.domain);
    watchers.set(r.conversation_id, watcher);
  }
  return [...watchers.values()];
}

/** Per alert: the conversations its card was posted to, or is queued for (a post that did not fail). */
export async function postedTo(db: Db, alertIds: string[]): Promise<Record<string, string[]>> {
  if (alertIds.length === 0) return {};
  const rows = await db
    .selectFrom('deliveries')
    .select(['alert_id', 'conversation_id'])
    .distinct()
    .where('alert_id', 'in', alertIds)
    .where('kind', '=', 'post')
    .where('state', '<>', 'failed')
    .execute();
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.alert_id] ??= []).push(r.conversation_id);
  return out;
}

/** Per alert: how many conversations its card was posted to (or is queued for), and where it failed. */
export async function deliveryReport(
  db: Db,
  alertIds: string[],
): Promise<Record<string, DeliveryReport>> {
  const out: Record<string, DeliveryReport> = {};
  for (const id of alertIds) out[id] = { posted: 0, failed: [] };
  if (alertIds.length === 0) return out;
  const posted = await db
    .selectFrom('deliveries')
    .select([
      'alert_id',
      (eb) => eb.fn.count<number | string>('conversation_id').distinct().as('n'),
    ])
    .where('alert_id', 'in', alertIds)
    .where('kind', '=', 'post')
    .where('state', '<>', 'failed')
    .groupBy('alert_id')
    .execute();
  for (const r of posted) out[r.alert_id]!.posted = Number(r.n);
  const failed = await db
    .selectFrom('deliveries')
    .leftJoin('conversations', 'conversations.id', 'deliveries.conversation_id')
    .select([
      'deliveries.alert_id',
      'deliveries.conversation_id',
      'deliveries.kind',
      'deliveries.error',
      'conversations.reference_json',
      'conversations.scope',
    ])
    .where('deliveries.alert_id', 'in', alertIds)
    .where('deliveries.state', '=', 'failed')
    .orderBy('deliveries.id')
    .execute();
  for (const r of failed)
    out[r.alert_id]!.failed.push({
      conversationId: r.conversation_id,
      where: conversationLabel({
        id: r.conversation_id,
        reference: JSON.parse(r.reference_json ?? '{}') as Record<string, unknown>,
        scope: (r.scope ?? 'personal') as ConversationRecord['scope'],
      }),
      kind: r.kind,
      error: r.error ?? 'unknown error',
    });
  return out;
}

/**
 * Queues an update of the alert's card wherever it was posted and no update is waiting yet: after
 * an acknowledgement, a snooze, or a delivery that failed for good (the cards say where it failed).
 */
export async function updateEveryCard(tx: Db, alertId: string, now: Date): Promise<void> {
  const cards = (await postedTo(tx, [alertId]))[alertId] ?? [];
  const waiting = new Set(
    (
      await tx
        .selectFrom('deliveries')
        .select('conversation_id')
        .where('alert_id', '=', alertId)
        .where('kind', '=', 'update')
        .where('state', '=', 'pending')
        .execute()
    ).map((r) => r.conversation_id),
  );
  await queueDeliveries(
    tx,
    alertId,
    cards
      .filter((c) => !waiting.has(c))
      .sort()
      .map((conversationId) => ({ conversationId, kind: 'update' as const })),
    now,
  );
}

export async function queueDeliveries(
  tx: Db,
  alertId: string,
  deliveries: Delivery[],
  now: Date,
): Promise<void> {
  for (const d of deliveries)
    await tx
      .insertInto('deliveries')
      .values({
        ...newOutboxRow(now),
        alert_id: alertId,
        conversation_id: d.conversationId,
        kind: d.kind,
        activity_id: null,
      })
      .execute();
}

/** Writes one planned transition and the deliveries the planner chose (the outbox), in `tx`. */
export async function applyAlertTransition(
  tx: Transaction<Database>,
  t: PlannedTransition,
  now: Date,
): Promise<void> {
  const stamp = iso(now);
  const alerts = tx.updateTable('alerts');
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
      return queueDeliveries(tx, id, t.deliveries, now);
    }
    case 'raise':
      await alerts
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
      break;
    case 'refresh':
      await alerts
        .set({
          domains_json: JSON.stringify(t.domains),
          message: t.message,
          remedy: t.remedy,
          updated_at: stamp,
        })
        .where('id', '=', t.alertId)
        .execute();
      break;
    case 'escalate':
      await alerts
        .set({ last_notified_at: stamp, updated_at: stamp })
        .where('id', '=', t.alertId)
        .execute();
      break;
    case 'unsnooze':
      await alerts
        .set({ state: 'open', snoozed_until: null, updated_at: stamp })
        .where('id', '=', t.alertId)
        .execute();
      break;
    case 'resolve':
      await alerts
        .set({ state: 'resolved', resolved_at: stamp, updated_at: stamp })
        .where('id', '=', t.alertId)
        .execute();
      break;
    case 'post':
      break;
  }
  await queueDeliveries(tx, t.alertId, t.deliveries, now);
}
