import type { TurnContext } from 'botbuilder';
import type { BotContext } from '../bot-context';
import { checkCard, checkingCard } from '../check-cards';
import { replyWhenReady } from '../reply';

/** `check fedtrust <domain>…`: all domains checked concurrently, one card each, in the order asked. */
export async function handleCheck(
  ctx: BotContext,
  turn: TurnContext,
  domains: string[],
  metadataUrl?: string,
): Promise<void> {
  await turn.sendActivity({ type: 'typing' });
  const work = domains.map((d) => checkCard(ctx, d, metadataUrl));
  for (const [i, domain] of domains.entries()) {
    await replyWhenReady(ctx, turn, work[i]!, () => checkingCard(ctx, domain));
  }
}
