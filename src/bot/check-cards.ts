import { hybridHistory } from '../alerts/sweep-exchange';
import type { AdaptiveCard } from '../cards/card-templates';
import { renderCheckCard } from '../cards/check-card';
import { renderMessageCard } from '../cards/other-cards';
import { checkDomain } from '../checks/check-domain';
import { checkExchange } from '../checks/check-exchange';
import { mfgHistoryKey } from '../engine/subject';
import type { Assessment } from '../engine/types';
import { isAppError } from '../errors';
import { footer, type BotContext } from './bot-context';

/*
 * The check cards, shared by the commands and the cards' Re-check: each runs a check and renders its
 * card; refusals and failures become a card too, never a throw.
 */

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
      hybridHistory: (name) => hybridHistory(ctx.store, name),
    });
    const render = (assessment: Assessment) =>
      renderCheckCard(ctx.templates, assessment, { now, footer: footer(ctx, now) });
    // Each organisation's hybrid app first (the trust free/busy uses since 2025), then its MFG trust.
    const cards = check.hybrid.map(({ assessment }) => render(assessment));
    const collector11 = check.hybrid.some(
      (h) => !h.assessment.findings.some((f) => f.code === 'EXCHANGE_SNAPSHOT_MISSING'),
    );
    const noTrust = check.results.every((r) => r.subject.organization === undefined);
    // An organisation on collector 1.1 without a federation trust has nothing to compare MFG with.
    if (!(noTrust && collector11))
      cards.push(...check.results.map(({ assessment }) => render(assessment)));
    if (noTrust && !collector11) {
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
