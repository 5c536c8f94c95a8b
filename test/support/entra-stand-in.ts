import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpsServer, type TestServer } from './tls';

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT = '66666666-7777-8888-9999-000000000000';

type Route = (req: IncomingMessage) => [number, unknown, Record<string, string>?];

export interface EntraStandIn {
  login: TestServer;
  graph: TestServer;
  tokenRequests: number;
  /** The form fields of the last token request (client_secret or client_assertion, …). */
  lastTokenForm?: URLSearchParams;
  graphRequests: { path: string; authorization?: string }[];
  /** Path (without /v1.0) → [status, body, headers]; a function for sequences. */
  routes: Map<string, Route>;
  /** Extra login-host routes by path and query, e.g. realm discovery's /common/userrealm/…. */
  loginRoutes: Map<string, Route>;
  close(): Promise<void>;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Real HTTPS stand-ins for login.microsoftonline.com (OpenID configuration and the client-credentials
 * token endpoint) and graph.microsoft.com, so @azure/identity and the Graph client run for real.
 */
export async function startEntraStandIn(
  ports: { login?: number; graph?: number } = {},
): Promise<EntraStandIn> {
  const state: Partial<EntraStandIn> & {
    tokenRequests: number;
    graphRequests: EntraStandIn['graphRequests'];
    routes: EntraStandIn['routes'];
    loginRoutes: EntraStandIn['loginRoutes'];
  } = {
    tokenRequests: 0,
    graphRequests: [],
    routes: new Map(),
    loginRoutes: new Map(),
  };
  const login = await startHttpsServer(
    async (req, res) => {
      const origin = `https://localhost:${login.port}`;
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname.endsWith('/.well-known/openid-configuration')) {
        return json(res, 200, {
          issuer: `${origin}/${TENANT}/v2.0`,
          authorization_endpoint: `${origin}/${TENANT}/oauth2/v2.0/authorize`,
          token_endpoint: `${origin}/${TENANT}/oauth2/v2.0/token`,
          end_session_endpoint: `${origin}/${TENANT}/oauth2/v2.0/logout`,
          jwks_uri: `${origin}/${TENANT}/discovery/v2.0/keys`,
          response_types_supported: ['code'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid'],
          tenant_region_scope: 'EU',
          cloud_instance_name: 'microsoftonline.com',
        });
      }
      if (url.pathname.endsWith('/oauth2/v2.0/token') && req.method === 'POST') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        await new Promise((resolve) => req.on('end', resolve));
        state.lastTokenForm = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        state.tokenRequests++;
        return json(res, 200, {
          token_type: 'Bearer',
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: `test-token-${state.tokenRequests}`,
        });
      }
      const route = state.loginRoutes.get(decodeURIComponent(req.url ?? ''));
      if (route) {
        const [status, body, headers] = route(req);
        return json(res, status, body, headers);
      }
      json(res, 404, { error: 'not_found' });
    },
    { port: ports.login },
  );
  const graph = await startHttpsServer(
    (req, res) => {
      const path = (req.url ?? '').replace(/^\/v1\.0/, '');
      state.graphRequests.push({ path, authorization: req.headers.authorization });
      const route = state.routes.get(decodeURIComponent(path));
      if (!route)
        return json(res, 404, {
          error: { code: 'Request_ResourceNotFound', message: `no ${path}` },
        });
      const [status, body, headers] = route(req);
      json(res, status, body, headers);
    },
    { port: ports.graph },
  );
  const standIn: EntraStandIn = Object.assign(state, {
    login,
    graph,
    close: async () => {
      await login.close();
      await graph.close();
    },
  });
  return standIn;
}
