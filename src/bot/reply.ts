import {
  CardFactory,
  MessageFactory,
  TurnContext,
  type Activity,
  type Attachment,
} from 'botbuilder';
import type { AdaptiveCard } from '../cards/card-templates';
import { cardSummary } from '../cards/every-client';
import type { BotContext } from './bot-context';

type ReplyContext = Pick<BotContext, 'fastReplyMs' | 'background' | 'continueConversation'>;

/** An Adaptive Card as a message attachment. */
export function attachment(card: AdaptiveCard): Attachment {
  return CardFactory.adaptiveCard(card);
}

/**
 * A card as a message, with the `summary` Teams shows in notifications and the activity feed
 * (DESIGN §9): the card's banner in words.
 */
export function cardMessage(card: AdaptiveCard): Partial<Activity> {
  return { ...MessageFactory.attachment(attachment(card)), summary: cardSummary(card) };
}

/** Sends a card as a new message in the turn's conversation; returns its activity id. */
export async function sendCard(turn: TurnContext, card: AdaptiveCard): Promise<string | undefined> {
  return (await turn.sendActivity(cardMessage(card)))?.id;
}

/** `work`'s value if it settles within `ms` (its error if it fails first); the timer never outlives it. */
function settleWithin<T>(work: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve({ value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Replaces the card `activityId` of the turn's conversation, also after the turn has ended. */
export function cardUpdater(
  ctx: ReplyContext,
  turn: TurnContext,
  activityId: string | undefined,
): (card: AdaptiveCard) => Promise<void> {
  const reference = TurnContext.getConversationReference(turn.activity);
  return (card) =>
    ctx.continueConversation(reference, async (later) => {
      await later.updateActivity({ ...cardMessage(card), id: activityId, type: 'message' });
    });
}

/**
 * Replaces the card `activityId` with `work`'s card once it is ready, outside the turn (tracked
 * background work: a failure is logged, never posted in the chat).
 */
export function updateWhenReady(
  ctx: ReplyContext,
  turn: TurnContext,
  activityId: string | undefined,
  work: Promise<AdaptiveCard>,
): void {
  const update = cardUpdater(ctx, turn, activityId);
  ctx.background.run(async () => update(await work));
}

/** Posts `work`'s cards as new messages once they are ready, outside the turn. */
export function sendWhenReady(
  ctx: ReplyContext,
  turn: TurnContext,
  work: Promise<AdaptiveCard[]>,
): void {
  const reference = TurnContext.getConversationReference(turn.activity);
  ctx.background.run(async () => {
    const cards = await work;
    if (cards.length === 0) return;
    await ctx.continueConversation(reference, async (later) => {
      for (const card of cards) await sendCard(later, card);
    });
  });
}

/**
 * Answers with the card when the work is fast; otherwise posts `placeholder` at once and replaces it in
 * place when the work is done (so the turn answers Teams within its time limit). The placeholder is
 * rendered only when it is posted.
 */
export async function replyWhenReady(
  ctx: ReplyContext,
  turn: TurnContext,
  work: Promise<AdaptiveCard>,
  placeholder: () => AdaptiveCard,
): Promise<void> {
  const fast = await settleWithin(work, ctx.fastReplyMs);
  if (fast) {
    await sendCard(turn, fast.value);
    return;
  }
  updateWhenReady(ctx, turn, await sendCard(turn, placeholder()), work);
}

/**
 * A card action's answer (the invoke response replaces the card the button was on): the card when the
 * work is fast; otherwise `placeholder` now, and the pressed card replaced in place when done.
 */
export async function answerWhenReady(
  ctx: ReplyContext,
  turn: TurnContext,
  work: Promise<AdaptiveCard>,
  placeholder: AdaptiveCard,
): Promise<AdaptiveCard> {
  const fast = await settleWithin(work, ctx.fastReplyMs);
  if (fast) return fast.value;
  updateWhenReady(ctx, turn, turn.activity.replyToId, work);
  return placeholder;
}
