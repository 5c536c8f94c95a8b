import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The App Service / Container Apps managed-identity endpoint on 127.0.0.1 (what the platform puts in
 * IDENTITY_ENDPOINT, checking the IDENTITY_HEADER secret it also sets): answers a token per resource,
 * so @azure/identity's ManagedIdentityCredential runs for real. Tokens are `mi-token-<n>`.
 */
export interface ManagedIdentityStandIn {
  endpoint: string;
  header: string;
  /** Each token request's query (resource, client_id, api-version) and whether the header matched. */
  requests: { query: URLSearchParams; headerOk: boolean }[];
  /** Points the process at it (IDENTITY_ENDPOINT / IDENTITY_HEADER), returning how to undo that. */
  useInThisProcess(): () => void;
  close(): Promise<void>;
}

export async function startManagedIdentityStandIn(): Promise<ManagedIdentityStandIn> {
  const header = 'test-identity-header-secret';
  const requests: ManagedIdentityStandIn['requests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headerOk = req.headers['x-identity-header'] === header;
    requests.push({ query: url.searchParams, headerOk });
    if (!headerOk || url.pathname !== '/msi/token') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 401, message: 'bad identity header' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: `mi-token-${requests.length}`,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: url.searchParams.get('resource'),
        token_type: 'Bearer',
        client_id: url.searchParams.get('client_id') ?? 'system-assigned',
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`;
  return {
    endpoint,
    header,
    requests,
    useInThisProcess() {
      const before = { e: process.env.IDENTITY_ENDPOINT, h: process.env.IDENTITY_HEADER };
      process.env.IDENTITY_ENDPOINT = endpoint;
      process.env.IDENTITY_HEADER = header;
      return () => {
        for (const [key, value] of [
          ['IDENTITY_ENDPOINT', before.e],
          ['IDENTITY_HEADER', before.h],
        ] as const)
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
      };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
