/**
 * One bot replica for the scale-out test: the real composition (run-bot.ts) from the environment,
 * with pg-boss timings shortened so a killed replica's jobs come back within seconds, not minutes.
 * Prints one line, `READY <port>`, when it listens.
 */
import { loadSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { runBot } from '../../src/run-bot';

async function main(): Promise<void> {
  const settings = loadSettings(process.env);
  const logger = createLogger('warn', 2);
  const bot = await runBot(settings, logger, {
    // Shows in the User-Agent of its requests, so the test knows which replica is mid-fetch.
    version: process.env.REPLICA_NAME ?? 'test',
    jobTiming: {
      targetExpireSeconds: 4,
      maintenanceIntervalSeconds: 1,
      pollingIntervalSeconds: 0.5,
      fallbackFinishSeconds: 120,
    },
  });
  process.stdout.write(`READY ${bot.port}\n`);
  process.once('SIGTERM', () => void bot.stop().finally(() => process.exit(0)));
}

void main();
