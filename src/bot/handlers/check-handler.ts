import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card-templates';
import { renderCheckCard } from '../../cards/check-card';
import { renderMessageCard } from '../../cards/other-cards';
import { checkDomain } from '../../checks/check-domain';
import { isAppError } from '../../errors';
import { footer, type BotContext } from '../bot-context';
import { replyWhenReady } from '../reply';

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
