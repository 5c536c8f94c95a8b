/**
 * A separate process that drains the outbox of the SQLite store given as argv[2], as the bot or
 * `fedtrust sweep` would. The crash-safety test kills it with SIGKILL and starts it again.
 * Usage: deliver-worker.ts <db path> [clock offset ms]
 */
import { composeServices } from '../../src/compose';
import { loadSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openSqliteStore } from '../../src/store/sqlite-store';

async function main(): Promise<void> {
  const store = await openSqliteStore(process.argv[2]!);
  const settings = loadSettings({});
  // argv[3]: milliseconds to add to the clock, so a test can let a dead worker's claims run out.
  const offset = Number(process.argv[3] ?? 0);
  const clock = () => new Date(Date.now() + offset);
  const { notifier } = composeServices({
    settings,
    store,
    clock,
    logger: createLogger('silent'),
    version: 'test',
  });
  const result = await notifier.deliverPending();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await store.close();
}

void main();
