import { runSweep } from '../../src/alerts/sweep';
import { planSweep } from '../../src/alerts/sweep-planning';
import { storedResults, sweepTarget } from '../../src/alerts/sweep-targets';
import type { BotApp } from '../../src/bot/create-bot-app';
import type { CheckDependencies } from '../../src/checks/check-domain';
import { loadSettings } from '../../src/config';
import { parseMetadata } from '../../src/engine/metadata-parser';
import type { CertInfo } from '../../src/engine/types';
import { createLogger } from '../../src/logger';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { SnapshotSource } from '../../src/sources/snapshot-source';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { sayTo, startTestBot } from '../support/bot-server';
import { at, makeCert } from '../support/certs';
import { scriptBody } from '../support/collector-payloads';
import { cardOf, cardTitle, FakeConnector } from '../support/fake-connector';
import { readFixture } from '../support/fixtures';
import { cardAction, TENANT } from '../support/teams-activities';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

requireTestCa();

// The real MFG metadata (signed by Microsoft), served by a stand-in for nexus.microsoftonline-p.com.
const MFG_XML = readFixture(
  'mfg/nguyenvietquoc2569__betaschool-reborn__nexus-saml20-federationmetadata.xml',
);
const mfgCerts = (() => {
  const parsed = parseMetadata(MFG_XML);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.metadata.signingCerts as [CertInfo, CertInfo];
})();
const NOW = new Date(
  Math.max(mfgCerts[0].notBefore.getTime(), mfgCerts[1].notBefore.getTime()) + 30 * 86_400_000,
);
const TOKEN = 'collector-token-exchange-test';
const resolve: Resolver = (host) =>
  host === 'nexus.test'
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(new Error('ENOTFOUND'));
const logger = createLogger('silent');

let nexus: TestServer;
let connector: FakeConnector;
let store: Store;
let app: BotApp;
let base: string;
let stopBot: () => Promise<void>;
let retired: { info: CertInfo };

function checks(): CheckDependencies {
  return {
    metadata: new MetadataSource(new SafeFetcher({ allowPrivateHosts: ['nexus.test'], resolve })),
    snapshots: new SnapshotSource(store),
    mfgMetadataUrl: `https://nexus.test:${nexus.port}/FederationMetadata/2006-12/FederationMetadata.xml`,
    leadDays: 7,
  };
}

beforeAll(async () => {
  retired = await makeCert('CN=Live ID STS Signing Public Key', at(NOW, -700), at(NOW, 200));
  nexus = await startHttpsServer((_req, res) => void res.end(MFG_XML), { hosts: ['nexus.test'] });
  connector = await new FakeConnector().start();
  store = await openSqliteStore(':memory:');
  ({
    app,
    base,
    stop: stopBot,
  } = await startTestBot({
    settings: loadSettings({ ALLOWED_TENANT_IDS: TENANT, COLLECTOR_TOKEN: TOKEN }),
    logger,
    checks: checks(),
    store,
    version: 'test',
    clock: () => NOW,
    fastReplyMs: 3000,
  }));
});

afterAll(async () => {
  await stopBot();
  await store.close();
  await connector.close();
  await nexus.close();
});

const say = (text: string, scope: 'channel' | 'personal' = 'personal') =>
  sayTo({ base, app }, connector, text, scope);

async function collect(trust: {
  tokenIssuer: { info: CertInfo };
  tokenIssuerPrev?: { info: CertInfo };
}) {
  const response = await fetch(`${base}/api/collector/snapshots`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: scriptBody({
      organization: 'contoso',
      trust: { ...trust, metadataEpr: checks().mfgMetadataUrl },
      collectedAt: NOW,
    }),
  });
  expect(response.status).toBe(200);
}

const sweep = () =>
  runSweep({ store, checks: checks(), clock: () => NOW, logger, escalateAfterHours: 4 });

