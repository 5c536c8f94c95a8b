import { Cron } from 'croner';
import type { Logger } from 'pino';
import { isAppError } from '../errors';

export interface SchedulerOptions {
  cron: string;
  sweep: () => Promise<unknown>;
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
  const sweep = new Cron(options.cron, { protect: true, catch: true }, async () => {
    try {
      await options.sweep();
    } catch (error) {
      if (isAppError(error, 'SWEEP_BUSY'))
        logger.info('sweep skipped: another sweep holds the lease');
      else logger.error({ err: error }, 'sweep failed');
    }
    await options
      .deliver()
      .catch((error: unknown) => logger.error({ err: error }, 'delivery failed'));
  });
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
    sweep.stop();
    clearInterval(loop);
  };
}
