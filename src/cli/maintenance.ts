import type { Logger } from 'pino';
import { runSweep, type SweepResult } from '../alerts/sweep';
import { createCheckDependencies } from '../checks/check-services';
import type * as ComposeModule from '../compose';
import type { Settings } from '../config';
import { isAppError } from '../errors';
import { createLogger } from '../logger';
import { describeDatabaseUrl, openStore } from '../store/open-store';
import type { Store } from '../store/store';

/**
 * One sweep of the store's watches in this process, without the Bot Framework: a sweep of 10,000
 * domains peaks ~40 MB lower without it (issue #14: ≤ 300 MB). Delivery loads it afterwards.
 */
export function sweepNow(
  settings: Settings,
  store: Store,
  logger: Logger,
  version: string,
): Promise<SweepResult> {
  const clock = () => new Date();
  return runSweep({
    store,
    checks: createCheckDependencies(settings, `fedtrust-cli/${version}`, store, clock),
    clock,
    logger,
    escalateAfterHours: settings.ESCALATE_AFTER_HOURS,
  });
}

/** `fedtrust sweep` / `fedtrust migrate` against the bot's store (DESIGN §7): 0 ran, 1 could not. */
export async function runMaintenance(
  command: 'sweep' | 'migrate',
  settings: Settings,
  io: { out: (text: string) => void; err: (text: string) => void; version: string },
): Promise<number> {
  const { out, err } = io;
  let store: Store | undefined;
  try {
    store = await openStore(settings.DATABASE_URL, {
      onConnectionError: (error) => err(`fedtrust: database connection lost (${error.message})`),
    });
    if (command === 'migrate') {
      out(`fedtrust: the store at ${describeDatabaseUrl(settings.DATABASE_URL)} is up to date`);
      return 0;
    }
    const logger = createLogger(settings.LOG_LEVEL ?? 'warn', 2);
    const result = await sweepNow(settings, store, logger, io.version);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only delivery needs the Bot Framework
    const { composeServices } = require('../compose') as typeof ComposeModule;
    const services = composeServices({ settings, store, logger, version: io.version });
    const delivered = await services.notifier.deliverPending(1000);
    const counts = result.results.reduce<Record<string, number>>(
      (c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }),
      {},
    );
    out(
      `swept ${result.domains} domain(s): ${
        Object.entries(counts)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ') || 'nothing watched'
      }; ${result.transitions} alert change(s); delivered ${delivered.sent}, retrying ${delivered.retried}, failed ${delivered.failed}`,
    );
    return 0;
  } catch (error) {
    err(`fedtrust ${command}: ${isAppError(error) ? error.message : (error as Error).message}`);
    return 1;
  } finally {
    await store?.close();
  }
}
