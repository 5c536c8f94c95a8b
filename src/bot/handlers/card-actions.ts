import { TurnContext, type AdaptiveCardInvokeResponse } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card-templates';
import { renderMessageCard } from '../../cards/other-cards';
import { parseDomain } from '../../engine/domain';
import { isOrganizationName } from '../../engine/organization';
import { isObject } from '../../engine/ps-json';
import type { BotContext } from '../bot-context';
import { checkCard, checkingCard } from './check-handler';
import { attachment } from '../reply';
import { exchangeCards } from './exchange-handler';
import { EXCHANGE_KEY } from '../../engine/subject';
import { renderAlertCard } from '../../cards/alert-card';
import { footer } from '../bot-context';
import { actorOf, conversationIdOf, setAutoRollover, watchDomain } from './watch-handlers';

const SNOOZE_HOURS = 24;

/** An alert id from a card, if this conversation may act on it (it watches one of its domains). */
async function alertFor(ctx: BotContext, turn: TurnContext, data: unknown) {
  const id =
    isObject(data) && typeof data.alertId === 'string' && data.alertId.length <= 64
      ? data.alertId
      : undefined;
  const alert = id ? await ctx.store.getAlert(id) : undefined;
  if (!alert) return undefined;
  const watched = new Set(
    (await ctx.store.listWatches(conversationIdOf(turn))).map((w) => w.domain),
  );
  return alert.domains.some((d) => watched.has(d)) ? alert : undefined;
}

async function acknowledge(
  ctx: BotContext,
  turn: TurnContext,
  data: unknown,
): Promise<AdaptiveCard> {
  const alert = await alertFor(ctx, turn, data);
  if (!alert) return invalid(ctx, 'This alert is unknown here.');
  const result = await ctx.store.acknowledgeAlert(alert.id, actorOf(turn), ctx.clock());
  ctx.deliverSoon();
  const updated = (await ctx.store.getAlert(alert.id)) ?? alert;
  if (result === 'resolved')
    return renderAlertCard(ctx.templates, updated, footer(ctx, ctx.clock()));
  return renderAlertCard(ctx.templates, updated, footer(ctx, ctx.clock()));
}

async function snooze(ctx: BotContext, turn: TurnContext, data: unknown): Promise<AdaptiveCard> {
  const alert = await alertFor(ctx, turn, data);
  if (!alert) return invalid(ctx, 'This alert is unknown here.');
  const now = ctx.clock();
  await ctx.store.snoozeAlert(
    alert.id,
    actorOf(turn).name,
    new Date(now.getTime() + SNOOZE_HOURS * 3_600_000),
    now,
  );
  ctx.deliverSoon();
  return renderAlertCard(
    ctx.templates,
    (await ctx.store.getAlert(alert.id)) ?? alert,
    footer(ctx, now),
  );
}

const CARD = 'application/vnd.microsoft.card.adaptive';

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
    (typeof url !== 'string' || !/^https:\/\/\S+$/i.test(url) || url.length > 2048)
  )
    return undefined;
  return url === undefined ? { domain: domain.ascii } : { domain: domain.ascii, metadataUrl: url };
}

function invalid(ctx: BotContext, why: string): AdaptiveCard {
  return renderMessageCard(
    ctx.templates,
    'That card action is not valid',
    [why, 'Nothing was changed.'],
    'attention',
  );
}

/** Re-check on an Exchange card: `exchange` and, optionally, the organisation (validated like the command). */
function parseExchangeActionData(data: unknown): { organization?: string } | undefined {
  if (!isObject(data) || data.domain !== EXCHANGE_KEY) return undefined;
  const org = data.organization;
  if (org === undefined) return {};
  return isOrganizationName(org) ? { organization: org } : undefined;
}

/**
 * Re-check: answers the invoke with the refreshed card (the card updates in place); a slow check
 * answers "checking…" and replaces the card when done.
 */
async function recheck(ctx: BotContext, turn: TurnContext, data: unknown): Promise<AdaptiveCard> {
  const exchange = parseExchangeActionData(data);
  const domain = exchange ? undefined : parseCheckActionData(data);
  if (!exchange && !domain) return invalid(ctx, 'The card did not say which domain to check.');
  const name = domain?.domain ?? EXCHANGE_KEY;
  await ctx.store.audit({
    at: ctx.clock(),
    actor: actorOf(turn).name,
    action: 'recheck',
    target: name,
    detail: { conversationId: conversationIdOf(turn) },
  });
  const work = domain
    ? checkCard(ctx, domain.domain, domain.metadataUrl)
    : exchangeCards(ctx, exchange?.organization).then((cards) => cards[0]!);
  const fast = await Promise.race([
    work,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), ctx.fastReplyMs)),
  ]);
  if (fast) return fast;
  const cardId = turn.activity.replyToId;
  const reference = TurnContext.getConversationReference(turn.activity);
  ctx.background.run(async () => {
    const card = await work;
    await ctx.continueConversation(reference, async (later) => {
      await later.updateActivity({ id: cardId, type: 'message', attachments: [attachment(card)] });
    });
  });
  return checkingCard(ctx, name);
}

/** Dispatches an Action.Execute verb (DESIGN §4 "Card action verbs"). */
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
      if (parseExchangeActionData(data)) return watchDomain(ctx, turn, { kind: 'exchange' });
      const target = parseCheckActionData(data);
      if (!target) return invalid(ctx, 'The card did not say which domain to watch.');
      return watchDomain(ctx, turn, { kind: 'domain', ...target });
    }
    case 'ack':
      return acknowledge(ctx, turn, data);
    case 'snooze':
      return snooze(ctx, turn, data);
    case 'autorollover': {
      const target = parseCheckActionData(data);
      const value = isObject(data) ? data.value : undefined;
      if (!target || (value !== 'on' && value !== 'off'))
        return invalid(ctx, 'The card did not say on or off.');
      return setAutoRollover(ctx, turn, target.domain, value === 'on');
    }
    default:
      return invalid(ctx, 'This card has no action with that name.');
  }
}

export function invokeResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: CARD,
    value: card,
  };
}
