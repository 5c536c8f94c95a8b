import { TurnContext, type AdaptiveCardInvokeResponse } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card-templates';
import { renderMessageCard } from '../../cards/other-cards';
import { parseDomain } from '../../engine/domain';
import { isObject } from '../../engine/ps-json';
import type { BotContext } from '../bot-context';
import { attachment, checkCard, checkingCard } from './check-handler';

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

/**
 * Re-check: answers the invoke with the refreshed card (the card updates in place); a slow check
 * answers "checking…" and replaces the card when done.
 */
async function recheck(ctx: BotContext, turn: TurnContext, data: unknown): Promise<AdaptiveCard> {
  const target = parseCheckActionData(data);
  if (!target) return invalid(ctx, 'The card did not say which domain to check.');
  const work = checkCard(ctx, target.domain, target.metadataUrl);
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
  return checkingCard(ctx, target.domain);
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
      const target = parseCheckActionData(data);
      if (!target) return invalid(ctx, 'The card did not say which domain to watch.');
      return renderMessageCard(
        ctx.templates,
        `Watching ${target.domain} is not available yet`,
        [
          'Scheduled checks and proactive alerts arrive in the next release of fedtrust.',
          `Until then, run check fedtrust ${target.domain} when you need it, or schedule fedtrust check ${target.domain} in your monitoring system (Nagios exit codes).`,
        ],
        'warning',
      );
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
