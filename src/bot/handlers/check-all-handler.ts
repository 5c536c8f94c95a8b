import type { TurnContext } from 'botbuilder';
import {
  renderMessageCard,
  renderNeedsGraphCard,
  renderSummaryCard,
} from '../../cards/other-cards';
import { checkDomain } from '../../checks/check-domain';
import { isAppError } from '../../errors';
import { runPool } from '../../pool';
import { footer, type BotContext } from '../bot-context';
import { cardUpdater, sendCard } from '../reply';

const CONCURRENCY = 4;
const PROGRESS_EVERY_MS = 1500;

/**
 * `check fedtrust all`: every federated domain of the tenant (Graph). A progress card is posted at once
 * and updated in place while the checks run; the summary replaces it at the end.
 */
export async function handleCheckAll(ctx: BotContext, turn: TurnContext): Promise<void> {
  const graph = ctx.checks.graph;
  if (!graph) {
    await sendCard(
      turn,
      renderNeedsGraphCard(
        ctx.templates,
        'check fedtrust all',
        'check domains by name: check fedtrust contoso.com',
      ),
    );
    return;
  }
  await turn.sendActivity({ type: 'typing' });
  const progress = (done: number, total: number | undefined) =>
    renderMessageCard(
      ctx.templates,
      'Checking every federated domain…',
      [
        total === undefined
          ? 'Listing the federated domains of the tenant.'
          : `${done} of ${total} checked.`,
      ],
      'emphasis',
    );
  const update = cardUpdater(ctx, turn, await sendCard(turn, progress(0, undefined)));
  ctx.background.run(async () => {
    let domains: string[];
    try {
      domains = await graph.federatedDomains();
    } catch (error) {
      const reason = isAppError(error) ? error.message : 'Graph could not be read';
      await update(
        renderMessageCard(
          ctx.templates,
          'Could not list the federated domains',
          [reason],
          'attention',
        ),
      );
      return;
    }
    const now = ctx.clock();
    let done = 0;
    let lastUpdate = performance.now(); // monotonic: throttling, not business time
    const results = await runPool(domains, CONCURRENCY, async (domain) => {
      const result = await checkDomain(ctx.checks, { domain, now });
      done++;
      if (performance.now() - lastUpdate >= PROGRESS_EVERY_MS) {
        lastUpdate = performance.now();
        await update(progress(done, domains.length));
      }
      return result;
    });
    await update(
      renderSummaryCard(ctx.templates, results, {
        now,
        title: `All ${domains.length} federated domains`,
        footer: footer(ctx, now),
      }),
    );
  });
}
