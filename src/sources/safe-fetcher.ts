import { createHash } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import type * as Undici from 'undici';
import { AppError, isAppError } from '../errors';
import { privateAddressReason } from './address-policy';
import { cachedResolver, type Resolver } from './dns-cache';
import { describeNetworkError, readCapped, redirectRefusal } from './fetch-answers';
import { memoryValidators, type ValidatorCache } from './validator-cache';

export type { Validated, ValidatorCache } from './validator-cache';
export type { Resolver } from './dns-cache';

export interface FetcherOptions {
  /** Host names allowed to resolve to private/loopback addresses (OUTBOUND_ALLOW_PRIVATE). */
  allowPrivateHosts: readonly string[];
  resolve?: Resolver;
  /** Where ETag / Last-Modified and their documents are kept (default: in memory). */
  validators?: ValidatorCache;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  maxRedirects?: number;
  userAgent?: string;
}

export interface FetchOptions {
  maxBytes?: number;
  accept?: string;
  /** A host from the bot's own settings (login, MFG): address policy off, everything else on. */
  trusted?: boolean;
  headers?: Record<string, string>;
  /**
   * Whether the caller already holds what it made of this content (by SHA-256): then a 304 answers
   * with `reused` and an empty body, and the document is not read from the validator store.
   */
  reuse?: (contentHash: string) => boolean;
}

export interface TlsPeer {
  host: string;
  subject: string;
  notAfter: Date;
}

export interface FetchResult {
  url: string;
  status: number;
  body: string;
  /** Served from the conditional-GET cache after a 304. */
  fromCache: boolean;
  /** SHA-256 of `body` (hex): readers cache what they make of a document by it. */
  contentHash: string;
  /** A 304 for content the caller said it holds (`reuse`): `body` is empty. */
  reused?: boolean;
  /** The document is kept with its validators (a 304, or a 200 with ETag or Last-Modified). */
  kept?: boolean;
  tls?: TlsPeer;
}

const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
/** Connection pools kept at once, one per (host, port, pinned address); the least recent closes. */
const POOLED_AGENTS = 256;

/** Keep-alive connections to one host at one pinned address, and the TLS peer they met. */
interface PooledAgent {
  agent: Undici.Agent;
  peer?: TlsPeer;
}

/**
 * undici, loaded on the first request: a CLI check of a file never fetches, and starts ~90 ms sooner
 * without it (issue #14: the CLI loads only what a check needs).
 */
let undiciModule: typeof Undici | undefined;
function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
  undiciModule ??= require('undici') as typeof Undici;
  return undiciModule;
}

const defaultResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Fetches over HTTPS under the outbound rules of DESIGN §6. One per process: it holds the connection
 * pools and the DNS answers; the validators live in the store (or, for the CLI, in memory).
 */
export class SafeFetcher {
  private readonly validators: ValidatorCache;
  private readonly agents = new Map<string, PooledAgent>();
  private readonly allowPrivate: Set<string>;
  private readonly resolve: Resolver;
  private readonly connectTimeoutMs: number;
  private readonly totalTimeoutMs: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;

  constructor(options: FetcherOptions) {
    this.allowPrivate = new Set(options.allowPrivateHosts.map((h) => h.toLowerCase()));
    this.resolve = cachedResolver(options.resolve ?? defaultResolver);
    this.validators = options.validators ?? memoryValidators();
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.totalTimeoutMs = options.totalTimeoutMs ?? 10_000;
    this.maxRedirects = options.maxRedirects ?? 3;
    this.userAgent = options.userAgent ?? 'fedtrust-bot';
  }

