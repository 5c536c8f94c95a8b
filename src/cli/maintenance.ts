import { runSweep } from '../alerts/sweep';
import { composeServices } from '../compose';
import type { Settings } from '../config';
import { isAppError } from '../errors';
import { createLogger } from '../logger';
import { describeDatabaseUrl, openStore } from '../store/open-store';
import type { Store } from '../store/store';

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
    const services = composeServices({
      settings,
      store,
      logger: createLogger(settings.LOG_LEVEL ?? 'warn', 2),
      version: io.version,
    });
    const result = await runSweep(services.sweep);
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
