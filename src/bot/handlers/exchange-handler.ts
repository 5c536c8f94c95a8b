import { MessageFactory, TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card-templates';
import { renderCheckCard } from '../../cards/check-card';
import { renderMessageCard } from '../../cards/other-cards';
import { checkExchange } from '../../checks/check-exchange';
import { mfgHistoryKey } from '../../engine/subject';
import { footer, type BotContext } from '../bot-context';
import { checkingCard } from './check-handler';
import { attachment, replyWhenReady } from '../reply';

const NO_SNAPSHOT_HINT =
  'No Exchange trust snapshot has been received yet: install the collector (collector/README.md) on an Exchange server so fedtrust can compare the trust with these certificates.';

/**
 * The cards of `check mfg` / `check exchange`: one per organisation whose trust the collector sent
 * (or the one named), else MFG's certificates alone with the collector hint. Never throws.
 */
export async function exchangeCards(
  ctx: BotContext,
  organization?: string,
): Promise<AdaptiveCard[]> {
  const now = ctx.clock();
  try {
    const history = await ctx.store.certificateHistory(mfgHistoryKey(ctx.checks.mfgMetadataUrl));
    const check = await checkExchange(ctx.checks, {
      now,
      organization,
      firstSeen: history.firstSeen,
    });
    const cards = check.results.map(({ assessment }) =>
      renderCheckCard(ctx.templates, assessment, { now, footer: footer(ctx, now) }),
    );
    if (check.results.every((r) => r.subject.organization === undefined)) {
      // Only a named organisation can be missing while others sent their trust: say which did.
      const known = organization ? await ctx.checks.snapshots?.organizations() : undefined;
      cards.push(
        renderMessageCard(
          ctx.templates,
          organization
            ? `No Exchange trust snapshot from ${organization}`
            : 'No Exchange trust snapshot yet',
          [
            NO_SNAPSHOT_HINT,
            ...(known && known.length > 0 ? [`Organisations: ${known.join(', ')}`] : []),
          ],
          'warning',
        ),
      );
    }
    return cards;
  } catch (error) {
    ctx.logger.error({ err: error }, 'Exchange check failed');
    return [
      renderMessageCard(
        ctx.templates,
        'The Exchange check failed',
        ['Something went wrong on our side; the error was logged. Try again in a minute.'],
        'attention',
      ),
    ];
  }
}

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
    checkingCard(ctx, 'the Exchange federation trust'),
  );
  const reference = TurnContext.getConversationReference(turn.activity);
  ctx.background.run(async () => {
    const rest = (await work).slice(1);
    if (rest.length === 0) return;
    await ctx.continueConversation(reference, async (later) => {
      for (const card of rest)
        await later.sendActivity(MessageFactory.attachment(attachment(card)));
    });
  });
}