  /**
   * Checks a URL without fetching it: https, no credentials. Throws URL_REFUSED with the reason.
   */
  static checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new AppError('URL_REFUSED', `"${raw.slice(0, 200)}" is not a URL`);
    }
    if (url.protocol !== 'https:')
      throw new AppError('URL_REFUSED', `only https:// URLs are fetched, not ${url.protocol}`);
    if (url.username || url.password)
      throw new AppError('URL_REFUSED', 'URLs with credentials are refused');
    return url;
  }

  /** Resolves once and returns the address to pin, or throws URL_REFUSED. */
  private async pinAddress(
    url: URL,
    trusted: boolean,
  ): Promise<{ address: string; family: number }> {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const allowed = trusted || this.allowPrivate.has(host);
    const literal = isIP(host);
    let addresses: { address: string; family: number }[];
    if (literal) addresses = [{ address: host, family: literal }];
    else {
      try {
        addresses = await this.resolve(host);
      } catch (error) {
        throw new AppError(
          'FETCH_FAILED',
          `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'DNS error'})`,
          { cause: error },
        );
      }
    }
    const [first] = addresses;
    if (!first) throw new AppError('FETCH_FAILED', `${host} does not resolve`);
    if (!allowed) {
      for (const a of addresses) {
        const reason = privateAddressReason(a.address);
        if (reason)
          throw new AppError(
            'URL_REFUSED',
            `${host} resolves to ${reason} (allow it with OUTBOUND_ALLOW_PRIVATE)`,
          );
      }
    }
    return first;
  }

  /**
   * The pool for a (host, port, pinned address): connections are kept alive and reused — one TLS
   * handshake per connection, not per request (DESIGN §7) — and a new DNS answer gets a pool of its own,
   * so the pin and the address policy hold for every connection.
   */
  private agentFor(url: URL, pinned: { address: string; family: number }): PooledAgent {
    const key = `${url.hostname}|${url.port}|${pinned.address}`;
    const found = this.agents.get(key);
    if (found) {
      this.agents.delete(key); // most recent last: the least recent is closed first
      this.agents.set(key, found);
      return found;
    }
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all)
        callback(null, [{ address: pinned.address, family: pinned.family }]);
      else callback(null, pinned.address, pinned.family);
    };
    const { Agent, buildConnector } = undici();
    const connector = buildConnector({ timeout: this.connectTimeoutMs, lookup });
    const pooled: PooledAgent = {
      agent: new Agent({
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        connect: (opts, callback) =>
          connector(opts, (error, socket) => {
            if (!error && socket && 'getPeerCertificate' in socket) {
              const peer = socket.getPeerCertificate();
              if (peer?.valid_to)
                pooled.peer = {
                  host: opts.hostname,
                  subject: String(peer.subject?.CN ?? ''),
                  notAfter: new Date(peer.valid_to),
                };
            }
            if (error) callback(error, null);
            else callback(null, socket);
          }),
      }),
    };
    this.agents.set(key, pooled);
    if (this.agents.size > POOLED_AGENTS) {
      const [oldest, entry] = this.agents.entries().next().value as [string, PooledAgent];
      this.agents.delete(oldest);
      void entry.agent.close().catch(() => undefined);
    }
    return pooled;
  }

  /** Closes every kept-alive connection (shutdown, and tests that must leave nothing open). */
  async close(): Promise<void> {
    const pools = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(pools.map((p) => p.agent.close().catch(() => undefined)));
  }

  /** GET a text document: at most `maxRedirects` redirects, each re-checked; the body capped. */
  async fetchText(rawUrl: string, options: FetchOptions = {}): Promise<FetchResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.totalTimeoutMs);
    try {
      return await this.follow(rawUrl, options, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) {
        throw new AppError(
          'FETCH_TIMEOUT',
          `no complete answer within ${this.totalTimeoutMs / 1000} s`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async follow(
    rawUrl: string,
    options: FetchOptions,
    signal: AbortSignal,
  ): Promise<FetchResult> {
    let url = SafeFetcher.checkUrl(rawUrl);
    for (let hop = 0; ; hop++) {
      const answer = await this.once(url, options, signal).catch((error: unknown) => {
        throw hop > 0 ? redirectRefusal(error) : error;
      });
      if ('location' in answer) {
        if (hop >= this.maxRedirects) {
          throw new AppError(
            'FETCH_TOO_MANY_REDIRECTS',
            `more than ${this.maxRedirects} redirects`,
          );
        }
        try {
          url = SafeFetcher.checkUrl(new URL(answer.location, url).toString());
        } catch (error) {
          throw redirectRefusal(error);
        }
        continue;
      }
      return answer;
    }
  }

  private async once(
    url: URL,
    options: FetchOptions,
    signal: AbortSignal,
    conditional = true,
  ): Promise<FetchResult | { location: string }> {
    const pinned = await this.pinAddress(url, options.trusted === true);
    const pooled = this.agentFor(url, pinned);
    const agent = pooled.agent;
    const key = url.toString();
    const cached = conditional ? await this.validators.get(key) : undefined;
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      accept: options.accept ?? 'application/xml, text/xml;q=0.9, */*;q=0.1',
      ...options.headers,
    };
    if (cached?.etag) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
    try {
      const response = await undici()
        .request(url, {
          method: 'GET',
          headers,
          dispatcher: agent,
          signal,
          headersTimeout: this.totalTimeoutMs,
          bodyTimeout: this.totalTimeoutMs,
        })
        .catch((error: unknown) => {
          if (signal.aborted) throw error;
          throw new AppError('FETCH_FAILED', describeNetworkError(error, url), { cause: error });
        });
      const { statusCode } = response;
      const tls = pooled.peer;
      if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
        await response.body.dump();
        const location = response.headers.location;
        if (typeof location !== 'string')
          throw new AppError('FETCH_FAILED', `redirect ${statusCode} without a Location`);
        return { location };
      }
      if (statusCode === 304 && cached) {
        await response.body.dump();
        const { url: from, status, hash: contentHash } = cached;
        if (options.reuse?.(contentHash))
          return {
            url: from,
            status,
            body: '',
            fromCache: true,
            contentHash,
            reused: true,
            kept: true,
            tls,
          };
        const body = await this.validators.document(contentHash);
        if (body !== undefined)
          return { url: from, status, body, fromCache: true, contentHash, kept: true, tls };
        // Another process replaced the document in between: ask again, unconditionally.
        return this.once(url, options, signal, false);
      }
      if (statusCode !== 200) {
        await response.body.dump();
        throw new AppError('FETCH_HTTP_STATUS', `${url.host} answered HTTP ${statusCode}`);
      }
      const body = await readCapped(response, options.maxBytes ?? DEFAULT_MAX_BYTES);
      const result: FetchResult = {
        url: url.toString(),
        status: statusCode,
        body,
        fromCache: false,
        contentHash: createHash('sha256').update(body).digest('hex'),
        tls,
      };
      result.kept = await this.remember(key, response.headers, result);
      return result;
    } catch (error) {
      // A failed connection may have left the pool unusable (a reset, a timeout): start afresh next time.
      if (isAppError(error) && error.code === 'FETCH_FAILED') this.forget(pooled);
      throw error;
    }
  }

  private forget(pooled: PooledAgent): void {
    for (const [key, entry] of this.agents)
      if (entry === pooled) {
        this.agents.delete(key);
        void entry.agent.destroy().catch(() => undefined);
      }
  }

  private async remember(
    key: string,
    headers: Record<string, string | string[] | undefined>,
    result: FetchResult,
  ): Promise<boolean> {
    const etag = typeof headers.etag === 'string' ? headers.etag : undefined;
    const lastModified =
      typeof headers['last-modified'] === 'string' ? headers['last-modified'] : undefined;
    await this.validators.set(
      key,
      etag || lastModified
        ? {
            etag,
            lastModified,
            status: result.status,
            url: result.url,
            body: result.body,
            hash: result.contentHash,
          }
        : undefined,
    );
    return Boolean(etag || lastModified);
  }
}
