import type { Logger } from 'pino';
import type { Notifier } from './alerts/notifier';
import type { SweepDependencies } from './alerts/sweep';
import type { FedtrustAdapter } from './bot/fedtrust-adapter';
import { createAdapter, createNotifier } from './bot/proactive';
import { CardTemplates } from './cards/card-templates';
import type { CheckDependencies } from './checks/check-domain';
import { createCheckDependencies } from './checks/check-services';
import type { Settings } from './config';
import { Metrics } from './metrics';
import type { Store } from './store/store';

export interface ServiceOptions {
  settings: Settings;
  store: Store;
  logger: Logger;
  version: string;
  /** The one clock every service reads (tests fix it). */
  clock?: () => Date;
  templates?: CardTemplates;
  /** The sources a check reads; built from settings when absent (tests bring stand-ins). */
  checks?: Omit<CheckDependencies, 'metrics'>;
}

/** Everything a bot process, `fedtrust sweep` or a delivery worker runs on, wired once. */
export interface Services {
  settings: Settings;
  store: Store;
  logger: Logger;
  version: string;
  clock: () => Date;
  templates: CardTemplates;
  metrics: Metrics;
  /** The check sources, counting every check they run in `metrics`. */
  checks: CheckDependencies;
  adapter: FedtrustAdapter;
  notifier: Notifier;
  sweep: SweepDependencies;
}

/**
 * The composition root (DESIGN §5, STYLE "Wiring"): settings and a store → the sources, the metrics,
 * the Bot Framework adapter and the notifier, with one clock. src/run-bot.ts adds the bot, the HTTP
 * server and the schedule; the CLI's `sweep` and the tests' delivery worker use it as it is.
 */
export function composeServices(options: ServiceOptions): Services {
  const { settings, store, logger, version } = options;
  const clock = options.clock ?? (() => new Date());
  const templates = options.templates ?? new CardTemplates();
  const metrics = new Metrics(store, clock);
  const checks: CheckDependencies = {
    ...(options.checks ??
      createCheckDependencies(settings, `fedtrust-bot/${version}`, store, clock)),
    metrics,
  };
  const adapter = createAdapter(settings);
  const notifier = createNotifier({
    adapter,
    settings,
    store,
    templates,
    clock,
    logger,
    version,
    onFailed: (reason) => metrics.countFailedDelivery(reason),
  });
  return {
    settings,
    store,
    logger,
    version,
    clock,
    templates,
    metrics,
    checks,
    adapter,
    notifier,
    sweep: { store, checks, clock, logger, escalateAfterHours: settings.ESCALATE_AFTER_HOURS },
  };
}
