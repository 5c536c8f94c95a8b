/**
 * Acknowledge and snooze: the alert, its audit entry and the card updates everywhere it was
 * posted, in one transaction.
 */
import type { Kysely } from 'kysely';
import { updateEveryCard } from './alert-queries';
import { audit } from './audit-lease-queries';
import type { Database } from './schema';
import { iso } from './sql-helpers';

type Db = Kysely<Database>;

/** The alert's state, read inside the action's transaction; undefined when there is no such alert. */
async function stateOf(tx: Db, id: string): Promise<string | undefined> {
  const row = await tx
    .selectFrom('alerts')
    .select(['state'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.state;
}

export async function acknowledgeAlert(
  db: Db,
  id: string,
  by: { name: string; aadObjectId?: string },
  now: Date,
) {
  return db.transaction().execute(async (tx) => {
    const state = await stateOf(tx, id);
    if (state === undefined) return 'unknown' as const;
    if (state === 'resolved') return 'resolved' as const;
    if (state === 'acknowledged') return 'already' as const;
    await tx
      .updateTable('alerts')
      .set({
        state: 'acknowledged',
        acknowledged_by: by.name,
        acknowledged_by_aad: by.aadObjectId ?? null,
        acknowledged_at: iso(now),
        snoozed_until: null,
        updated_at: iso(now),
      })
      .where('id', '=', id)
      .execute();
    await audit(tx, {
      at: now,
      actor: by.name,
      action: 'acknowledge',
      target: id,
      detail: { aadObjectId: by.aadObjectId },
    });
    await updateEveryCard(tx, id, now);
    return 'acknowledged' as const;
  });
}

export async function snoozeAlert(db: Db, id: string, by: string, until: Date, now: Date) {
  return db.transaction().execute(async (tx) => {
    const state = await stateOf(tx, id);
    if (state === undefined) return 'unknown' as const;
    if (state === 'resolved') return 'resolved' as const;
    await tx
      .updateTable('alerts')
      .set({ state: 'snoozed', snoozed_until: iso(until), updated_at: iso(now) })
      .where('id', '=', id)
      .execute();
    await audit(tx, {
      at: now,
      actor: by,
      action: 'snooze',
      target: id,
      detail: { until: iso(until) },
    });
    await updateEveryCard(tx, id, now);
    return 'snoozed' as const;
  });
}
