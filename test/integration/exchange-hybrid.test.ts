import { runSweep } from '../../src/alerts/sweep';
import type { BotApp } from '../../src/bot/create-bot-app';
import type { CheckDependencies } from '../../src/checks/check-domain';
import { loadSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { GraphDirectory } from '../../src/sources/graph-directory';
import { HybridAppReader } from '../../src/sources/hybrid-app-reader';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { SnapshotSource } from '../../src/sources/snapshot-source';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { sayTo, startTestBot } from '../support/bot-server';
import {
  startEntraStandIn,
  TENANT as ENTRA_TENANT,
  CLIENT,
  type EntraStandIn,
} from '../support/entra-stand-in';
import { IDS, hybridGraphRoutes, hybridJson, type HybridGraph } from '../support/exchange-hybrid';
import { cardOf, cardTitle, FakeConnector } from '../support/fake-connector';
import { readFixture } from '../support/fixtures';
import { TENANT } from '../support/teams-activities';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

requireTestCa();

/**
 * The Exchange hybrid loop over HTTP, as an admin lives it (design/exchange-hybrid.md §4.3): the
 * collector posts the Auth snapshot hourly, Graph (a local stand-in) holds the dedicated app, the
 * sweep alerts the watching channel when the staged next certificate is not uploaded, raises it to
 * critical before Exchange switches, and resolves it once the app holds the certificate.
 */
const MFG_XML = readFixture(
  'mfg/nguyenvietquoc2569__betaschool-reborn__nexus-saml20-federationmetadata.xml',
);
const TOKEN = 'collector-token-hybrid-test';
const resolve: Resolver = (host) =>
  host === 'nexus.test'
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(new Error('ENOTFOUND'));
const logger = createLogger('silent');

let now = new Date('2026-11-12T12:00:00Z');
let nexus: TestServer;
let entra: EntraStandIn;
let setGraph: (next: HybridGraph) => void;
let connector: FakeConnector;
let store: Store;
let app: BotApp;
let base: string;
let stopBot: () => Promise<void>;
let checks: CheckDependencies;

beforeAll(async () => {
  nexus = await startHttpsServer((_req, res) => void res.end(MFG_XML), { hosts: ['nexus.test'] });
  entra = await startEntraStandIn();
  const graphOrigin = `https://localhost:${entra.graph.port}`;
  setGraph = hybridGraphRoutes(entra.routes, graphOrigin, {});
  connector = await new FakeConnector().start();
  store = await openSqliteStore(':memory:');
  checks = {
    metadata: new MetadataSource(new SafeFetcher({ allowPrivateHosts: ['nexus.test'], resolve })),
    snapshots: new SnapshotSource(store),
    mfgMetadataUrl: `https://nexus.test:${nexus.port}/FederationMetadata/2006-12/FederationMetadata.xml`,
    hybridApps: new HybridAppReader(
      new GraphDirectory(
        { tenantId: ENTRA_TENANT, clientId: CLIENT, clientSecret: 'test-secret' },
        graphOrigin,
        `https://localhost:${entra.login.port}`,
      ),
    ),
    graphBaseUrl: 'https://graph.microsoft.com',
    leadDays: 7,
  };
  ({
    app,
    base,
    stop: stopBot,
  } = await startTestBot({
    settings: loadSettings({ ALLOWED_TENANT_IDS: TENANT, COLLECTOR_TOKEN: TOKEN }),
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
  await nexus.close();
});

const say = (text: string, scope: 'channel' | 'personal' = 'personal') =>
  sayTo({ base, app }, connector, text, scope);

/** The hourly collector task: the fixture body, exactly as Send-FedTrustSnapshot.ps1 1.1 writes it. */
async function collect(name = 'collector-auth-next-staged.ps7.json') {
  const response = await fetch(`${base}/api/collector/snapshots`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify(hybridJson(name)),
  });
  expect(response.status).toBe(200);
}

async function sweepAt(iso: string) {
  now = new Date(iso);
  await collect();
  connector.clear();
  await runSweep({ store, checks, clock: () => now, logger, escalateAfterHours: 4 });
  await app.notifier.deliverPending();
}

describe('Exchange hybrid: collector 1.1 → Graph → check exchange → watch → alert → upload → resolved', () => {
  it('check exchange shows the hybrid app card, not a federation trust the organisation does not have', async () => {
    await collect();
    const cards = await say('check exchange');
    expect(cards.map(cardTitle)).toEqual(['Exchange hybrid app of contoso — OK']);
    const text = JSON.stringify(cardOf(cards[0]));
    expect(text).toContain('NEXT_AUTH_CERT_NOT_IN_HYBRID_APP');
    expect(text).toContain(
      `ExchangeServerApp-${IDS.organizationGuid} (appId ${IDS.appId}): feature enabled, EWS workflow, Entra read`,
    );
    expect(text).toContain(
      'Auth certificate BD4E74D5'.replace('BD4E74D5', IDS.thumbprints.cur.slice(0, 8)),
    );
  });

  it('48 h after the next certificate was staged, the card warns with the upload command', async () => {
    now = new Date('2026-11-13T12:00:00Z');
    await collect();
    const [card] = await say('check exchange contoso');
    expect(cardTitle(card)).toBe('Exchange hybrid app of contoso — WARNING');
    const text = JSON.stringify(cardOf(card));
    expect(text).toContain('.\\\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate');
    expect(text).toContain(IDS.thumbprints.next);
  });

  it('alerts the channel watching exchange, raises it before the switch, and resolves it after the upload', async () => {
    expect((await say('watch exchange', 'channel')).map(cardTitle)).toEqual([
      'Watching Exchange hybrid: the hybrid app and the federation trust',
    ]);
    await sweepAt('2026-11-13T12:00:00Z');
    const [alert] = connector.messages();
    expect(cardTitle(alert)).toBe('WARNING · Upload the next Auth certificate');
    expect(JSON.stringify(cardOf(alert))).toContain('contoso: Next Auth certificate');
    expect(JSON.stringify(cardOf(alert))).toContain(
      '"text":"Trust: Exchange hybrid app (contoso)"',
    );
    expect(JSON.stringify(cardOf(alert))).toContain('deploy-dedicated-hybrid-app');
    const [live] = await store.listLiveAlerts();
    expect(live).toMatchObject({
      idpKey: 'exchange-hybrid:contoso',
      thumbprint: IDS.thumbprints.next,
      code: 'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP',
    });

    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toContain('fedtrust_check_status{domain="exchange-hybrid:contoso"} 1');
    expect(metrics).toContain(
      'fedtrust_exchange_hybrid_app_key_held{organization="contoso",slot="current"} 1',
    );
    expect(metrics).toContain(
      'fedtrust_exchange_hybrid_app_key_held{organization="contoso",slot="next"} 0',
    );
    expect(metrics).toMatch(
      new RegExp(
        `fedtrust_certificate_days_left\\{domain="exchange-hybrid:contoso",source="exchange-auth",role="auth-current",thumbprint="${IDS.thumbprints.cur}"\\} 57`,
      ),
    );

    const [watchlist] = await say('watchlist', 'channel');
    expect(JSON.stringify(cardOf(watchlist))).toMatch(/Exchange hybrid app \(contoso\).*WARNING/);

    // The same deadlines at the next sweep (first seen is remembered, not moved).
    await sweepAt('2026-11-14T12:00:00Z');
    expect(connector.messages()).toEqual([]);

    // 24 h before Exchange switches to it: critical, the card updated and a reply that notifies.
    await sweepAt('2026-12-10T10:00:00Z');
    expect(connector.updates().map(cardTitle)).toEqual([
      'CRITICAL · Upload the next Auth certificate',
    ]);

    // The admin runs -UpdateCertificate: the app holds current and next.
    setGraph({ app: 'graph-app-holds-current-and-next.json' });
    await sweepAt('2026-12-10T11:00:00Z');
    expect(connector.updates().map(cardTitle)).toEqual([
      'RESOLVED · Upload the next Auth certificate',
    ]);
    expect(await store.listLiveAlerts()).toEqual([]);
    const [card] = await say('check exchange');
    expect(cardTitle(card)).toBe('Exchange hybrid app of contoso — OK');
    expect(JSON.stringify(cardOf(card))).toContain('AUTH_ROLLOVER_PENDING');
  });

  it('a Graph outage makes the check one-sided and resolves nothing', async () => {
    const OPEN = ['AUTH_CERT_NOT_IN_HYBRID_APP', 'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP'];
    setGraph({ app: 'graph-app-holds-none.json' });
    await sweepAt('2026-12-10T12:00:00Z');
    expect((await store.listLiveAlerts()).map((a) => a.code).sort()).toEqual(OPEN);
    setGraph({ forbidden: true });
    await sweepAt('2026-12-10T13:00:00Z');
    expect((await store.listLiveAlerts()).map((a) => a.code).sort()).toEqual(OPEN);
    const [card] = await say('check exchange');
    expect(JSON.stringify(cardOf(card))).toContain('grant Application.Read.All');
    setGraph({ app: 'graph-app-holds-current-and-next.json' });
    await sweepAt('2026-12-10T14:00:00Z');
    expect(await store.listLiveAlerts()).toEqual([]);
  });
});
