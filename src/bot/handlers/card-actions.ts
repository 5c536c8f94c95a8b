import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { renderAlertCard } from '../../cards/alert-card';
import type { AdaptiveCard } from '../../cards/card-templates';
import {
  renderAutoRolloverCard,
  renderInvalidActionCard,
  renderWatchCard,
} from '../../cards/confirmation-cards';
import { parseDomain } from '../../engine/domain';
import { isOrganizationName } from '../../engine/organization';
import { isObject } from '../../engine/ps-json';
import { EXCHANGE_KEY, type WatchTarget } from '../../engine/subject';
import { acknowledge, snooze } from '../../use-cases/alert-actions';
import { setAutoRollover } from '../../use-cases/conversation-settings';
import { recordRecheck, watch } from '../../use-cases/watching';
import { footer, type BotContext } from '../bot-context';
import { checkCard, checkingCard, exchangeCards } from '../check-cards';
import { answerWhenReady } from '../reply';
import { callerOf } from '../turn-facts';

const CARD = 'application/vnd.microsoft.card.adaptive';
const MAX_URL_LENGTH = 2048;

/** The data a check card's Re-check and Watch carry, validated: a forged action changes nothing. */
export function parseCheckActionData(
  data: unknown,
): { domain: string; metadataUrl?: string } | undefined {
  if (!isObject(data)) return undefined;
  const domain = typeof data.domain === 'string' ? parseDomain(data.domain) : undefined;
  if (!domain?.ok) return undefined;
  const url = data.metadataUrl;
  if (
    url !== undefined &&
    (typeof url !== 'string' || !/^https:\/\/\S+$/i.test(url) || url.length > MAX_URL_LENGTH)
  )
    return undefined;
  return url === undefined ? { domain: domain.ascii } : { domain: domain.ascii, metadataUrl: url };
}

/** Re-check on an Exchange card: `exchange` and, optionally, the organisation (validated like the command). */
function parseExchangeActionData(data: unknown): { organization?: string } | undefined {
  if (!isObject(data) || data.domain !== EXCHANGE_KEY) return undefined;
  const org = data.organization;
  if (org === undefined) return {};
  return isOrganizationName(org) ? { organization: org } : undefined;
}

/** What a Re-check or Watch button names: a domain (with its URL) or the Exchange trust. */
function parseTargetData(
  data: unknown,
): { target: WatchTarget; organization?: string } | undefined {
  const exchange = parseExchangeActionData(data);
  if (exchange) return { target: { kind: 'exchange' }, ...exchange };
  const domain = parseCheckActionData(data);
  return domain ? { target: { kind: 'domain', ...domain } } : undefined;
}

/**
 * Re-check: answers the invoke with the refreshed card (the card updates in place); a slow check
 * answers "checking…" and replaces the card when done.
 */
async function recheck(ctx: BotContext, turn: TurnContext, data: unknown): Promise<AdaptiveCard> {
  const asked = parseTargetData(data);
  if (!asked)
    return renderInvalidActionCard(ctx.templates, 'The card did not say which domain to check.');
  const { target } = asked;
  await recordRecheck(ctx, callerOf(turn), target);
  const work =
    target.kind === 'domain'
      ? checkCard(ctx, target.domain, target.metadataUrl)
      : exchangeCards(ctx, asked.organization).then((cards) => cards[0]!);
  return answerWhenReady(
    ctx,
    turn,
    work,
    checkingCard(ctx, target.kind === 'domain' ? target.domain : EXCHANGE_KEY),
  );
}

/** Acknowledge / Snooze: only from a conversation that watches the alert; every posted card updates. */
async function alertAction(
  ctx: BotContext,
  turn: TurnContext,
  act: typeof acknowledge,
  data: unknown,
): Promise<AdaptiveCard> {
  const alert = await act(ctx, callerOf(turn), isObject(data) ? data.alertId : undefined);
  if (!alert) return renderInvalidActionCard(ctx.templates, 'This alert is unknown here.');
  ctx.deliverSoon();
  return renderAlertCard(ctx.templates, alert, footer(ctx, ctx.clock()));
}

/** Dispatches a card verb (DESIGN §4 "Card action verbs"), from Action.Execute or Action.Submit. */
export async function handleCardAction(
  ctx: BotContext,
  turn: TurnContext,
  verb: string | undefined,
  data: unknown,
): Promise<AdaptiveCard> {
  switch (verb) {
    case 'recheck':
      return recheck(ctx, turn, data);
    case 'watch': {
      const asked = parseTargetData(data);
      if (!asked)
        return renderInvalidActionCard(
          ctx.templates,
          'The card did not say which domain to watch.',
        );
      const result = await watch(ctx, callerOf(turn), asked.target);
      return renderWatchCard(ctx.templates, asked.target, result);
    }
    case 'ack':
      return alertAction(ctx, turn, acknowledge, data);
    case 'snooze':
      return alertAction(ctx, turn, snooze, data);
    case 'autorollover': {
      const target = parseCheckActionData(data);
      const value = isObject(data) ? data.value : undefined;
      if (!target || (value !== 'on' && value !== 'off'))
        return renderInvalidActionCard(ctx.templates, 'The card did not say on or off.');
      await setAutoRollover(ctx, callerOf(turn), target.domain, value === 'on');
      return renderAutoRolloverCard(ctx.templates, target.domain, value === 'on');
    }
    default:
      return renderInvalidActionCard(ctx.templates, 'This card has no action with that name.');
  }
}

export function invokeResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: CARD, value: card };
}

/** Verbs answered in a new message: the card pressed stays as it was (a check card keeps its timeline). */
export const ANSWERED_BESIDE = new Set(['watch']);

/** An invoke answer that leaves the pressed card alone and shows `text` briefly (Teams' message type). */
export function invokeMessage(text: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    value: text as unknown as Record<string, unknown>, // Teams takes a string for this type
  };
}
