import { MessageFactory, TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card-templates';
import { renderMessageCard, renderSummaryCard } from '../../cards/other-cards';
import type { Assessment } from '../../engine/types';
import type { ConversationRecord } from '../../store/store';
import { footer, type BotContext } from '../bot-context';
import { tenantOf } from '../tenant-policy';
import { ENTRA_POLL_DAYS } from '../../engine/entra-poll';
import {
  assessmentKey,
  displayName,
  parseWatchKey,
  publicName,
  subjectOfWatch,
  watchKey,
  type WatchTarget,
} from '../../engine/subject';
import { attachment } from '../reply';

/** Who did it, for the audit log and the card ("acknowledged by …"). */
export function actorOf(turn: TurnContext): { name: string; aadObjectId?: string } {
  return {
    name: turn.activity.from?.name ?? turn.activity.from?.id ?? 'someone',
    aadObjectId: turn.activity.from?.aadObjectId,
  };
}

function scopeOf(turn: TurnContext): ConversationRecord['scope'] {
  const type = turn.activity.conversation?.conversationType;
  return type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal';
}

/** Saves where to post later (DESIGN §7): on install and on every message. */
export async function rememberConversation(ctx: BotContext, turn: TurnContext): Promise<void> {
  const id = String(turn.activity.conversation?.id ?? '').split(';messageid=')[0]!;
  if (!id) return;
  const existing = await ctx.store.getConversation(id);
  await ctx.store.upsertConversation(
    {
      id,
      reference: TurnContext.getConversationReference(turn.activity),
      scope: scopeOf(turn),
      tenantId: tenantOf(turn.activity),
      active: true,
      leadDays: existing?.leadDays,
      oncall: existing?.oncall,
    },
    ctx.clock(),
  );
}

export function conversationIdOf(turn: TurnContext): string {
  return String(turn.activity.conversation?.id ?? '').split(';messageid=')[0]!;
}

async function reply(turn: TurnContext, card: AdaptiveCard): Promise<void> {
  await turn.sendActivity(MessageFactory.attachment(attachment(card)));
}

/** `watch <domain> [metadata <url>]` / `watch exchange`, and the Watch button: subscribes this conversation. */
export async function watchDomain(
  ctx: BotContext,
  turn: TurnContext,
  target: WatchTarget,
): Promise<AdaptiveCard> {
  const conversationId = conversationIdOf(turn);
  const actor = actorOf(turn);
  const key = watchKey(target);
  const metadataUrl = target.kind === 'domain' ? target.metadataUrl : undefined;
  const result = await ctx.store.addWatch({
    conversationId,
    domain: key,
    metadataUrl,
    createdBy: actor.name,
    createdAt: ctx.clock(),
  });
  await ctx.store.audit({
    at: ctx.clock(),
    actor: actor.name,
    action: 'watch',
    target: key,
    detail: { conversationId, metadataUrl },
  });
  if (target.kind === 'exchange')
    return renderMessageCard(
      ctx.templates,
      `${result === 'added' ? 'Watching' : 'Still watching'} the Exchange federation trust`,
      [
        "This conversation gets an alert when the Microsoft Federation Gateway rotates its signing certificate and an organisation's Exchange trust has not refreshed (free/busy would fail), when a collector snapshot goes stale, and before the trust's OrgCertificate expires.",
        'The trust is read from the collector (collector/README.md); the alert resolves once a snapshot shows the refreshed trust.',
        'Type unwatch exchange to stop.',
      ],
      'good',
    );
  return renderMessageCard(
    ctx.templates,
    `${result === 'added' ? 'Watching' : 'Still watching'} ${target.domain}`,
    [
      `This conversation gets an alert before ${target.domain}'s token-signing certificate breaks sign-in: warnings before the ${ENTRA_POLL_DAYS}-day deadline when renewal is manual, before promotion when Entra lacks the next certificate, and at once when the trust is broken.`,
      metadataUrl ? `Metadata: ${metadataUrl}` : 'The identity provider is found by discovery.',
      'Type watchlist to see what is watched, unwatch <domain> to stop.',
    ],
    'good',
  );
}

export async function handleWatch(
  ctx: BotContext,
  turn: TurnContext,
  target: WatchTarget,
): Promise<void> {
  await reply(turn, await watchDomain(ctx, turn, target));
}

export async function handleUnwatch(
  ctx: BotContext,
  turn: TurnContext,
  target: WatchTarget,
): Promise<void> {
  const key = watchKey(target);
  const removed = await ctx.store.removeWatch(conversationIdOf(turn), key);
  if (removed)
    await ctx.store.audit({
      at: ctx.clock(),
      actor: actorOf(turn).name,
      action: 'unwatch',
      target: key,
      detail: { conversationId: conversationIdOf(turn) },
    });
  await reply(
    turn,
    renderMessageCard(
      ctx.templates,
      removed
        ? `Stopped watching ${displayName(target)}`
        : `${displayName(target)} was not watched here`,
      [
        removed
          ? 'No more alerts for it in this conversation.'
          : 'Type watchlist to see what is watched.',
      ],
      removed ? 'emphasis' : 'warning',
    ),
  );
}

export async function handleWatchlist(ctx: BotContext, turn: TurnContext): Promise<void> {
  const watches = await ctx.store.listWatches(conversationIdOf(turn));
  if (watches.length === 0) {
    await reply(
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
    const subject = subjectOfWatch(parseWatchKey(w.domain));
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
  await reply(
    turn,
    renderSummaryCard(ctx.templates, results, {
      now,
      title: `Watched here: ${watches.length} domain(s)`,
      footer: `As of the last sweep · ${footer(ctx, now)}`,
    }),
  );
}

export async function handleAlerts(ctx: BotContext, turn: TurnContext): Promise<void> {
  const watched = new Set(
    (await ctx.store.listWatches(conversationIdOf(turn))).map((w) => w.domain),
  );
  const alerts = (await ctx.store.listLiveAlerts()).filter((a) =>
    a.domains.some((d) => watched.has(d)),
  );
  const lines = alerts.map(
    (a) =>
      `${a.severity.toUpperCase()} · ${a.state} · ${a.code} · ${a.domains.join(', ')} (since ${a.openedAt.toISOString().slice(0, 10)})`,
  );
  await reply(
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

export async function setAutoRollover(
  ctx: BotContext,
  turn: TurnContext,
  domain: string,
  value: boolean,
): Promise<AdaptiveCard> {
  await ctx.store.setAutoRollover(domain, value, actorOf(turn).name, ctx.clock());
  await ctx.store.audit({
    at: ctx.clock(),
    actor: actorOf(turn).name,
    action: 'autorollover',
    target: domain,
    detail: { value },
  });
  return renderMessageCard(
    ctx.templates,
    `Auto-rollover for ${domain}: ${value ? 'on' : 'off'}`,
    [
      value
        ? 'AD FS renews the token-signing certificate itself; fedtrust watches that Entra picks up the successor.'
        : `Renewal is manual: fedtrust warns before the ${ENTRA_POLL_DAYS}-day deadline.`,
    ],
    'good',
  );
}

export async function handleSetOncall(
  ctx: BotContext,
  turn: TurnContext,
  oncall: string,
): Promise<void> {
  await rememberConversation(ctx, turn);
  const id = conversationIdOf(turn);
  const existing = await ctx.store.getConversation(id);
  if (existing) await ctx.store.upsertConversation({ ...existing, oncall }, ctx.clock());
  await ctx.store.audit({
    at: ctx.clock(),
    actor: actorOf(turn).name,
    action: 'oncall',
    target: id,
    detail: { oncall },
  });
  await reply(
    turn,
    renderMessageCard(
      ctx.templates,
      'On-call set',
      [`Critical alerts that nobody acknowledged mention ${oncall} when they re-notify.`],
      'good',
    ),
  );
}

/** `set lead <days>`: this conversation's warnings for manual renewals start that many days before Entra's first poll. */
export async function handleSetLead(
  ctx: BotContext,
  turn: TurnContext,
  days: number,
): Promise<void> {
  await rememberConversation(ctx, turn);
  const id = conversationIdOf(turn);
  const existing = await ctx.store.getConversation(id);
  if (existing) await ctx.store.upsertConversation({ ...existing, leadDays: days }, ctx.clock());
  await ctx.store.audit({
    at: ctx.clock(),
    actor: actorOf(turn).name,
    action: 'lead',
    target: id,
    detail: { days },
  });
  await reply(
    turn,
    renderMessageCard(
      ctx.templates,
      `Lead set to ${days} days here`,
      [
        `Certificates renewed by hand (auto-rollover off, or a third-party IdP) are flagged in this conversation ${ENTRA_POLL_DAYS + days} days before they expire; Entra's ${ENTRA_POLL_DAYS}-day deadline and the critical alerts do not change.`,
      ],
      'good',
    ),
  );
}
