import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CheckDependencies } from '../checks/check-domain';
import { AppError } from '../errors';
import { runPool } from '../pool';
import type { LeaseStore } from '../store/store';
import type { PlanningStore } from './sweep-planning';
import type { TargetStore } from './sweep-targets';

/** What a sweep reads and writes: its targets' facts and assessments, alerts, notices, the lease. */
export type SweepStore = TargetStore & PlanningStore & LeaseStore;
import { forPlanning, planSweep, type PlanningTarget } from './sweep-planning';
import { listTargets, oncePerUrl, refreshWatchAllTargets, sweepTarget } from './sweep-targets';

export const SWEEP_LEASE = 'sweep';
/** A lease left by a killed sweep expires within this (DESIGN §7: within 60 s). */
export const SWEEP_LEASE_MS = 60_000;
const CONCURRENCY = 4;

export interface SweepDependencies {
  store: SweepStore;
  checks: CheckDependencies;
  clock: () => Date;
  logger: Logger;
  escalateAfterHours: number;
}

export interface SweepResult {
  domains: number;
  /** Each target's assessment, as much of it as planning reads (its status, findings, certificates). */
  results: PlanningTarget['assessment'][];
  newCertificates: { idpKey: string; thumbprints: string[] }[];
  transitions: number;
}

/**
 * Runs `work` holding the sweep lease (kept alive while it runs), so that no two plannings of alert
 * transitions ever overlap, in this process or another. Throws SWEEP_BUSY when another holds it.
 */
export async function withSweepLease<T>(
  store: LeaseStore,
  clock: () => Date,
  work: () => Promise<T>,
): Promise<T> {
  const holder = randomUUID();
  if (!(await store.acquireLease(SWEEP_LEASE, holder, SWEEP_LEASE_MS, clock()))) {
    throw new AppError(
      'SWEEP_BUSY',
      'another sweep is running (its lease expires within 60 s if it died)',
    );
  }
  const keepAlive = setInterval(
    () => void store.acquireLease(SWEEP_LEASE, holder, SWEEP_LEASE_MS, clock()),
    SWEEP_LEASE_MS / 3,
  );
  try {
    return await work();
  } finally {
    clearInterval(keepAlive);
    await store.releaseLease(SWEEP_LEASE, holder);
  }
}

/**
 * One sweep in this process (the embedded SQLite store, and `fedtrust sweep`): under the sweep lease,
 * assess every watched target with bounded concurrency, store each assessment, then plan the alert
 * transitions and write them with their deliveries. Sending them is the notifier's job. Several
 * replicas on PostgreSQL share the same two phases through pg-boss instead (job-schedule.ts).
 */
export async function runSweep(deps: SweepDependencies): Promise<SweepResult> {
  return withSweepLease(deps.store, deps.clock, async () => {
    const checks: CheckDependencies = {
      ...deps.checks,
      metadata: oncePerUrl(deps.checks.metadata),
      snapshots: deps.checks.snapshots?.once(),
    };
    await refreshWatchAllTargets(deps, deps.checks.graph);
    const work = await listTargets(deps.store, deps.checks.leadDays);
    const results = (
      await runPool(work, CONCURRENCY, async (target) =>
        (await sweepTarget(deps, checks, target)).map(forPlanning),
      )
    ).flat();
    const planned = await planSweep({ ...deps, defaultLeadDays: deps.checks.leadDays }, results);
    deps.logger.info({ domains: work.length, transitions: planned.transitions }, 'sweep done');
    return { domains: work.length, results: results.map((r) => r.assessment), ...planned };
  });
}
