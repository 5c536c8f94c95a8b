import { MessageFactory } from 'botbuilder';
import type * as restify from 'restify';
import type { Notifier } from '../alerts/notifier';
import { renderMessageCard } from '../cards/other-cards';
import { composeServices, type ServiceOptions, type Services } from '../compose';
import type { Metrics } from '../metrics';
import { makeServer } from '../server';
import { BackgroundWork } from './background-work';
import type { BotContext } from './bot-context';
import { continueAndRethrow } from './continue-and-rethrow';
import type { FedtrustAdapter } from './fedtrust-adapter';
import { FedtrustBot } from './fedtrust-bot';
import { attachment } from './reply';

export interface BotAppOptions extends ServiceOptions {
  /** How long a turn waits for a check before it answers "checking…" and updates later. */
  fastReplyMs?: number;
}

export interface BotApp {
  server: restify.Server;
  adapter: FedtrustAdapter;
  background: BackgroundWork;
  notifier: Notifier;
  metrics: Metrics;
  services: Services;
}

/**
 * The bot on top of the composed services (src/compose.ts): the Teams activity handler and the HTTP
 * server. Keeping botbuilder behind this and src/bot makes a later move to the Agents SDK contained.
 */
export function createBotApp(options: BotAppOptions): BotApp {
  const services = composeServices(options);
  const { adapter, logger, templates, notifier, metrics, settings, store, clock } = services;
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
  const context: BotContext = {
    settings,
    checks: services.checks,
    store,
    templates,
    clock,
    logger,
    version: services.version,
    background,
    fastReplyMs: options.fastReplyMs ?? 2500,
    deliverSoon: () => background.run(async () => void (await notifier.deliverPending())),
    // A card that cannot be updated later is logged (BackgroundWork), never answered in the chat.
    continueConversation: (reference, logic) =>
      continueAndRethrow(adapter, settings.MicrosoftAppId ?? '', reference, logic),
  };
  return {
    server: makeServer({
      adapter,
      bot: new FedtrustBot(context),
      logger,
      version: services.version,
      store,
      metrics,
      metricsToken: settings.METRICS_TOKEN,
      collectorToken: settings.COLLECTOR_TOKEN,
      clock,
    }),
    metrics,
    adapter,
    background,
    notifier,
    services,
  };
}
