import { GraphDirectory } from '../../src/sources/graph-directory';
import { HybridAppReader } from '../../src/sources/hybrid-app-reader';
import { CLIENT, startEntraStandIn, TENANT, type EntraStandIn } from '../support/entra-stand-in';
import { hybridGraphRoutes } from '../support/exchange-hybrid';
import { requireTestCa } from '../support/tls';
import { installEgressFence, type EgressFence } from './egress-fence';

/**
 * A poisoned `@odata.nextLink` (a Graph answer, or someone on its path, pointing the next page at
 * another host) never receives the bot's Graph token: next links are followed on the Graph host only.
 */
requireTestCa();

let entra: EntraStandIn;
let fence: EgressFence;
beforeAll(async () => {
  entra = await startEntraStandIn();
  fence = installEgressFence();
});
afterAll(async () => {
  fence.remove();
  await entra.close();
});

it('reads the first page and stops at a next link to another host, connecting nowhere else', async () => {
  const origin = `https://localhost:${entra.graph.port}`;
  hybridGraphRoutes(entra.routes, origin, { pagedHolders: true });
  for (const [path, route] of entra.routes)
    entra.routes.set(path, (req) => {
      const [status, body, headers] = route(req);
      const text = JSON.stringify(body).replaceAll(origin, 'https://graph.evil.example');
      return [status, JSON.parse(text) as unknown, headers];
    });
  const reader = new HybridAppReader(
    new GraphDirectory(
      { tenantId: TENANT, clientId: CLIENT, clientSecret: 'test-secret' },
      origin,
      `https://localhost:${entra.login.port}`,
    ),
  );
  await reader.read();
  const holders = entra.graphRequests.filter((r) => r.path.includes('/appRoleAssignedTo'));
  expect(holders).toHaveLength(1); // the second page was on another host: not fetched
  expect(fence.outside()).toEqual([]);
  expect(fence.attempts.every((a) => a.host === 'localhost')).toBe(true);
});
