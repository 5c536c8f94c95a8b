import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { CheckDependencies } from '../checks/check-domain';
import { isAppError } from '../errors';
import type { SweepRunStore } from '../store/store';
import type { SweepStore } from './sweep';
import { withSweepLease } from './sweep';
import { planSweep } from './sweep-planning';
import {
  listTargets,
  refreshWatchAllTargets,
  storedResults,
  sweepTarget,
  targetKey,
  type Target,
} from './sweep-targets';

/** The three queues of a shared sweep: plan (on SWEEP_CRON) → one job per target → finish (planning). */
export const QUEUES = {
  plan: 'fedtrust-sweep-plan',
  target: 'fedtrust-sweep-target',
  finish: 'fedtrust-sweep-finish',
} as const;

/** Seconds; tests shorten them so a killed replica's jobs come back quickly. */
export interface JobTiming {
  /** An active target job not completed within this is retried by another replica. */
  targetExpireSeconds: number;
  /** How often pg-boss looks for expired jobs. */
  maintenanceIntervalSeconds: number;
  pollingIntervalSeconds: number;
  /** The finish job that runs even when a target job failed for good. */
  fallbackFinishSeconds: number;
}

export const DEFAULT_TIMING: JobTiming = {
  targetExpireSeconds: 120,
  maintenanceIntervalSeconds: 30,
  pollingIntervalSeconds: 2,
  fallbackFinishSeconds: 900,
};

export interface JobScheduleOptions {
  connectionString: string;
  /** pg-boss's own schema. */
  schema: string;
  cron: string;
  store: SweepStore & SweepRunStore;
  checks: CheckDependencies;
  clock: () => Date;
  logger: Logger;
  escalateAfterHours: number;
  /** Sends the outbox (after a run is planned). */
  deliver: () => Promise<unknown>;
  /** Target jobs this replica works on at once. */
  concurrency?: number;
  timing?: Partial<JobTiming>;
}

export interface JobSchedule {
  /** Queues a sweep now (what the cron does on SWEEP_CRON); resolves with its run id. */
  sweepNow(): Promise<string | null>;
  /** Stops taking jobs and waits for the active ones. */
  stop(): Promise<void>;
}

interface TargetJob {
  runId: string;
  target: Target;
}

interface FinishJob {
  runId: string;
}

/**
 * Creates the queues if they are missing. Replicas starting together race in pg-boss's create_queue
 * (a PostgreSQL deadlock, 40P01, for one of them): the loser tries again, and finds them made.
 */
async function ensureQueues(boss: PgBoss, timing: JobTiming): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createQueues(boss, timing);
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt * (1 + Math.random())));
    }
  }
}

async function createQueues(boss: PgBoss, timing: JobTiming): Promise<void> {
  // One plan at a time; target jobs retried with backoff (and again when a replica dies: expiry);
  // one finish at a time, so two plannings never race.
  await boss.createQueue(QUEUES.plan, { name: QUEUES.plan, policy: 'singleton', retryLimit: 2 });
  await boss.createQueue(QUEUES.target, {
    name: QUEUES.target,
    retryLimit: 3,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: timing.targetExpireSeconds,
  });
  await boss.createQueue(QUEUES.finish, {
    name: QUEUES.finish,
    policy: 'singleton',
    retryLimit: 10,
    retryDelay: 5,
  });
}

/**
 * The schedule shared by several replicas on PostgreSQL (DESIGN §5, §7), on pg-boss: the cron fires
 * once per SWEEP_CRON tick whichever replicas run; the plan job queues one job per watched target,
 * which any free replica takes and retries on failure; the job that completes a run's last target
 * queues its planning, which runs once under the sweep lease. Alert de-duplication stays where it is:
 * one live alert per (IdP, certificate, rule) and its deliveries in one transaction.
 */
export async function startJobSchedule(options: JobScheduleOptions): Promise<JobSchedule> {
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const { store, clock, logger } = options;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: options.schema,
    maintenanceIntervalSeconds: timing.maintenanceIntervalSeconds,
    max: 4,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job schedule error'));
  await boss.start();
  await ensureQueues(boss, timing);

  const finish = async (runId: string): Promise<void> => {
    // Planning twice is harmless (the second finds nothing new to do), so a run is marked planned only
    // after it was: a replica that dies while planning leaves the job to be retried elsewhere.
    await withSweepLease(store, clock, async () => {
      const work = await listTargets(store, options.checks.leadDays);
      const planned = await planSweep(
        {
          store,
          clock,
          escalateAfterHours: options.escalateAfterHours,
          defaultLeadDays: options.checks.leadDays,
        },
        await storedResults(store, work, options.checks.mfgMetadataUrl),
      );
      const first = await store.finishSweepRun(runId, clock());
      logger.info(
        { runId, targets: work.length, transitions: planned.transitions, first },
        'sweep done',
      );
    });
    await options.deliver();
  };

  await boss.work(
    QUEUES.plan,
    { pollingIntervalSeconds: timing.pollingIntervalSeconds },
    async ([job]) => {
      if (!job) return;
      await refreshWatchAllTargets({ store, clock, logger }, options.checks.graph);
      const work = await listTargets(store, options.checks.leadDays);
      await store.startSweepRun(job.id, work.length, clock());
      await boss.insert(
        work.map((target) => ({
          name: QUEUES.target,
          data: { runId: job.id, target } satisfies TargetJob,
          singletonKey: `${job.id}|${targetKey(target)}`,
        })),
      );
      // The run is planned when its last target is done; this one plans it anyway if a target never is.
      await boss.send(QUEUES.finish, { runId: job.id } satisfies FinishJob, {
        singletonKey: `${job.id}|fallback`,
        startAfter: work.length === 0 ? 0 : timing.fallbackFinishSeconds,
      });
      logger.info({ runId: job.id, targets: work.length }, 'sweep queued');
    },
  );

  // One worker per replica takes up to `concurrency` target jobs at a time and checks them in parallel;
  // a job that fails goes back for a retry on its own, the others complete.
  const sweepJob = async (job: PgBoss.Job<TargetJob>): Promise<void> => {
    const { runId, target } = job.data;
    await sweepTarget({ store, clock }, options.checks, target);
    const { done, total } = await store.completeSweepTarget(runId, targetKey(target), clock());
    if (done >= total)
      await boss.send(QUEUES.finish, { runId } satisfies FinishJob, { singletonKey: runId });
  };
  await boss.work<TargetJob>(
    QUEUES.target,
    { pollingIntervalSeconds: timing.pollingIntervalSeconds, batchSize: options.concurrency ?? 8 },
    async (batch) => {
      const outcomes = await Promise.allSettled(batch.map(sweepJob));
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.status === 'fulfilled') continue;
        logger.error({ err: outcome.reason, target: batch[i]!.data.target }, 'sweep job failed');
        await boss.fail(QUEUES.target, batch[i]!.id, { message: String(outcome.reason) });
      }
    },
  );

  await boss.work<FinishJob>(
    QUEUES.finish,
    { pollingIntervalSeconds: timing.pollingIntervalSeconds },
    async ([job]) => {
      if (!job) return;
      try {
        await finish(job.data.runId);
      } catch (error) {
        // Another planning holds the lease (a `fedtrust sweep`): pg-boss retries this job shortly.
        if (isAppError(error, 'SWEEP_BUSY'))
          logger.info({ runId: job.data.runId }, 'planning waits for the sweep lease');
        throw error;
      }
    },
  );
  await boss.schedule(QUEUES.plan, options.cron, {}, { tz: 'UTC' });

  return {
    sweepNow: () => boss.send(QUEUES.plan, {}),
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 30_000 }),
  };
}
