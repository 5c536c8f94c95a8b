import type { Logger } from 'pino';
import { startJobSchedule, type JobTiming } from './alerts/job-schedule';
import { startScheduler } from './alerts/scheduler';
import { runSweep } from './alerts/sweep';
import { createBotApp } from './bot/create-bot-app';
import type { Settings } from './config';
import { start } from './server';
import { jobsSchemaFor, openStore, parseDatabaseUrl } from './store/open-store';

export interface RunningBot {
  port: number;
  /** Stops taking work, finishes started work and queued deliveries, closes the store. */
  stop(): Promise<void>;
}

/**
 * Starts one bot process (DESIGN §5): the store, the composed services and the bot (src/compose.ts,
 * src/bot/create-bot-app.ts), the HTTP server, and the schedule — this process's own cron on SQLite,
 * pg-boss shared with the other replicas on PostgreSQL.
 */
export async function runBot(
  settings: Settings,
  logger: Logger,
  options: { version: string; jobTiming?: Partial<JobTiming> },
): Promise<RunningBot> {
  const store = await openStore(settings.DATABASE_URL, {
    onConnectionError: (error) =>
      logger.warn({ err: error.message }, 'database connection lost; the next query reconnects'),
  });
  const app = createBotApp({ settings, logger, store, version: options.version });
  const { sweep } = app.services;
  const location = parseDatabaseUrl(settings.DATABASE_URL);
  const deliver = () => app.notifier.deliverPending();
  const jobs =
    location.kind === 'postgres'
      ? await startJobSchedule({
          ...sweep,
          store,
          connectionString: location.url,
          schema: jobsSchemaFor(location),
          cron: settings.SWEEP_CRON,
          deliver,
          timing: options.jobTiming,
        })
      : undefined;
  const stopScheduler = startScheduler({
    sweep: jobs
      ? undefined
      : {
          cron: settings.SWEEP_CRON,
          run: () => runSweep(sweep),
        },
    deliver,
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
  let port: number;
  try {
    port = await start(app.server, settings.PORT, host);
  } catch (error) {
    // No server (the port is taken): stop what already started, so the process can exit.
    stopScheduler();
    await jobs?.stop();
    await store.close();
    throw error;
  }
  logger.info(
    { port, host, version: options.version, schedule: jobs ? 'pg-boss' : 'in-process' },
    `fedtrust-bot listening on http://${host}:${port}/api/messages`,
  );
  return {
    port,
    stop: async () => {
      stopScheduler();
      app.server.close();
      await Promise.all([app.background.drain(), jobs?.stop()]);
      await deliver();
      await store.close();
    },
  };
}
