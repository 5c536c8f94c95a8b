import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { iso } from './sql-helpers';

type Db = Kysely<Database>;

/** Records a shared sweep and how many targets it has (idempotent: a retried plan job changes nothing). */
export async function startSweepRun(db: Db, id: string, total: number, now: Date): Promise<void> {
  await db
    .insertInto('sweep_runs')
    .values({ id, started_at: iso(now), total, finished_at: null })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * Marks one target of a run done (a retried job counts once) and says whether every target is:
 * the job that completes the last target starts the run's planning.
 */
export async function completeSweepTarget(
  db: Db,
  runId: string,
  targetKey: string,
  now: Date,
): Promise<{ done: number; total: number }> {
  await db
    .insertInto('sweep_run_targets')
    .values({ run_id: runId, target_key: targetKey, done_at: iso(now) })
    .onConflict((oc) => oc.columns(['run_id', 'target_key']).doNothing())
    .execute();
  const run = await db
    .selectFrom('sweep_runs')
    .select('total')
    .where('id', '=', runId)
    .executeTakeFirst();
  const count = await db
    .selectFrom('sweep_run_targets')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return { done: Number(count.n), total: run?.total ?? 0 };
}

/** Marks a run planned; false when it already was (a second finish job does nothing). */
export async function finishSweepRun(db: Db, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('sweep_runs')
    .set({ finished_at: iso(now) })
    .where('id', '=', id)
    .where('finished_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
