import { Cron } from 'croner';
import type { Logger } from 'pino';
import { isAppError } from '../errors';

export interface SchedulerOptions {
  /** The in-process sweep on SWEEP_CRON; absent when pg-boss schedules sweeps (PostgreSQL). */
  sweep?: { cron: string; run: () => Promise<unknown> };
  deliver: () => Promise<unknown>;
  logger: Logger;
  /** How often queued deliveries (retries, updates after acknowledgement) are sent. */
  deliverEveryMs?: number;
}

/**
 * The in-process schedule: a sweep on SWEEP_CRON (never two at once), then its deliveries; and a
 * short loop that drains the outbox between sweeps. Returns stop().
 */
export function startScheduler(options: SchedulerOptions): () => void {
  const { logger } = options;
  const sweep = options.sweep;
  const cron = sweep
    ? new Cron(sweep.cron, { protect: true, catch: true }, async () => {
        try {
          await sweep.run();
        } catch (error) {
          if (isAppError(error, 'SWEEP_BUSY'))
            logger.info('sweep skipped: another sweep holds the lease');
          else logger.error({ err: error }, 'sweep failed');
        }
        await options
          .deliver()
          .catch((error: unknown) => logger.error({ err: error }, 'delivery failed'));
      })
    : undefined;
  let delivering = false;
  const loop = setInterval(() => {
    if (delivering) return;
    delivering = true;
    options
      .deliver()
      .catch((error: unknown) => logger.error({ err: error }, 'delivery failed'))
      .finally(() => (delivering = false));
  }, options.deliverEveryMs ?? 15_000);
  loop.unref();
  return () => {
    cron?.stop();
    clearInterval(loop);
  };
}
