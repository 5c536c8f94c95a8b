import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import { createHash, timingSafeEqual } from 'node:crypto';
import * as restify from 'restify';
import type { Metrics } from './metrics';
import type { Store } from './store/store';
import { PAGES } from './pages/pages';

export interface ServerOptions {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  version: string;
  store: Store;
  metrics: Metrics;
  /** Bearer token required by /metrics (METRICS_TOKEN); none = open. */
  metricsToken?: string;
}

/** Compares a presented bearer token in constant time (hashes first, so lengths never leak). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

const MAX_BODY_BYTES = 256 * 1024;

/** The HTTP surface (DESIGN §2): Bot Framework messages and health. Built here, started by start(). */
export function makeServer(options: ServerOptions): restify.Server {
  const server = restify.createServer({ name: 'fedtrust-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await options.adapter.process(req, res, (turn) => options.bot.run(turn));
  });
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok', version: options.version });
    next();
  });
  // Ready: the store answers (it was migrated when it was opened).
  server.get('/readyz', async (_req, res) => {
    try {
      await options.store.ping();
      res.send(200, { status: 'ready' });
    } catch (error) {
      options.logger.warn({ err: error }, 'not ready: the store does not answer');
      res.send(503, { status: 'unavailable', reason: 'the store does not answer' });
    }
  });
  server.get('/metrics', async (req, res) => {
    if (options.metricsToken && !bearerMatches(req.headers.authorization, options.metricsToken)) {
      res.send(401, { error: 'a bearer token is required' });
      return;
    }
    await options.metrics.refresh();
    res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
    res.end(await options.metrics.registry.metrics());
  });
  for (const [path, html] of Object.entries(PAGES)) {
    server.get(path, (_req, res, next) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      });
      res.end(html);
      next();
    });
  }
  server.on(
    'restifyError',
    (
      req: restify.Request,
      _res: restify.Response,
      err: Error & { statusCode?: number },
      callback: () => void,
    ) => {
      options.logger.warn(
        { path: req.path(), status: err.statusCode, err: err.message },
        'request refused',
      );
      callback();
    },
  );
  return server;
}

/** Listens on host:port; resolves with the bound port (0 picks a free one, for tests). */
export function start(server: restify.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
