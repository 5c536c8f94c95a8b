import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, readEnvironment } from './config';
import { isAppError } from './errors';
import { createLogger, routeConsoleToLogger } from './logger';
import { runBot } from './run-bot';

const VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** Composition root: settings → the bot process (run-bot.ts) → signals (DESIGN §5). */
async function main(): Promise<void> {
  let settings;
  try {
    settings = loadSettings(readEnvironment(), { server: true });
  } catch (error) {
    if (!isAppError(error, 'CONFIG_INVALID')) throw error;
    process.stderr.write(`fedtrust-bot: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(settings.LOG_LEVEL ?? 'info');
  routeConsoleToLogger(logger);
  let bot;
  try {
    bot = await runBot(settings, logger, { version: VERSION });
  } catch (error) {
    // The store or the job schedule did not answer: say so once and exit non-zero (the platform restarts).
    logger.fatal({ err: error }, `fedtrust-bot could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing started work');
    void bot
      .stop()
      .catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
