/**
 * The audit log and the leases processes compete for (one planning of alert transitions at a
 * time).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { iso } from './sql-helpers';
import type { AuditEntry } from './store';

type Db = Kysely<Database>;

export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      at: iso(e.at),
      actor: e.actor ?? null,
      action: e.action,
      target: e.target ?? null,
      detail_json: e.detail === undefined ? null : JSON.stringify(e.detail),
    })
    .execute();
}

export async function auditTrail(db: Db, target: string): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('target', '=', target)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({
    at: new Date(r.at),
    actor: r.actor ?? undefined,
    action: r.action,
    target: r.target ?? undefined,
    detail: r.detail_json === null ? undefined : (JSON.parse(r.detail_json) as unknown),
  }));
}

export async function acquireLease(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  now: Date,
): Promise<boolean> {
  const expires = iso(new Date(now.getTime() + ttlMs));
  await db
    .insertInto('leases')
    .values({ name, holder, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: expires })
        .where((eb) =>
          eb.or([eb('leases.expires_at', '<=', iso(now)), eb('leases.holder', '=', holder)]),
        ),
    )
    .execute();
  const row = await db
    .selectFrom('leases')
    .select('holder')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}
