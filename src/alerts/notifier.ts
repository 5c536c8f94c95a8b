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
} from '../store/store';

/** Sends to Teams; implemented over the Bot Framework in src/bot (a port, so alerts stay botbuilder-free). */
export interface AlertSender {
  /** A new message (a new thread in a channel); returns the Teams activity id. */
  post(conversation: ConversationRecord, card: AdaptiveCard): Promise<string | undefined>;
  update(conversation: ConversationRecord, activityId: string, card: AdaptiveCard): Promise<void>;
  /** A reply in the thread of `activityId` (channels), or a follow-up message (chats). */
  reply(conversation: ConversationRecord, activityId: string, text: string): Promise<void>;
}

/** What a failed send says about retrying (HTTP status and Retry-After, when the sender knows them). */
export interface SendFailure {
  statusCode?: number;
  retryAfterMs?: number;
  message: string;
}

export function describeSendError(error: unknown): SendFailure {
  const e = error as {
    statusCode?: number;
    status?: number;
    message?: string;
    response?: { headers?: { get?(name: string): string | null } };
  };
  const statusCode = e.statusCode ?? e.status;
  const retryAfter = e.response?.headers?.get?.('retry-after');
  const seconds = retryAfter ? Number(retryAfter) : NaN;
  return {
    statusCode,
    retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined,
    message: e.message ?? String(error),
  };
}

const RETRYABLE = new Set([412, 429, 502, 503, 504]);
const GONE = new Set([403, 404]);
export const MAX_ATTEMPTS = 8;

/** Exponential backoff with full jitter, honouring Retry-After (DESIGN §7). */
export function retryDelayMs(
  attempt: number,
  failure: SendFailure,
  random: () => number = Math.random,
): number {
  const backoff = Math.min(60_000, 1_000 * 2 ** attempt) * (0.5 + random() / 2);
  return Math.max(backoff, failure.retryAfterMs ?? 0);
}

export interface NotifierDependencies {
  store: DeliveryOutbox & NoticeOutbox & ConversationStore & Pick<AlertStore, 'getAlert'>;
  sender: AlertSender;
  renderCard: (alert: AlertCardState) => AdaptiveCard;
  renderNotice: (title: string, lines: string[]) => AdaptiveCard;
  clock: () => Date;
  logger: Logger;
  random?: () => number;
  /**
   * Least time between two sends to one conversation. Teams allows a bot 7 messages a second, 8 in 2 s
   * and 60 in 30 s per thread: 500 ms keeps a burst inside all three.
   */
  pacingMs?: number;
}

export const DEFAULT_PACING_MS = 500;

/** The thread reply that notifies (a rise to critical, or a re-notification): mentions the on-call. */
export function replyText(alert: AlertCardState, oncall: string | undefined): string {
  const who = oncall ? `${oncall} ` : '';
  return `${who}${alert.severity.toUpperCase()}: ${alert.code} for ${alert.domains.join(', ')} is open and not acknowledged. Acknowledge or snooze it on the card.`;
}

/**
 * Drains the outbox: every queued delivery is sent once, its Teams activity id recorded right after.
 * An update or reply waits for its post; 429/412/502/503/504 are retried with backoff honouring
 * Retry-After; 403/404 (the bot was removed) deactivate the conversation.
 */
export class Notifier {
  private readonly lastSend = new Map<string, number>();

  constructor(private readonly deps: NotifierDependencies) {}

  /** Waits until this conversation may receive the next message (monotonic time, not business time). */
  private async pace(conversationId: string): Promise<void> {
    const interval = this.deps.pacingMs ?? DEFAULT_PACING_MS;
    const wait = (this.lastSend.get(conversationId) ?? -Infinity) + interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastSend.set(conversationId, performance.now());
  }

  async deliverPending(limit = 100): Promise<{ sent: number; retried: number; failed: number }> {
    const counts = { sent: 0, retried: 0, failed: 0 };
    for (const delivery of await this.deps.store.claimDeliveries(this.deps.clock(), limit)) {
      const outcome = await this.deliver(delivery);
      counts[outcome]++;
    }
    for (const notice of await this.deps.store.claimNotices(this.deps.clock(), limit)) {
      const outcome = await this.deliverNotice(notice);
      counts[outcome]++;
    }
    return counts;
  }

  private async deliverNotice(n: NoticeDelivery): Promise<'sent' | 'retried' | 'failed'> {
    const { store, clock } = this.deps;
    const conversation = await store.getConversation(n.conversationId);
    if (!conversation?.active) {
      await store.markNoticeFailed(n.id, 'the conversation is gone', undefined);
      return 'failed';
    }
    try {
      await this.pace(conversation.id);
      await this.deps.sender.post(conversation, this.deps.renderNotice(n.title, n.lines));
      await store.markNoticeSent(n.id, clock());
      return 'sent';
    } catch (error) {
      const failure = describeSendError(error);
      const retry = failure.statusCode === undefined || RETRYABLE.has(failure.statusCode);
      if (failure.statusCode !== undefined && GONE.has(failure.statusCode))
        await store.setConversationActive(conversation.id, false, clock());
      const retryAt =
        retry && n.attempts + 1 < MAX_ATTEMPTS
          ? new Date(clock().getTime() + retryDelayMs(n.attempts, failure, this.deps.random))
          : undefined;
      await store.markNoticeFailed(n.id, failure.message, retryAt);
      return retryAt ? 'retried' : 'failed';
    }
  }

  private async deliver(d: DeliveryRecord): Promise<'sent' | 'retried' | 'failed'> {
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
      await this.pace(conversation.id);
      if (d.kind === 'post') {
        const activityId = await sender.post(conversation, this.deps.renderCard(alert));
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
      if (d.kind === 'update')
        await sender.update(conversation, posted, this.deps.renderCard(alert));
      else await sender.reply(conversation, posted, replyText(alert, conversation.oncall));
      await store.markDelivered(d.id, undefined, clock());
      return 'sent';
    } catch (error) {
      return this.failed(d, conversation, describeSendError(error));
    }
  }

  private async failed(
    d: DeliveryRecord,
    conversation: ConversationRecord,
    failure: SendFailure,
  ): Promise<'retried' | 'failed'> {
    const { store, clock, logger } = this.deps;
    if (failure.statusCode !== undefined && GONE.has(failure.statusCode)) {
      await store.setConversationActive(conversation.id, false, clock());
      await store.markDeliveryFailed(
        d.id,
        `HTTP ${failure.statusCode}: the bot was removed from the conversation`,
        undefined,
      );
      logger.warn(
        { conversation: conversation.id, status: failure.statusCode },
        'conversation deactivated',
      );
      return 'failed';
    }
    const retryable = failure.statusCode === undefined || RETRYABLE.has(failure.statusCode);
    if (!retryable || d.attempts + 1 >= MAX_ATTEMPTS) {
      await store.markDeliveryFailed(d.id, failure.message, undefined);
      logger.error(
        { delivery: d.id, status: failure.statusCode, err: failure.message },
        'delivery failed for good',
      );
      return 'failed';
    }
    const retryAt = new Date(
      clock().getTime() + retryDelayMs(d.attempts, failure, this.deps.random),
    );
    await store.markDeliveryFailed(d.id, failure.message, retryAt);
    return 'retried';
  }
}
