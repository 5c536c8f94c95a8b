import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { FedtrustAdapter } from './fedtrust-adapter';
import type { Logger } from 'pino';
import { Notifier } from '../alerts/notifier';
import { renderAlertCard } from '../cards/alert-card';
import type { CardTemplates } from '../cards/card-templates';
import { renderMessageCard } from '../cards/other-cards';
import type { Settings } from '../config';
import type { NotifierDependencies } from '../alerts/notifier';
import { footer } from './bot-context';
import { createTeamsSender } from './teams-sender';

/** The Bot Framework adapter from the Bot Framework's own settings (local mode: no identity). */
export function createAdapter(settings: Settings): FedtrustAdapter {
  return new FedtrustAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: settings.MicrosoftAppId ?? '',
      MicrosoftAppPassword: settings.MicrosoftAppPassword ?? '',
      // Local mode has no identity at all; the Bot Framework only accepts that as MultiTenant.
      MicrosoftAppType: settings.localMode ? 'MultiTenant' : settings.MicrosoftAppType,
      MicrosoftAppTenantId: settings.MicrosoftAppTenantId ?? '',
    }),
  );
}

/** The notifier that posts alert cards to Teams (the bot's, and `fedtrust sweep`'s). */
export function createNotifier(options: {
  adapter: FedtrustAdapter;
  settings: Settings;
  store: NotifierDependencies['store'];
  templates: CardTemplates;
  clock: () => Date;
  logger: Logger;
  version: string;
  onFailed?: (reason: string) => void;
  /** How long a send waits for the Connector's answer (default SEND_TIMEOUT_MS). */
  sendTimeoutMs?: number;
}): Notifier {
  return new Notifier({
    store: options.store,
    sender: createTeamsSender(options.adapter, options.settings.MicrosoftAppId ?? ''),
    renderCard: (alert) =>
      renderAlertCard(options.templates, alert, footer(options, options.clock())),
    renderNotice: (title, lines) => renderMessageCard(options.templates, title, lines, 'accent'),
    clock: options.clock,
    logger: options.logger,
    onFailed: options.onFailed,
    ...(options.sendTimeoutMs === undefined ? {} : { sendTimeoutMs: options.sendTimeoutMs }),
  });
}
