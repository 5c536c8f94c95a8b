import { MessageFactory, TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card-templates';
import { renderMessageCard, renderSummaryCard } from '../../cards/other-cards';
import { checkDomain } from '../../checks/check-domain';
import type { Assessment } from '../../engine/types';
import { isAppError } from '../../errors';
import { footer, type BotContext } from '../bot-context';
import { attachment } from '../reply';

const CONCURRENCY = 4;
const PROGRESS_EVERY_MS = 1500;

/**
 * `check fedtrust all`: every federated domain of the tenant (Graph). A progress card is posted at once
 * and updated in place while the checks run; the summary replaces it at the end.
 */
export async function handleCheckAll(ctx: BotContext, turn: TurnContext): Promise<void> {
  const graph = ctx.checks.graph;
  if (!graph) {
    const card = renderMessageCard(
      ctx.templates,
      'check fedtrust all needs Microsoft Graph',
      [
        'Set GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET (application permission Domain.Read.All with admin consent), then try again.',
        'Meanwhile, check domains by name: check fedtrust contoso.com',
      ],
      'warning',
    );
    await turn.sendActivity(MessageFactory.attachment(attachment(card)));
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
  const posted = await turn.sendActivity(
    MessageFactory.attachment(attachment(progress(0, undefined))),
  );
  const reference = TurnContext.getConversationReference(turn.activity);
  const update = (card: AdaptiveCard) =>
    ctx.continueConversation(reference, async (later) => {
      await later.updateActivity({
        id: posted?.id,
        type: 'message',
        attachments: [attachment(card)],
      });
    });
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
    const results: Assessment[] = [];
    let lastUpdate = performance.now(); // monotonic: throttling, not business time
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < domains.length) {
        const domain = domains[next++]!;
        results.push(await checkDomain(ctx.checks, { domain, now }));
        if (performance.now() - lastUpdate >= PROGRESS_EVERY_MS) {
          lastUpdate = performance.now();
          await update(progress(results.length, domains.length));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, domains.length) }, worker));
    await update(
      renderSummaryCard(ctx.templates, results, {
        now,
        title: `All ${domains.length} federated domains`,
        footer: footer(ctx, now),
      }),
    );
  });
}
