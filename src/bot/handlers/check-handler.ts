import { CardFactory, MessageFactory, TurnContext, type Attachment } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card-templates';
import { renderCheckCard } from '../../cards/check-card';
import { renderMessageCard } from '../../cards/other-cards';
import { checkDomain } from '../../checks/check-domain';
import { isAppError } from '../../errors';
import { footer, type BotContext } from '../bot-context';

export function attachment(card: AdaptiveCard): Attachment {
  return CardFactory.adaptiveCard(card);
}

/** Runs one check and renders its card; refusals and failures become a card too, never a throw. */
export async function checkCard(
  ctx: BotContext,
  domain: string,
  metadataUrl?: string,
): Promise<AdaptiveCard> {
  const now = ctx.clock();
  try {
    const autoRolloverFact = await ctx.store.getAutoRollover(domain);
    const assessment = await checkDomain(ctx.checks, {
      domain,
      now,
      metadataUrl,
      autoRolloverFact,
    });
    return renderCheckCard(ctx.templates, assessment, {
      now,
      metadataUrl,
      footer: footer(ctx, now),
    });
  } catch (error) {
    if (isAppError(error, 'BAD_INPUT')) {
      return renderMessageCard(
        ctx.templates,
        `${domain}: the metadata URL was refused`,
        [error.message],
        'attention',
      );
    }
    ctx.logger.error({ err: error, domain }, 'check failed');
    return renderMessageCard(
      ctx.templates,
      `${domain}: the check failed`,
      ['Something went wrong on our side; the error was logged. Try Re-check in a minute.'],
      'attention',
    );
  }
}

export function checkingCard(ctx: BotContext, domain: string): AdaptiveCard {
  return renderMessageCard(
    ctx.templates,
    `Checking ${domain}…`,
    ['Reading the federation metadata and Entra ID. This card updates when the check is done.'],
    'emphasis',
  );
}

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

/**
 * Answers with the card when the work is fast; otherwise posts `placeholder` at once and replaces it in
 * place when the work is done (so the turn answers Teams within its time limit).
 */
export async function replyWhenReady(
  ctx: BotContext,
  turn: TurnContext,
  work: Promise<AdaptiveCard>,
  placeholder: AdaptiveCard,
): Promise<void> {
  const fast = await settleWithin(work, ctx.fastReplyMs);
  if (fast) {
    await turn.sendActivity(MessageFactory.attachment(attachment(fast.value)));
    return;
  }
  const posted = await turn.sendActivity(MessageFactory.attachment(attachment(placeholder)));
  const reference = TurnContext.getConversationReference(turn.activity);
  ctx.background.run(async () => {
    const card = await work;
    await ctx.continueConversation(reference, async (later) => {
      await later.updateActivity({
        id: posted?.id,
        type: 'message',
        attachments: [attachment(card)],
      });
    });
  });
}

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
    await replyWhenReady(ctx, turn, work[i]!, checkingCard(ctx, domain));
  }
}
