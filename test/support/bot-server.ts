import type { Server } from 'node:http';
import type * as restify from 'restify';

/** Closes a restify server and its keep-alive connections, so jest can exit. */
export function closeServer(server: restify.Server): Promise<void> {
  (server as unknown as { server: Server }).server.closeAllConnections();
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
  });
}
