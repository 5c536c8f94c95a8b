import type { TurnContext } from 'botbuilder';
import { renderUnwatchCard, renderWatchCard } from '../../cards/confirmation-cards';
import {
  renderMessageCard,
  renderNeedsGraphCard,
  renderSummaryCard,
} from '../../cards/other-cards';
import {
  assessmentKey,
  parseWatchKey,
  publicName,
  subjectOfWatch,
  WATCH_ALL_KEY,
  type WatchTarget,
} from '../../engine/subject';
import type { Assessment } from '../../engine/types';
import { alertsFor } from '../../use-cases/alert-actions';
import { unwatch, watch } from '../../use-cases/watching';
import { unwatchAll, watchAll } from '../../use-cases/watch-all';
import { isAppError } from '../../errors';
import { footer, type BotContext } from '../bot-context';
import { sendCard } from '../reply';
import { callerOf } from '../turn-facts';

/** `watch <domain> [metadata <url>]` / `watch exchange`. */
export async function handleWatch(
  ctx: BotContext,
  turn: TurnContext,
  target: WatchTarget,
): Promise<void> {
  const result = await watch(ctx, callerOf(turn), target);
  await sendCard(turn, renderWatchCard(ctx.templates, target, result));
}

/** `unwatch <domain>` / `unwatch exchange`. */
export async function handleUnwatch(
  ctx: BotContext,
  turn: TurnContext,
  target: WatchTarget,
): Promise<void> {
  const removed = await unwatch(ctx, callerOf(turn), target);
  await sendCard(turn, renderUnwatchCard(ctx.templates, target, removed));
}

const SHOWN_DOMAINS = 20;
const listed = (domains: string[]) =>
  domains.length <= SHOWN_DOMAINS
    ? domains.join(', ')
    : `${domains.slice(0, SHOWN_DOMAINS).join(', ')} and ${domains.length - SHOWN_DOMAINS} more`;

/** `watch all`: every federated domain of the tenant, now and as Graph lists new ones at each sweep. */
export async function handleWatchAll(ctx: BotContext, turn: TurnContext): Promise<void> {
  const graph = ctx.checks.graph;
  if (!graph) {
    await sendCard(
      turn,
      renderNeedsGraphCard(ctx.templates, 'watch all', 'watch domains by name: watch contoso.com'),
    );
    return;
  }
  let result: Awaited<ReturnType<typeof watchAll>>;
  try {
    result = await watchAll(ctx, callerOf(turn), () => graph.federatedDomains());
  } catch (error) {
    await sendCard(
      turn,
      renderMessageCard(
        ctx.templates,
        'Could not list the federated domains',
        [isAppError(error) ? error.message : 'Graph could not be read', 'Nothing was changed.'],
        'attention',
      ),
    );
    return;
  }
  const { domains, added } = result;
  await sendCard(
    turn,
    renderMessageCard(
      ctx.templates,
      `Watching every federated domain (${domains.length})`,
      [
        domains.length === 0
          ? 'The tenant has no federated domain yet.'
          : `${listed(domains)}${added.length < domains.length ? ` (${added.length} new here)` : ''}.`,
        'Domains federated later are added at each sweep, and ones no longer federated are dropped.',
        'Type watchlist to see them, unwatch all to stop (domains you watched by name stay).',
      ],
      'good',
    ),
  );
}

/** `unwatch all`: ends `watch all` and the watches it added. */
export async function handleUnwatchAll(ctx: BotContext, turn: TurnContext): Promise<void> {
  const watched = await ctx.store.listWatches(callerOf(turn).conversationId);
  if (!watched.some((w) => w.domain === WATCH_ALL_KEY)) {
    await sendCard(
      turn,
      renderMessageCard(
        ctx.templates,
        'This conversation does not watch all domains',
        ['Nothing was changed. Type watchlist to see what is watched here.'],
        'emphasis',
      ),
    );
    return;
  }
  const removed = await unwatchAll(ctx, callerOf(turn));
  await sendCard(
    turn,
    renderMessageCard(
      ctx.templates,
      'No longer watching every federated domain',
      [
        removed.length === 0
          ? 'No domain was watched through it.'
          : `Stopped watching ${removed.length}: ${listed(removed)}.`,
        'Domains watched by name stay watched.',
      ],
      'good',
    ),
  );
}

/** `watchlist`: what this conversation watches, as the last sweep saw it. */
export async function handleWatchlist(ctx: BotContext, turn: TurnContext): Promise<void> {
  const all = await ctx.store.listWatches(callerOf(turn).conversationId);
  const watchesAll = all.some((w) => w.domain === WATCH_ALL_KEY);
  const watches = all.filter((w) => w.domain !== WATCH_ALL_KEY);
  if (watches.length === 0 && !watchesAll) {
    await sendCard(
      turn,
      renderMessageCard(
        ctx.templates,
        'Nothing is watched here yet',
        ['Type watch contoso.com to get alerts in this conversation.'],
        'emphasis',
      ),
    );
    return;
  }
  const now = ctx.clock();
  const results: Assessment[] = [];
  for (const w of watches) {
    const target = parseWatchKey(w.domain);
    // `watch exchange` covers each organisation's hybrid app as well as the MFG trust.
    if (target.kind === 'exchange')
      for (const stored of await ctx.store.listAssessments())
        if (stored.assessment.subject.kind === 'exchange-hybrid') results.push(stored.assessment);
    const subject = subjectOfWatch(target);
    const stored = await ctx.store.getAssessment(assessmentKey(subject));
    results.push(
      stored?.assessment ?? {
        subject,
        domain: publicName(subject),
        status: 'unknown',
        findings: [],
        certificates: [],
        timeline: [],
      },
    );
  }
  await sendCard(
    turn,
    renderSummaryCard(ctx.templates, results, {
      now,
      title: watchesAll
        ? `Watched here: every federated domain (${watches.length})`
        : `Watched here: ${watches.length} domain(s)`,
      footer: `As of the last sweep · ${footer(ctx, now)}`,
    }),
  );
}

/** `alerts`: the open alerts of what this conversation watches. */
export async function handleAlerts(ctx: BotContext, turn: TurnContext): Promise<void> {
  const alerts = await alertsFor(ctx, callerOf(turn));
  const lines = alerts.map((a) => {
    const line = `${a.severity.toUpperCase()} · ${a.state} · ${a.code} · ${a.domains.join(', ')} (since ${a.openedAt.toISOString().slice(0, 10)})`;
    const [first] = a.deliveries.failed;
    if (!first) return line;
    const where = new Set(a.deliveries.failed.map((f) => f.conversationId)).size;
    return `${line} · NOT DELIVERED to ${where} conversation(s): ${first.where}, ${first.error}`;
  });
  await sendCard(
    turn,
    renderMessageCard(
      ctx.templates,
      alerts.length === 0
        ? 'No open alerts for the domains watched here'
        : `${alerts.length} open alert(s)`,
      lines.length > 0 ? lines : ['All clear.'],
      alerts.some((a) => a.severity === 'critical' && a.state === 'open')
        ? 'attention'
        : alerts.length > 0
          ? 'warning'
          : 'good',
    ),
  );
}
