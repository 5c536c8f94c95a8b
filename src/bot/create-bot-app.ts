import { MessageFactory, type CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import type * as restify from 'restify';
import { CardTemplates } from '../cards/card-templates';
import { renderMessageCard } from '../cards/other-cards';
import type { CheckDependencies } from '../checks/check-domain';
import type { Notifier } from '../alerts/notifier';
import type { Store } from '../store/store';
import { continueAndRethrow } from './continue-and-rethrow';
import { createAdapter, createNotifier } from './proactive';
import type { BotContext } from './bot-context';
import { Metrics } from '../metrics';
import type { Settings } from '../config';
import { makeServer } from '../server';
import { BackgroundWork } from './background-work';
import { FedtrustBot } from './fedtrust-bot';
import { attachment } from './handlers/check-handler';

export interface BotAppOptions {
  settings: Settings;
  logger: Logger;
  checks: CheckDependencies;
  store: Store;
  version: string;
  templates?: CardTemplates;
  clock?: () => Date;
  fastReplyMs?: number;
}

export interface BotApp {
  server: restify.Server;
  adapter: CloudAdapter;
  background: BackgroundWork;
  notifier: Notifier;
  metrics: Metrics;
}

/**
 * Wires the Bot Framework adapter (CloudAdapter with the Bot Framework's own settings), the bot and the
 * HTTP server. Keeping botbuilder behind this and src/bot makes a later move to the Agents SDK contained.
 */
export function createBotApp(options: BotAppOptions): BotApp {
  const { settings, logger } = options;
  const adapter = createAdapter(settings);
  const templates = options.templates ?? new CardTemplates();
  adapter.onTurnError = async (turn, error) => {
    logger.error(
      { err: error, activity: turn.activity.type, conversation: turn.activity.conversation?.id },
      'turn failed',
    );
    const card = renderMessageCard(
      templates,
      'Something went wrong',
      [
        'The error was logged. Try again in a minute; if it keeps failing, tell whoever runs this bot.',
      ],
      'attention',
    );
    await turn.sendActivity(MessageFactory.attachment(attachment(card))).catch(() => undefined);
  };
  const background = new BackgroundWork((error) =>
    logger.error({ err: error }, 'background work failed'),
  );
  const clock = options.clock ?? (() => new Date());
  const metrics = new Metrics(options.store, clock);
  const notifier = createNotifier({
    adapter,
    settings,
    store: options.store,
    templates,
    clock,
    logger,
    version: options.version,
  });
  const context: BotContext = {
    settings,
    checks: options.checks,
    store: options.store,
    templates,
    clock,
    logger,
    version: options.version,
    background,
    fastReplyMs: options.fastReplyMs ?? 2500,
    onChecked: (status) => metrics.countCheck(status),
    deliverSoon: () => background.run(async () => void (await notifier.deliverPending())),
    // A card that cannot be updated later is logged (BackgroundWork), never answered in the chat.
    continueConversation: (reference, logic) =>
      continueAndRethrow(adapter, settings.MicrosoftAppId ?? '', reference, logic),
  };
  const bot = new FedtrustBot(context);

  return {
    server: makeServer({
      adapter,
      bot,
      logger,
      version: options.version,
      store: options.store,
      metrics,
      metricsToken: settings.METRICS_TOKEN,
      collectorToken: settings.COLLECTOR_TOKEN,
      clock,
    }),
    metrics,
    adapter,
    background,
    notifier,
  };
}