describe('Exchange federation trust: collector → check mfg → watch exchange → alert → refresh → resolved', () => {
  it('shows MFG alone, and says how to get the trust, before any snapshot', async () => {
    const cards = await say('check mfg');
    expect(cards.map(cardTitle)).toEqual([
      'Microsoft Federation Gateway — OK',
      'No Exchange trust snapshot yet',
    ]);
    expect(JSON.stringify(cardOf(cards[0]))).toContain(mfgCerts[0].thumbprintSha1);
  });

  it('shows the critical finding with the exact command for a trust that missed the rotation', async () => {
    await collect({ tokenIssuer: retired, tokenIssuerPrev: retired });
    const [card] = await say('check exchange');
    expect(cardTitle(card)).toBe('Exchange trust of contoso — CRITICAL');
    const text = JSON.stringify(cardOf(card));
    expect(text).toContain('MFG_CERT_NOT_IN_TRUST');
    expect(text).toContain('Get-FederationTrust | Set-FederationTrust -RefreshMetadata');
    expect(text).toContain('contoso from EX01');
    const actions = cardOf(card)?.actions as { verb?: string; data?: unknown }[];
    expect(actions.find((a) => a.verb === 'recheck')?.data).toEqual({
      domain: 'exchange',
      organization: 'contoso',
    });
    const invoke = async (data: unknown) =>
      JSON.stringify(
        await fetch(`${base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(cardAction(connector.url, 'recheck', data)),
        }).then((r) => r.json()),
      );
    expect(await invoke({ domain: 'exchange', organization: 'contoso' })).toContain(
      'Exchange trust of contoso — CRITICAL',
    );
    expect(await invoke({ domain: 'exchange', organization: '<b>x</b>' })).toContain(
      'That card action is not valid',
    );
    const fabrikam = await say('check exchange fabrikam');
    expect(fabrikam.map(cardTitle)).toEqual([
      'Microsoft Federation Gateway — OK',
      'No Exchange trust snapshot from fabrikam',
    ]);
    expect(JSON.stringify(cardOf(fabrikam[1]))).toContain('Organisations: contoso');
  });

  it('alerts a watching channel at the next sweep and resolves once a snapshot shows the refreshed trust', async () => {
    expect((await say('watch exchange', 'channel')).map(cardTitle)).toEqual([
      'Watching Exchange hybrid: the hybrid app and the federation trust',
    ]);
    connector.clear();
    await sweep();
    await app.notifier.deliverPending();
    const [alert] = connector.messages();
    expect(cardTitle(alert)).toBe(
      'CRITICAL · Exchange trust lacks the MFG certificate: free/busy failing',
    );
    expect(JSON.stringify(cardOf(alert))).toContain(
      'contoso: The Exchange federation trust holds none',
    );
    expect(JSON.stringify(cardOf(alert))).toContain('"text":"Domains: Exchange trust (MFG)"');

    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toContain('fedtrust_check_status{domain="exchange:contoso"} 2');
    expect(metrics).toContain(
      'fedtrust_collector_snapshot_age_seconds{organization="contoso",kind="exchange-trust",source="Microsoft Federation Gateway"} 0',
    );

    const [watchlist] = await say('watchlist', 'channel');
    expect(JSON.stringify(cardOf(watchlist))).toMatch(/Exchange trust \(MFG\).*CRITICAL/);

    await collect({ tokenIssuer: { info: mfgCerts[0] }, tokenIssuerPrev: { info: mfgCerts[1] } });
    connector.clear();
    await sweep();
    await app.notifier.deliverPending();
    expect(connector.updates().map(cardTitle)).toEqual([
      'RESOLVED · Exchange trust lacks the MFG certificate: free/busy failing',
    ]);
    expect(cardTitle((await say('check mfg'))[0])).toBe('Exchange trust of contoso — OK');
    expect((await say('unwatch exchange', 'channel')).map(cardTitle)).toEqual([
      'Stopped watching Exchange trust (MFG)',
    ]);
  });
});

describe('watch exchange in a shared sweep (the phases pg-boss runs on several replicas)', () => {
  const target = { watch: { kind: 'exchange' } as const, leadDays: 7 };
  const sharedSweep = async () => {
    await sweepTarget({ store, clock: () => NOW }, checks(), target);
    return planSweep(
      { store, clock: () => NOW, escalateAfterHours: 4, defaultLeadDays: 7 },
      await storedResults(store, [target], checks().mfgMetadataUrl),
    );
  };

  it('opens the alert from the stored results and resolves it once the trust is refreshed', async () => {
    await collect({ tokenIssuer: retired });
    await sharedSweep();
    const live = await store.listLiveAlerts();
    expect(live.map((a) => [a.code, a.idpKey])).toEqual([
      ['MFG_CERT_NOT_IN_TRUST', `exchange:contoso|${checks().mfgMetadataUrl}`],
    ]);
    await collect({ tokenIssuer: { info: mfgCerts[0] }, tokenIssuerPrev: { info: mfgCerts[1] } });
    await sharedSweep();
    expect(await store.listLiveAlerts()).toEqual([]);
  });
});
