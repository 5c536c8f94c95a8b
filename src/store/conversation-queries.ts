/**
 * Conversations, their watches and the answers given in them (set autorollover): the Store port's
 * queries.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { iso } from './sql-helpers';
import type { ConversationRecord, Oncall, WatchRecord } from './store';

type Db = Kysely<Database>;

/** A stored watch row, decoded. */
function toWatch(row: Database['watches']): WatchRecord {
  return {
    conversationId: row.conversation_id,
    domain: row.domain,
    metadataUrl: row.metadata_url ?? undefined,
    createdBy: row.created_by ?? undefined,
    createdAt: new Date(row.created_at),
  };
}

export async function upsertConversation(db: Db, r: ConversationRecord, now: Date): Promise<void> {
  const row = {
    id: r.id,
    reference_json: JSON.stringify(r.reference),
    scope: r.scope,
    tenant_id: r.tenantId ?? null,
    active: r.active ? 1 : 0,
    lead_days: r.leadDays ?? null,
    oncall: r.oncall ? JSON.stringify(r.oncall) : null,
    updated_at: iso(now),
  };
  await db
    .insertInto('conversations')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        reference_json: row.reference_json,
        scope: row.scope,
        tenant_id: row.tenant_id,
        active: row.active,
        lead_days: row.lead_days,
        oncall: row.oncall,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function getConversation(db: Db, id: string): Promise<ConversationRecord | undefined> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    reference: JSON.parse(row.reference_json) as Record<string, unknown>,
    scope: row.scope as ConversationRecord['scope'],
    tenantId: row.tenant_id ?? undefined,
    active: row.active === 1,
    leadDays: row.lead_days ?? undefined,
    oncall: parseOncall(row.oncall),
  };
}

export async function setConversationActive(
  db: Db,
  id: string,
  active: boolean,
  now: Date,
): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ active: active ? 1 : 0, updated_at: iso(now) })
    .where('id', '=', id)
    .execute();
}

export async function addWatch(db: Db, w: WatchRecord): Promise<'added' | 'updated'> {
  return db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('watches')
      .select('domain')
      .where('conversation_id', '=', w.conversationId)
      .where('domain', '=', w.domain)
      .executeTakeFirst();
    if (existing) {
      await tx
        .updateTable('watches')
        .set({ metadata_url: w.metadataUrl ?? null })
        .where('conversation_id', '=', w.conversationId)
        .where('domain', '=', w.domain)
        .execute();
      return 'updated';
    }
    await tx
      .insertInto('watches')
      .values({
        conversation_id: w.conversationId,
        domain: w.domain,
        metadata_url: w.metadataUrl ?? null,
        created_by: w.createdBy ?? null,
        created_at: iso(w.createdAt),
      })
      .execute();
    return 'added';
  });
}

export async function removeWatch(
  db: Db,
  conversationId: string,
  domain: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('watches')
    .where('conversation_id', '=', conversationId)
    .where('domain', '=', domain)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listWatches(db: Db, conversationId: string): Promise<WatchRecord[]> {
  const rows = await db
    .selectFrom('watches')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('domain')
    .execute();
  return rows.map((r) => toWatch(r));
}

export async function listActiveWatches(db: Db): Promise<WatchRecord[]> {
  const rows = await db
    .selectFrom('watches')
    .innerJoin('conversations', 'conversations.id', 'watches.conversation_id')
    .selectAll('watches')
    .where('conversations.active', '=', 1)
    .orderBy('watches.domain')
    .execute();
  return rows.map((r) => toWatch(r));
}

export async function setAutoRollover(
  db: Db,
  domain: string,
  value: boolean | undefined,
  by: string | undefined,
  now: Date,
): Promise<void> {
  const auto = value === undefined ? null : value ? 1 : 0;
  await db
    .insertInto('domain_facts')
    .values({ domain, auto_rollover: auto, set_by: by ?? null, set_at: iso(now) })
    .onConflict((oc) =>
      oc
        .column('domain')
        .doUpdateSet({ auto_rollover: auto, set_by: by ?? null, set_at: iso(now) }),
    )
    .execute();
}

export async function getAutoRollover(db: Db, domain: string): Promise<boolean | undefined> {
  const row = await db
    .selectFrom('domain_facts')
    .select('auto_rollover')
    .where('domain', '=', domain)
    .executeTakeFirst();
  return row?.auto_rollover === null || row === undefined ? undefined : row.auto_rollover === 1;
}

/**
 * The stored on-call mention. A value from before mentions were kept (plain text such as "@sre", which
 * notified nobody) reads as unset, so the next re-notification says how to set a real one.
 */
function parseOncall(text: string | null): Oncall | undefined {
  if (!text?.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Oncall>;
    return typeof value.id === 'string' &&
      typeof value.name === 'string' &&
      (value.kind === 'user' || value.kind === 'tag')
      ? { kind: value.kind, id: value.id, name: value.name }
      : undefined;
  } catch {
    return undefined;
  }
}
