import type { TurnContext } from 'botbuilder';
import type { BotContext } from '../bot-context';
import { checkingCard, exchangeCards } from '../check-cards';
import { replyWhenReady, sendWhenReady } from '../reply';

/** `check mfg` / `check exchange` [organisation]: the first card as soon as it is ready, then the rest. */
export async function handleCheckExchange(
  ctx: BotContext,
  turn: TurnContext,
  organization?: string,
): Promise<void> {
  await turn.sendActivity({ type: 'typing' });
  const work = exchangeCards(ctx, organization);
  await replyWhenReady(
    ctx,
    turn,
    work.then((cards) => cards[0]!),
    () => checkingCard(ctx, 'the Exchange federation trust'),
  );
  sendWhenReady(
    ctx,
    turn,
    work.then((cards) => cards.slice(1)),
  );
}
