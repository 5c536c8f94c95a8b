import type { Logger } from 'pino';
import type { AdaptiveCard } from '../cards/card-templates';
import type { AlertCardState } from '../cards/alert-card';
import type {
  AlertStore,
  ConversationRecord,
  ConversationStore,
  DeliveryOutbox,
  DeliveryRecord,
  NoticeDelivery,
  NoticeOutbox,
  SendPace,
} from '../store/store';
import { conversationLabel } from '../store/store';
import { RateWindows, TEAMS_THREAD_LIMITS, type RateWindow } from './rate-windows';
import { buildRenotification, type ReplyMessage } from './renotification';
import {
  classifyFailure,
  describeSendError,
  failureReason,
  keepsRetrying,
  retryDelayMs,
  type SendFailure,
} from './retry-policy';

/** Sends to Teams; implemented over the Bot Framework in src/bot (a port, so alerts stay botbuilder-free). */
export interface AlertSender {
  /** A new message (a new thread in a channel); returns the Teams activity id. */
  post(conversation: ConversationRecord, card: AdaptiveCard): Promise<string | undefined>;
  update(conversation: ConversationRecord, activityId: string, card: AdaptiveCard): Promise<void>;
  /** A reply in the thread of `activityId` (channels), or a follow-up message (chats). */
  reply(conversation: ConversationRecord, activityId: string, message: ReplyMessage): Promise<void>;
}

/**
 * Requests per second per tenant for the whole bot (DESIGN §7: at most 50): one send every 22 ms
 * (≈ 45/s), booked in the store so that every notifier — on PostgreSQL every replica — shares the
 * pace. The headroom is for Teams counting when a request arrives, we when it leaves.
 */
export const TENANT_SPACING_MS = 22;
/** Teams' per-thread windows, each 10 % longer for the same reason. */
const THREAD_LIMITS = TEAMS_THREAD_LIMITS.map((l) => ({ ...l, windowMs: l.windowMs * 1.1 }));
/**
 * How long a send may wait for the Bot Connector's answer: a hang of a minute is waited out (giving up
 * early could send twice what Teams accepts late), and the send gives up before the claim (2 min) runs
 * out and another notifier could take the row.
 */
export const SEND_TIMEOUT_MS = 90_000;
/** Conversations served at once by one notifier (each in its own order, paced by Teams' limits). */
const PARALLEL_CONVERSATIONS = 32;
const CLAIM_BATCH = 200;

export interface NotifierDependencies {
  store: DeliveryOutbox &
    NoticeOutbox &
    SendPace &
    ConversationStore &
    Pick<AlertStore, 'getAlert' | 'deliveryReport'>;
  sender: AlertSender;
  renderCard: (alert: AlertCardState) => AdaptiveCard;
  renderNotice: (title: string, lines: string[]) => AdaptiveCard;
  clock: () => Date;
  logger: Logger;
  random?: () => number;
  /** Counts a delivery that failed for good (`fedtrust_deliveries_failed_total{reason}`). */
  onFailed?: (reason: string) => void;
  /** Teams' per-thread limits; tests may tighten them. */
  threadLimits?: readonly RateWindow[];
  /** Milliseconds between two sends to one tenant (shared through the store). */
  tenantSpacingMs?: number;
  sendTimeoutMs?: number;
}

type Outcome = 'sent' | 'retried' | 'failed';

/**
 * Drains the outbox (DESIGN §7): every queued delivery is sent once and its Teams activity id recorded
 * right after; conversations are served in parallel, each in its queued order and within Teams'
 * per-thread limits, the whole bot within the per-tenant rate; claims are taken again until nothing
 * is due. An update or reply waits for its post. A transient failure is retried with backoff while the
 * alert is live (24 h at least); a delivery that fails for good is logged, counted, and reported in
 * another conversation of the tenant that watches the same domain.
 */
export class Notifier {
  private readonly threads: RateWindows;

  constructor(private readonly deps: NotifierDependencies) {
    this.threads = new RateWindows(deps.threadLimits ?? THREAD_LIMITS);
  }

