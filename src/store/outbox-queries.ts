import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { iso, isPostgres, newOutboxRow, type Db } from './sql-helpers';
import type { Database } from './schema';
import type { DeliveryRecord, NoticeDelivery, NoticeRequest } from './store';

function toDelivery(r: Database['deliveries']): DeliveryRecord {
  return {
    id: r.id,
    alertId: r.alert_id,
    conversationId: r.conversation_id,
    kind: r.kind as DeliveryRecord['kind'],
    state: 'pending',
    activityId: r.activity_id ?? undefined,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    createdAt: new Date(r.created_at),
  };
}

/** Notice deliveries with their notice's text. */
function noticeRows(db: Db) {
  return db
    .selectFrom('notice_deliveries')
    .innerJoin('notices', 'notices.id', 'notice_deliveries.notice_id')
    .select([
      'notice_deliveries.id',
      'notice_deliveries.conversation_id',
      'notice_deliveries.attempts',
      'notice_deliveries.created_at',
      'notices.title',
      'notices.lines_json',
    ]);
}

function toNotice(r: {
  id: string;
  conversation_id: string;
  attempts: number;
  created_at: string;
  title: string;
  lines_json: string;
}): NoticeDelivery {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    attempts: r.attempts,
    createdAt: new Date(r.created_at),
    title: r.title,
    lines: JSON.parse(r.lines_json) as string[],
  };
}

/**
 * The outbox: alert deliveries and notice deliveries, each written before it is sent and marked after.
 */
export async function pendingDeliveries(
  db: Db,
  now: Date,
  limit: number,
): Promise<DeliveryRecord[]> {
  const rows = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', iso(now))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

export async function markDelivered(
  db: Db,
  id: string,
  activityId: string | undefined,
  now: Date,
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({
      state: 'sent',
      activity_id: activityId ?? null,
      sent_at: iso(now),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
}

export async function postedActivityId(
  db: Db,
  alertId: string,
  conversationId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('deliveries')
    .select('activity_id')
    .where('alert_id', '=', alertId)
    .where('conversation_id', '=', conversationId)
    .where('kind', '=', 'post')
    .where('state', '=', 'sent')
    .executeTakeFirst();
  return row?.activity_id ?? undefined;
}

/** Active conversations watching any of the names (a notice's recipients), narrowed as asked. */
async function watchers(tx: Db, n: NoticeRequest): Promise<string[]> {
  if (n.domains.length === 0) return [];
  let query = tx
    .selectFrom('watches')
    .innerJoin('conversations', 'conversations.id', 'watches.conversation_id')
    .select('watches.conversation_id')
    .distinct()
    .where('conversations.active', '=', 1)
    .where('watches.domain', 'in', n.domains);
  if (n.tenantId !== undefined) query = query.where('conversations.tenant_id', '=', n.tenantId);
  if (n.exceptConversationId !== undefined)
    query = query.where('conversations.id', '<>', n.exceptConversationId);
  return (await query.execute()).map((r) => r.conversation_id).sort();
}

export async function queueNotice(db: Db, n: NoticeRequest, now: Date): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const conversations = await watchers(tx, n);
    if (conversations.length === 0) return 0;
    const id = randomUUID();
    await tx
      .insertInto('notices')
      .values({
        id,
        idp_key: n.idpKey,
        title: n.title,
        lines_json: JSON.stringify(n.lines),
        created_at: iso(now),
      })
      .execute();
    for (const conversation of conversations) {
      await tx
        .insertInto('notice_deliveries')
        .values({ ...newOutboxRow(now), notice_id: id, conversation_id: conversation })
        .execute();
    }
    return conversations.length;
  });
}

export async function pendingNotices(db: Db, now: Date, limit: number): Promise<NoticeDelivery[]> {
  const rows = await noticeRows(db)
    .where('notice_deliveries.state', '=', 'pending')
    .where('notice_deliveries.next_attempt_at', '<=', iso(now))
    .orderBy('notice_deliveries.id')
    .limit(limit)
    .execute();
  return rows.map(toNotice);
}

export async function markNoticeSent(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('notice_deliveries')
    .set((eb) => ({ state: 'sent', sent_at: iso(now), attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** A failed send: retried at `retryAt`, or failed for good without one. Both outbox tables. */
export async function markFailed(
  db: Db,
  table: 'deliveries' | 'notice_deliveries',
  id: string,
  error: string,
  retryAt: Date | undefined,
): Promise<void> {
  await db
    .updateTable(table)
    .set((eb) => ({
      state: retryAt ? 'pending' : 'failed',
      error,
      attempts: eb('attempts', '+', 1),
      ...(retryAt ? { next_attempt_at: iso(retryAt) } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

/** How long a claim lasts: a notifier that died while sending loses its rows to the next one after this. */
export const CLAIM_MS = 2 * 60_000;

/**
 * Claims up to `limit` due rows of an outbox table for one notifier: pending and due, or claimed by a
 * notifier whose claim ran out. The conditional UPDATE is what makes it safe: under concurrent claims
 * (several replicas on PostgreSQL) a row goes to exactly one of them. Rows of a conversation another
 * notifier is serving (it holds a live claim there) are left to it, so one conversation is paced by
 * one notifier within Teams' per-thread limits — unless two claim in the very same instant, when
 * Teams' 429 is retried like any other.
 */
export async function claimDue(
  db: Db,
  table: 'deliveries' | 'notice_deliveries',
  now: Date,
  limit: number,
): Promise<string[]> {
  const at = iso(now);
  const due = sql<boolean>`((state = 'pending' and next_attempt_at <= ${at}) or (state = 'sending' and claimed_until <= ${at}))
    and not exists (select 1 from ${sql.table(table)} as busy
      where busy.conversation_id = ${sql.ref(`${table}.conversation_id`)}
        and busy.state = 'sending' and busy.claimed_until > ${at})`;
  return db.transaction().execute(async (tx) => {
    let query = tx
      .selectFrom(table)
      .select('id')
      .where(due)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit);
    // PostgreSQL: rows another replica is claiming right now are skipped, not waited for and lost.
    if (isPostgres(tx)) query = query.forUpdate().skipLocked();
    const candidates = await query.execute();
    if (candidates.length === 0) return [];
    const claimed = await tx
      .updateTable(table)
      .set({ state: 'sending', claimed_until: iso(new Date(now.getTime() + CLAIM_MS)) })
      .where(
        'id',
        'in',
        candidates.map((c) => c.id),
      )
      .where(due)
      .returning('id')
      .execute();
    const ids = new Set(claimed.map((c) => c.id));
    return candidates.map((c) => c.id).filter((id) => ids.has(id));
  });
}

export async function deliveriesById(db: Db, ids: string[]): Promise<DeliveryRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('deliveries').selectAll().where('id', 'in', ids).execute();
  return rows.map(toDelivery);
}

export async function noticesById(db: Db, ids: string[]): Promise<NoticeDelivery[]> {
  if (ids.length === 0) return [];
  const rows = await noticeRows(db).where('notice_deliveries.id', 'in', ids).execute();
  return rows.map(toNotice);
}
