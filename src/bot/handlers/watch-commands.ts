import type { TurnContext } from 'botbuilder';
import { renderUnwatchCard, renderWatchCard } from '../../cards/confirmation-cards';
import { renderMessageCard, renderSummaryCard } from '../../cards/other-cards';
import {
  assessmentKey,
  parseWatchKey,
  publicName,
  subjectOfWatch,
  type WatchTarget,
} from '../../engine/subject';
import type { Assessment } from '../../engine/types';
import { alertsFor } from '../../use-cases/alert-actions';
import { unwatch, watch } from '../../use-cases/watching';
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

/** `watchlist`: what this conversation watches, as the last sweep saw it. */
export async function handleWatchlist(ctx: BotContext, turn: TurnContext): Promise<void> {
  const watches = await ctx.store.listWatches(callerOf(turn).conversationId);
  if (watches.length === 0) {
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
      title: `Watched here: ${watches.length} domain(s)`,
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
