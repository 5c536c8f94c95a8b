import { sql } from 'kysely';
import { isPostgres, type Db } from './sql-helpers';

/** The store's own clock in milliseconds, fixed for the statement: every notifier reads the same one. */
function storeNowMs(db: Db) {
  return isPostgres(db)
    ? sql<number>`(extract(epoch from statement_timestamp()) * 1000)::bigint`
    : sql<number>`cast((julianday('now') - 2440587.5) * 86400000.0 as integer)`;
}

/**
 * Books the next send slot for `key` (a tenant) and returns how many milliseconds to wait for it: slots
 * are `spacingMs` apart in the store's clock, so every notifier of every replica that books through the
 * same store shares one pace (DESIGN §7 "Fan-out"). One upsert, atomic on both dialects — the row is the
 * queue, nobody holds a lock while waiting.
 */
export async function reserveSendSlot(db: Db, key: string, spacingMs: number): Promise<number> {
  const now = storeNowMs(db);
  const greatest = isPostgres(db)
    ? sql<number>`greatest(send_pace.next_at, ${now})`
    : sql<number>`max(send_pace.next_at, ${now})`;
  const row = await db
    .insertInto('send_pace')
    .values({ key, next_at: sql<number>`${now} + ${spacingMs}` })
    .onConflict((oc) => oc.column('key').doUpdateSet({ next_at: sql`${greatest} + ${spacingMs}` }))
    .returning(sql<number | string>`send_pace.next_at - ${spacingMs} - ${now}`.as('wait_ms'))
    .executeTakeFirstOrThrow();
  return Math.max(0, Number(row.wait_ms));
}