  /**
   * Waits until Teams' limits let this conversation, then its tenant, receive the next message: the
   * thread's windows first (this notifier serves the conversation alone), then a tenant slot booked in
   * the store — so no tenant slot is held while the thread waits — and the send is booked for the
   * thread when it actually leaves.
   */
  private async pace(conversation: ConversationRecord): Promise<void> {
    // performance.now(): monotonic, for pacing only (business time comes from the clock).
    await sleep(this.threads.waitFor(conversation.id, performance.now()));
    await sleep(
      await this.deps.store.reserveSendSlot(
        `tenant:${conversation.tenantId ?? ''}`,
        this.deps.tenantSpacingMs ?? TENANT_SPACING_MS,
      ),
    );
    this.threads.record(conversation.id, performance.now());
  }

  /** Sends everything due now (claimed batch after batch) and returns what happened. */
  async deliverPending(
    limit = Infinity,
  ): Promise<{ sent: number; retried: number; failed: number }> {
    const counts = { sent: 0, retried: 0, failed: 0 };
    for (let taken = 0; taken < limit;) {
      const batch = Math.min(CLAIM_BATCH, limit - taken);
      const deliveries = await this.deps.store.claimDeliveries(this.deps.clock(), batch);
      const notices = await this.deps.store.claimNotices(this.deps.clock(), batch);
      if (deliveries.length === 0 && notices.length === 0) break;
      taken += deliveries.length + notices.length;
      const work = [
        ...deliveries.map((d) => ({
          conversationId: d.conversationId,
          run: () => this.deliver(d),
        })),
        ...notices.map((n) => ({
          conversationId: n.conversationId,
          run: () => this.deliverNotice(n),
        })),
      ];
      for (const outcome of await this.perConversation(work)) counts[outcome]++;
    }
    return counts;
  }

