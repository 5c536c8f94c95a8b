import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBotApp } from './bot/create-bot-app';
import { createCheckDependencies } from './checks/check-services';
import { loadSettings } from './config';
import { isAppError } from './errors';
import { createLogger } from './logger';
import { start } from './server';
import { runSweep } from './alerts/sweep';
import { startScheduler } from './alerts/scheduler';
import { openStore } from './store/open-store';

const VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** Composition root: settings → adapters → bot → server (DESIGN §5). */
async function main(): Promise<void> {
  let settings;
  try {
    settings = loadSettings(process.env, { server: true });
  } catch (error) {
    if (!isAppError(error, 'CONFIG_INVALID')) throw error;
    process.stderr.write(`fedtrust-bot: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(settings.LOG_LEVEL ?? 'info');
  const store = await openStore(settings.DATABASE_URL);
  const checks = createCheckDependencies(settings, `fedtrust-bot/${VERSION}`, store);
  const app = createBotApp({ settings, logger, checks, store, version: VERSION });
  const stopScheduler = startScheduler({
    cron: settings.SWEEP_CRON,
    sweep: () =>
      runSweep({
        store,
        checks,
        clock: () => new Date(),
        logger,
        escalateAfterHours: settings.ESCALATE_AFTER_HOURS,
      }).then((result) => result.results.forEach((a) => app.metrics.countCheck(a.status))),
    deliver: () => app.notifier.deliverPending(),
    logger,
  });
  const host = settings.localMode ? '127.0.0.1' : '0.0.0.0';
  if (settings.localMode) {
    logger.warn(
      'local mode: MicrosoftAppId is empty, so incoming requests are not authenticated; listening on 127.0.0.1 only',
    );
  }
  if (!settings.graph)
    logger.warn("Graph is not configured: checks run without Entra's side and say so");
  const port = await start(app.server, settings.PORT, host);
  logger.info(
    { port, host, version: VERSION },
    `fedtrust-bot listening on http://${host}:${port}/api/messages`,
  );
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing started work');
    stopScheduler();
    app.server.close();
    void app.background
      .drain()
      .then(() => app.notifier.deliverPending())
      .finally(() => void store.close().finally(() => process.exit(0)));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
