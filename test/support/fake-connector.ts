import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConversationRecord } from '../../src/store/store';

export interface ConnectorCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  /** The activity id this connector answered with. */
  responseId?: string;
  /** The Authorization header the bot sent (a Bot Framework token, unless in local mode). */
  authorization?: string;
}

/**
 * A Bot Connector stand-in on 127.0.0.1: records what the bot sends (new activities, replies, updates)
 * and answers like Teams, with activity ids. Point an activity's serviceUrl at `url`.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private nextId = 1;
  url = '';
  /** Answers to give instead of success, in order (status and headers), e.g. a 429 burst. */
  readonly failures: { status: number; headers?: Record<string, string>; match?: string }[] = [];
  /**
   * Requests to hold without answering (Teams has not accepted them): every POST from the n-th on,
   * counted from 1.
   */
  holdPostsFrom?: number;
  /** The same for updates (PUT): every one from the n-th on is held. */
  holdUpdatesFrom?: number;
  /**
   * Held requests are accepted first (recorded as delivered, with an id) and only their answer is
   * held: the instant between Teams accepting a post and the bot recording its id.
   */
  acceptHeld = false;
  /** Requests received and held (never answered; accepted only under `acceptHeld`). */
  readonly held: string[] = [];
  private posts = 0;
  private puts = 0;
  /**
   * Teams' throttling, enforced like the real service: above any limit a request is answered 429 with
   * Retry-After. `thread` limits count per conversation (thread), `tenantPerSecond` over everything.
   */
  limits?: { tenantPerSecond: number; thread: { windowMs: number; count: number }[] };
  /** The next n requests whose path contains `resetMatch` have their connection destroyed, unanswered. */
  resetNext = 0;
  resetMatch?: string;
  /** Requests whose path contains `hangMatch` are answered (normally) only after `hangMs`. */
  hangMs = 0;
  hangMatch?: string;
  /** Requests answered 429 by `limits`. */
  throttled = 0;
  private readonly seen: { at: number; conversation: string }[] = [];

  /** Whether `limits` refuse a request to `conversation` now (and remembers an accepted one). */
  private overLimit(conversation: string): boolean {
    if (!this.limits) return false;
    const now = performance.now();
    const within = (ms: number, c?: string) =>
      this.seen.filter((r) => r.at > now - ms && (c === undefined || r.conversation === c)).length;
    const over =
      within(1_000) >= this.limits.tenantPerSecond ||
      this.limits.thread.some((l) => within(l.windowMs, conversation) >= l.count);
    if (!over) this.seen.push({ at: now, conversation });
    return over;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        if (this.hangMs > 0 && decodeURIComponent(req.url ?? '').includes(this.hangMatch ?? '')) {
          const ms = this.hangMs;
          this.hangMs = 0; // one hang, then healthy
          setTimeout(() => answer(body), ms);
          return;
        }
        answer(body);
      });
      const answer = (body: Record<string, unknown>): void => {
        const hold =
          (req.method === 'POST' && ++this.posts >= (this.holdPostsFrom ?? Infinity)) ||
          (req.method === 'PUT' && ++this.puts >= (this.holdUpdatesFrom ?? Infinity));
        if (hold) {
          this.held.push(req.url ?? '');
          if (this.acceptHeld)
            this.calls.push({
              method: req.method ?? '',
              path: req.url ?? '',
              body,
              responseId: `activity-${this.nextId++}`,
            });
          return; // no answer: the sender dies waiting (and nothing was accepted, unless acceptHeld)
        }
        if (
          this.resetNext > 0 &&
          this.resetMatch &&
          decodeURIComponent(req.url ?? '').includes(this.resetMatch)
        ) {
          this.resetNext--;
          req.socket.destroy();
          return;
        }
        const conversation = /\/v3\/conversations\/([^/]+)/.exec(req.url ?? '')?.[1] ?? '';
        if (req.method !== 'GET' && this.overLimit(decodeURIComponent(conversation))) {
          this.throttled++;
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
          res.end(JSON.stringify({ error: { code: 'Throttled', message: 'HTTP 429' } }));
          return;
        }
        const at = this.failures.findIndex(
          (f) => !f.match || decodeURIComponent(req.url ?? '').includes(f.match),
        );
        const failure = at === -1 ? undefined : this.failures.splice(at, 1)[0];
        if (failure) {
          this.calls.push({
            method: req.method ?? '',
            path: req.url ?? '',
            body,
            responseId: `failed-${failure.status}`,
          });
          res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
          res.end(
            JSON.stringify({ error: { code: 'Failure', message: `HTTP ${failure.status}` } }),
          );
          return;
        }
        const updated = /\/activities\/([^/]+)$/.exec(req.url ?? '');
        const id =
          req.method === 'PUT' && updated
            ? decodeURIComponent(updated[1]!)
            : `activity-${this.nextId++}`;
        this.calls.push({
          method: req.method ?? '',
          path: req.url ?? '',
          body,
          responseId: id,
          authorization: req.headers.authorization,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id }));
      };
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /** Messages the bot posted (not typing indicators), in order. */
  messages(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'POST' && c.body.type === 'message');
  }

  updates(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'PUT');
  }

  clear(): void {
    this.calls.length = 0;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The card JSON of a posted or updated activity. */
export function cardOf(call: ConnectorCall | undefined): Record<string, unknown> | undefined {
  const attachments = call?.body.attachments as
    { contentType: string; content: Record<string, unknown> }[] | undefined;
  return attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    ?.content;
}

export function cardTitle(call: ConnectorCall | undefined): string {
  const body = cardOf(call)?.body as { items?: { text?: string }[] }[] | undefined;
  return body?.[0]?.items?.[0]?.text ?? '';
}

/** A personal chat whose saved reference points at this fake connector (for seeding a store directly). */
export function personalChat(id: string, serviceUrl: string): ConversationRecord {
  return {
    id,
    reference: {
      serviceUrl,
      channelId: 'msteams',
      conversation: { id },
      bot: { id: '28:bot' },
      user: { id: `29:user-of-${id}` },
    },
    scope: 'personal',
    active: true,
  };
}
