/**
 * What a failed send to the Bot Connector means (DESIGN §7 "Nothing is lost to a transient failure"):
 * 408, 412, 429, every 5xx, timeouts and connection errors are retried with exponential backoff and
 * jitter, honouring Retry-After, for as long as the alert is live and at least 24 h; only 400 and 401
 * are permanent; 403 and 404 mean the bot was removed (the conversation is marked inactive).
 */
export type FailureKind = 'retry' | 'removed' | 'permanent';

/** What a failed send says (HTTP status and Retry-After, when the sender knows them). */
export interface SendFailure {
  statusCode?: number;
  retryAfterMs?: number;
  message: string;
}

/** At least this long a failing delivery is retried, even after its alert resolved. */
export const RETRY_FOR_MS = 24 * 3_600_000;
const FIRST_BACKOFF_MS = 1_000;
/** Backoff stops growing here: a long Connector outage is probed every few minutes, not every hour. */
export const MAX_BACKOFF_MS = 5 * 60_000;

export function classifyFailure(failure: SendFailure): FailureKind {
  const status = failure.statusCode;
  if (status === undefined) return 'retry';
  if (status === 403 || status === 404) return 'removed';
  if (status === 400 || status === 401) return 'permanent';
  return 'retry';
}

/** Exponential backoff with jitter (50–100 % of the step), never sooner than Retry-After. */
export function retryDelayMs(
  attempt: number,
  failure: SendFailure,
  random: () => number = Math.random,
): number {
  const step = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(attempt, 30));
  return Math.max(step * (0.5 + random() / 2), failure.retryAfterMs ?? 0);
}

/** Whether a retryable failure is tried again: while the alert is live, and for 24 h in any case. */
export function keepsRetrying(queuedAt: Date, now: Date, alertLive: boolean): boolean {
  return alertLive || now.getTime() - queuedAt.getTime() < RETRY_FOR_MS;
}

/** Reads the HTTP status and Retry-After from whatever the Bot Framework client threw. */
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

/** The label of a delivery that failed for good, for `fedtrust_deliveries_failed_total{reason}`. */
export function failureReason(failure: SendFailure, kind: FailureKind): string {
  if (kind === 'removed') return 'bot-removed';
  if (kind === 'permanent') return `http-${failure.statusCode}`;
  return failure.statusCode === undefined ? 'unreachable' : `gave-up-http-${failure.statusCode}`;
}
