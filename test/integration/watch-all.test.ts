import { runSweep } from '../../src/alerts/sweep';
import type { createBotApp } from '../../src/bot/create-bot-app';
import { type BotApp } from '../../src/bot/create-bot-app';
import { loadSettings } from '../../src/config';
import { WATCH_ALL_KEY } from '../../src/engine/subject';
import { createLogger } from '../../src/logger';
import { GraphDirectory } from '../../src/sources/graph-directory';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher } from '../../src/sources/safe-fetcher';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { ADDED_BY_WATCH_ALL } from '../../src/use-cases/watch-all';
import { sayTo, startTestBot } from '../support/bot-server';
import {
  CLIENT,
  startEntraStandIn,
  TENANT as ENTRA_TENANT,
  type EntraStandIn,
} from '../support/entra-stand-in';
import { cardOf, cardTitle, FakeConnector } from '../support/fake-connector';
import { TENANT } from '../support/teams-activities';
import { requireTestCa } from '../support/tls';

/**
 * `watch all` / `unwatch all` (DESIGN §2, issue #16): every federated domain of the tenant as Graph
 * lists it, picked up and dropped at each sweep; over HTTP with a Graph stand-in.
 */
requireTestCa();

const logger = createLogger('silent');
const DOMAINS = '/domains?$select=id,authenticationType,isVerified';
let entra: EntraStandIn;
let connector: FakeConnector;
let store: Store;
let app: BotApp;
let base: string;
let stopBot: () => Promise<void>;
let now = new Date('2026-12-07T10:00:00Z');
let graph: GraphDirectory;
let checks: Parameters<typeof createBotApp>[0]['checks'] & object;

/** Graph's domain list: the federated ones given, and a managed one that must never be watched. */
function tenantDomains(...federated: string[]) {
  entra.routes.set(DOMAINS, () => [
    200,
    {
      value: [
        ...federated.map((id) => ({ id, authenticationType: 'Federated', isVerified: true })),
        { id: 'managed.example', authenticationType: 'Managed', isVerified: true },
      ],
    },
  ]);
}

beforeAll(async () => {
  entra = await startEntraStandIn();
  connector = await new FakeConnector().start();
  store = await openSqliteStore(':memory:');
  graph = new GraphDirectory(
    { tenantId: ENTRA_TENANT, clientId: CLIENT, clientSecret: 'test-secret' },
    `https://localhost:${entra.graph.port}`,
    `https://localhost:${entra.login.port}`,
  );
  checks = {
    metadata: new MetadataSource(new SafeFetcher({ allowPrivateHosts: [] })),
    graph,
    mfgMetadataUrl: 'https://nexus.invalid/FederationMetadata.xml',
    leadDays: 7,
  };
  ({
    app,
    base,
    stop: stopBot,
  } = await startTestBot({
    settings: loadSettings({ ALLOWED_TENANT_IDS: TENANT }),
    logger,
    checks,
    store,
    version: 'test',
    clock: () => now,
    fastReplyMs: 5000,
  }));
});

afterAll(async () => {
  await stopBot();
  await store.close();
  await connector.close();
  await entra.close();
});

const say = (text: string) => sayTo({ base, app }, connector, text);
const watched = async () =>
  (await store.listWatches('a:personal-ada')).map((w) => [w.domain, w.createdBy]).sort();
const sweep = async () => {
  now = new Date(now.getTime() + 3_600_000);
  await runSweep({ store, checks, clock: () => now, logger, escalateAfterHours: 4 });
};

it('watches every federated domain, follows Graph at each sweep, and unwatch all takes back only its own', async () => {
  tenantDomains('contoso.com', 'fabrikam.com');
  const [answer] = await say('watch all');
  expect(cardTitle(answer)).toBe('Watching every federated domain (2)');
  expect(JSON.stringify(cardOf(answer))).toContain('contoso.com, fabrikam.com');
  expect(await watched()).toEqual([
    [WATCH_ALL_KEY, 'Ada Lovelace'],
    ['contoso.com', ADDED_BY_WATCH_ALL],
    ['fabrikam.com', ADDED_BY_WATCH_ALL],
  ]);

  // Watched by name as well: it becomes the person's own watch.
  await say('watch fabrikam.com');
  // Graph now: contoso.com is no longer federated, northwind.com is new.
  tenantDomains('fabrikam.com', 'northwind.com');
  await sweep();
  expect(await watched()).toEqual([
    [WATCH_ALL_KEY, 'Ada Lovelace'],
    ['fabrikam.com', 'Ada Lovelace'],
    ['northwind.com', ADDED_BY_WATCH_ALL],
  ]);
  // The sweep checked the domains (each has an assessment), never the subscription itself.
  expect(await store.getAssessment('northwind.com')).toBeDefined();
  expect(await store.getAssessment(WATCH_ALL_KEY)).toBeUndefined();

  // Graph fails: nothing is unwatched.
  entra.routes.set(DOMAINS, () => [
    503,
    { error: { code: 'ServiceUnavailable', message: 'busy' } },
  ]);
  await sweep();
  expect((await watched()).map(([d]) => d)).toEqual([
    WATCH_ALL_KEY,
    'fabrikam.com',
    'northwind.com',
  ]);

  const [list] = await say('watchlist');
  expect(cardTitle(list)).toBe('Watched here: every federated domain (2)');

  const [stopped] = await say('unwatch all');
  expect(cardTitle(stopped)).toBe('No longer watching every federated domain');
  expect(JSON.stringify(cardOf(stopped))).toContain('Stopped watching 1: northwind.com');
  expect(await watched()).toEqual([['fabrikam.com', 'Ada Lovelace']]);
  expect(cardTitle((await say('unwatch all'))[0])).toBe(
    'This conversation does not watch all domains',
  );
  expect((await store.auditTrail(WATCH_ALL_KEY)).map((e) => e.action)).toEqual([
    'watch',
    'unwatch',
  ]);
}, 60_000);

it('says why when Graph cannot be read, refuses extra words, and changes nothing', async () => {
  entra.routes.set(DOMAINS, () => [
    403,
    { error: { code: 'Authorization_RequestDenied', message: 'no' } },
  ]);
  const [refused] = await say('watch all');
  expect(cardTitle(refused)).toBe('Could not list the federated domains');
  expect(await watched()).toEqual([['fabrikam.com', 'Ada Lovelace']]);
  expect(cardTitle((await say('watch all now'))[0])).toBe('I could not run that');
});
