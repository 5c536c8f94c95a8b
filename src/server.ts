import './quiet-deprecations'; // before restify: see that file
import type { ActivityHandler } from 'botbuilder';
import type { FedtrustAdapter } from './bot/fedtrust-adapter';
import type { Logger } from 'pino';
import * as restify from 'restify';
import { isObject } from './engine/ps-json';
import { bearerMatches } from './http/bearer';
import { registerCollectorRoute } from './http/collector-route';
import type { Metrics } from './metrics';
import type { SnapshotStore, Store } from './store/store';
import { PAGES } from './pages/pages';

export interface ServerOptions {
  adapter: FedtrustAdapter;
  bot: ActivityHandler;
  logger: Logger;
  version: string;
  store: Pick<Store, 'ping'> & Pick<SnapshotStore, 'saveSnapshot'>;
  metrics: Metrics;
  /** Bearer token required by /metrics (METRICS_TOKEN); none = open. */
  metricsToken?: string;
  /** COLLECTOR_TOKEN: turns POST /api/collector/snapshots on. */
  collectorToken?: string;
  clock: () => Date;
}

const MAX_BODY_BYTES = 256 * 1024;

/** The HTTP surface (DESIGN §2): Bot Framework messages, the collector, health and metrics. Built here, started by start(). */
export function makeServer(options: ServerOptions): restify.Server {
  const server = restify.createServer({ name: 'fedtrust-bot', handleUncaughtExceptions: false });
  const activityBody = restify.plugins.bodyParser({
    maxBodySize: MAX_BODY_BYTES,
    mapParams: false,
  });
  server.post(
    '/api/messages',
    activityBody,
    async (req: restify.Request, res: restify.Response) => {
      // DESIGN §10: a fixed answer for every refusal; library text and stacks go to the log only.
      const activity: unknown = req.body;
      if (!isObject(activity) || typeof activity.type !== 'string' || activity.type === '') {
        res.send(400, { error: 'The body is not a Bot Framework activity.' });
        return;
      }
      let auth;
      try {
        auth = await options.adapter.authenticate(activity, req.headers.authorization ?? '');
      } catch (error) {
        options.logger.warn(
          { reason: (error as Error).message?.slice(0, 200), ip: req.socket.remoteAddress },
          'request refused: authentication failed',
        );
        res.send(401, { error: 'Unauthorized.' });
        return;
      }
      try {
        const invoke = await options.adapter.run(auth, activity, (turn) => options.bot.run(turn));
        res.send(invoke?.status ?? 200, invoke?.body);
      } catch (error) {
        options.logger.error({ err: error }, 'turn failed');
        res.send(500, { error: 'The request could not be processed.' });
      }
    },
  );
  if (options.collectorToken) {
    registerCollectorRoute(server, {
      token: options.collectorToken,
      store: options.store,
      clock: options.clock,
      logger: options.logger,
    });
  }
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