  /** Runs each conversation's work in order, several conversations at once. */
  private async perConversation(
    work: { conversationId: string; run: () => Promise<Outcome> }[],
  ): Promise<Outcome[]> {
    const queues = new Map<string, (() => Promise<Outcome>)[]>();
    for (const w of work)
      queues.set(w.conversationId, [...(queues.get(w.conversationId) ?? []), w.run]);
    const pending = [...queues.values()];
    const outcomes: Outcome[] = [];
    const worker = async (): Promise<void> => {
      for (let queue = pending.shift(); queue; queue = pending.shift())
        for (const run of queue) outcomes.push(await run());
    };
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_CONVERSATIONS, pending.length) }, worker),
    );
    return outcomes;
  }

  private async deliverNotice(n: NoticeDelivery): Promise<Outcome> {
    const { store, clock } = this.deps;
    const conversation = await store.getConversation(n.conversationId);
    if (!conversation?.active) {
      await store.markNoticeFailed(n.id, 'the conversation is gone', undefined);
      return 'failed';
    }
    try {
      await this.pace(conversation);
      await this.answered(
        this.deps.sender.post(conversation, this.deps.renderNotice(n.title, n.lines)),
      );
      await store.markNoticeSent(n.id, clock());
      return 'sent';
    } catch (error) {
      const failure = describeSendError(error);
      const kind = classifyFailure(failure);
      if (kind === 'removed') await store.setConversationActive(conversation.id, false, clock());
      const retryAt =
        kind === 'retry' && keepsRetrying(n.createdAt, clock(), false)
          ? new Date(clock().getTime() + retryDelayMs(n.attempts, failure, this.deps.random))
          : undefined;
      await store.markNoticeFailed(n.id, failure.message, retryAt);
      if (!retryAt) this.deps.onFailed?.(failureReason(failure, kind));
      return retryAt ? 'retried' : 'failed';
    }
  }

  private async deliver(d: DeliveryRecord): Promise<Outcome> {
    const { store, sender, clock } = this.deps;
    const [alert, conversation] = await Promise.all([
      store.getAlert(d.alertId),
      store.getConversation(d.conversationId),
    ]);
    if (!alert || !conversation || !conversation.active) {
      await store.markDeliveryFailed(d.id, 'the alert or the conversation is gone', undefined);
      return 'failed';
    }
    try {
      if (d.kind === 'post') {
        await this.pace(conversation);
        const activityId = await this.answered(sender.post(conversation, await this.card(alert)));
        await store.markDelivered(d.id, activityId, clock());
        return 'sent';
      }
      const posted = await store.postedActivityId(d.alertId, d.conversationId);
      if (!posted) {
        // The post has not gone out yet: try again shortly (it is earlier in the queue).
        await store.markDeliveryFailed(
          d.id,
          'waiting for the alert card to be posted',
          new Date(clock().getTime() + 5_000),
        );
        return 'retried';
      }
      await this.pace(conversation);
      await this.answered(
        d.kind === 'update'
          ? sender.update(conversation, posted, await this.card(alert))
          : sender.reply(
              conversation,
              posted,
              buildRenotification(alert, conversation.oncall, clock()),
            ),
      );
      await store.markDelivered(d.id, undefined, clock());
      return 'sent';
    } catch (error) {
      return this.failed(d, conversation, alert, describeSendError(error));
    }
  }

  /** The send's own outcome, or a timeout failure (retried) when the Connector does not answer in time. */
  private async answered<T>(send: Promise<T>): Promise<T> {
    const ms = this.deps.sendTimeoutMs ?? SEND_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the Bot Connector did not answer within ${ms / 1000} s`)),
        ms,
      );
    });
    try {
      return await Promise.race([send, timeout]);
    } finally {
      clearTimeout(timer);
      send.catch(() => undefined); // a late failure of an abandoned send is not unhandled
    }
  }

  /** The alert's card as it is now, with where it went and where it failed. */
  private async card(alert: AlertCardState): Promise<AdaptiveCard> {
    const deliveries = (await this.deps.store.deliveryReport([alert.id]))[alert.id];
    return this.deps.renderCard({ ...alert, ...(deliveries ? { deliveries } : {}) });
  }

  private async failed(
    d: DeliveryRecord,
    conversation: ConversationRecord,
    alert: AlertCardState,
    failure: SendFailure,
  ): Promise<'retried' | 'failed'> {
    const { store, clock, logger } = this.deps;
    const kind = classifyFailure(failure);
    if (kind === 'retry' && keepsRetrying(d.createdAt, clock(), alert.state !== 'resolved')) {
      const retryAt = new Date(
        clock().getTime() + retryDelayMs(d.attempts, failure, this.deps.random),
      );
      await store.markDeliveryFailed(d.id, failure.message, retryAt);
      return 'retried';
    }
    const reason = failureReason(failure, kind);
    if (kind === 'removed') await store.setConversationActive(conversation.id, false, clock());
    const error =
      kind === 'removed'
        ? `HTTP ${failure.statusCode}: the bot was removed from the conversation`
        : failure.statusCode === undefined
          ? failure.message
          : `HTTP ${failure.statusCode}: ${failure.message}`;
    await store.failDeliveryForGood(d.id, error, clock());
    logger.error(
      { delivery: d.id, alert: d.alertId, conversation: conversation.id, reason, err: error },
      'delivery failed for good',
    );
    this.deps.onFailed?.(reason);
    // Never silent: tell another conversation of the tenant that watches the same domain.
    await store.queueNotice(
      {
        idpKey: alert.idpKey,
        domains: alert.domains,
        tenantId: conversation.tenantId,
        exceptConversationId: conversation.id,
        title: `An alert could not be delivered to ${conversationLabel(conversation)}`,
        lines: [
          `${alert.severity.toUpperCase()}: ${alert.code} for ${alert.domains.join(', ')}.`,
          `Teams refused the ${d.kind} (${error}). Type alerts here to see it, or check that the bot is still in that conversation.`,
        ],
      },
      clock(),
    );
    return 'failed';
  }
}

const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
