import { openCritical } from '../support/alerts';
import { queueAlertChanges } from '../../src/alerts/sweep-planning';
import { composeServices } from '../../src/compose';
import { loadSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { GraphDirectory } from '../../src/sources/graph-directory';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { startEntraStandIn, TENANT, type EntraStandIn } from '../support/entra-stand-in';
import { FakeConnector, personalChat } from '../support/fake-connector';
import {
  startManagedIdentityStandIn,
  type ManagedIdentityStandIn,
} from '../support/managed-identity-stand-in';
import { requireTestCa } from '../support/tls';

/**
 * A deployment with no secret (DESIGN §3, issue #16): the bot's identity is a user-assigned managed
 * identity (MicrosoftAppType=UserAssignedMSI) and Graph is read with a managed identity
 * (GRAPH_MANAGED_IDENTITY=true). Both get their tokens from a stand-in of App Service's managed-identity
 * endpoint (IDENTITY_ENDPOINT / IDENTITY_HEADER), as on Azure.
 */
requireTestCa();

const IDENTITY = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'; // the managed identity's client id

let mi: ManagedIdentityStandIn;
let entra: EntraStandIn;
let restoreEnv: () => void;
beforeAll(async () => {
  mi = await startManagedIdentityStandIn();
  entra = await startEntraStandIn();
  restoreEnv = mi.useInThisProcess();
});
afterAll(async () => {
  restoreEnv();
  await mi.close();
  await entra.close();
});

it('reads Graph with the managed identity: a token for Graph from the platform endpoint, no secret', async () => {
  const settings = loadSettings({
    GRAPH_MANAGED_IDENTITY: 'true',
    GRAPH_CLIENT_ID: IDENTITY,
    GRAPH_BASE_URL: `https://localhost:${entra.graph.port}`,
  });
  expect(settings.graph).toEqual({ managedIdentity: true, clientId: IDENTITY });
  entra.routes.set('/domains', () => [200, { value: [{ id: 'contoso.com' }] }]);
  const directory = new GraphDirectory(
    settings.graph!,
    settings.GRAPH_BASE_URL,
    settings.LOGIN_BASE_URL,
  );
  expect(await directory.read('/domains')).toEqual({ value: [{ id: 'contoso.com' }] });
  const [request] = mi.requests;
  expect(request?.headerOk).toBe(true);
  expect(request?.query.get('client_id')).toBe(IDENTITY);
  expect(request?.query.get('resource')).toBe(`https://localhost:${entra.graph.port}`);
  expect(entra.graphRequests.at(-1)?.authorization).toBe('Bearer mi-token-1');
  expect(entra.tokenRequests).toBe(0); // the login endpoint was never asked
});

it('posts alerts as a UserAssignedMSI bot: the Connector gets the identity’s token, and no password is needed', async () => {
  const settings = loadSettings({
    MicrosoftAppId: IDENTITY,
    MicrosoftAppType: 'UserAssignedMSI',
    MicrosoftAppTenantId: TENANT,
  });
  const connector = await new FakeConnector().start();
  const store = await openSqliteStore(':memory:');
  try {
    const now = new Date();
    await store.upsertConversation(personalChat('a:ada', connector.url), now);
    await store.addWatch({ conversationId: 'a:ada', domain: 'contoso.com', createdAt: now });
    await queueAlertChanges(store, { now, alerts: [], transitions: [openCritical()] }, 7);
    const { notifier } = composeServices({
      settings,
      store,
      logger: createLogger('silent'),
      version: 'test',
    });
    expect(await notifier.deliverPending()).toEqual({ sent: 1, retried: 0, failed: 0 });
    const botToken = mi.requests.find((r) => r.query.get('resource')?.includes('botframework'));
    expect(botToken?.query.get('client_id')).toBe(IDENTITY);
    expect(connector.messages()[0]?.authorization).toMatch(/^Bearer mi-token-\d+$/);
  } finally {
    await store.close();
    await connector.close();
  }
});

it('refuses a UserAssignedMSI bot without its tenant, and a managed identity given a secret', () => {
  expect(() =>
    loadSettings({ MicrosoftAppId: IDENTITY, MicrosoftAppType: 'UserAssignedMSI' }),
  ).toThrow(/MicrosoftAppTenantId: is required for a UserAssignedMSI bot/);
  expect(() =>
    loadSettings({ GRAPH_MANAGED_IDENTITY: 'true', GRAPH_CLIENT_SECRET: 's3cret' }),
  ).toThrow(/GRAPH_MANAGED_IDENTITY: a managed identity needs no GRAPH_CLIENT_SECRET/);
});
