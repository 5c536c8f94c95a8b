import type { Logger } from 'pino';
import type * as restify from 'restify';
import { decodeCollectorPayload } from '../sources/collector-payload';
import type { SnapshotStore } from '../store/store';
import { bearerMatches } from './bearer';
import { readJsonBody } from './read-json-body';

/** A collector body is a few certificates; 1 MiB leaves room for chatty ConvertTo-Json output (issue #5). */
export const COLLECTOR_MAX_BODY_BYTES = 1024 * 1024;
export const COLLECTOR_PATH = '/api/collector/snapshots';

export interface CollectorRouteOptions {
  /** COLLECTOR_TOKEN; without it the route is not registered (404). */
  token: string;
  store: Pick<SnapshotStore, 'saveSnapshot'>;
  clock: () => Date;
  logger: Logger;
}

function reply(res: restify.Response, status: number, body: object, close = false): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify(body));
}

/**
 * POST /api/collector/snapshots (DESIGN §2): the token is checked before a byte of the body is read;
 * the body is validated whole, and kept only when every part of it is valid.
 */
export function registerCollectorRoute(
  server: restify.Server,
  options: CollectorRouteOptions,
): void {
  server.post(COLLECTOR_PATH, async (req, res) => {
    const log = options.logger.child({ route: COLLECTOR_PATH, remote: req.socket.remoteAddress });
    if (!bearerMatches(req.headers.authorization, options.token)) {
      log.warn('collector snapshot refused: wrong or missing token');
      reply(res, 401, { error: 'UNAUTHORIZED', message: 'a valid bearer token is required' }, true);
      return;
    }
    const body = await readJsonBody(req, COLLECTOR_MAX_BODY_BYTES);
    if (!body.ok) {
      log.warn({ status: body.status, reason: body.message }, 'collector snapshot refused');
      reply(res, body.status, { error: 'BAD_INPUT', message: body.message }, body.status === 413);
      return;
    }
    const receivedAt = options.clock();
    const decoded = decodeCollectorPayload(body.value, receivedAt);
    if (!decoded.ok) {
      log.warn({ problems: decoded.problems }, 'collector snapshot refused');
      reply(res, 400, {
        error: 'BAD_INPUT',
        message: 'the snapshot is invalid',
        problems: decoded.problems,
      });
      return;
    }
    try {
      for (const snapshot of decoded.snapshots) await options.store.saveSnapshot(snapshot);
    } catch (error) {
      log.error({ err: error }, 'collector snapshot not stored');
      reply(res, 503, {
        error: 'STORE_FAILED',
        message: 'the snapshot could not be stored; send it again',
      });
      return;
    }
    const kept = decoded.snapshots.map((s) => ({ kind: s.kind, source: s.sourceKey }));
    log.info(
      { organization: decoded.snapshots[0]?.organization, kept },
      'collector snapshot stored',
    );
    reply(res, 200, {
      organization: decoded.snapshots[0]?.organization,
      receivedAt: receivedAt.toISOString(),
      kept,
    });
  });
}
