import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import type { ServerResponse } from 'node:http';
import { createBotApp, type BotApp } from '../../src/bot/create-bot-app';
import type { CheckDependencies } from '../../src/checks/check-domain';
import { loadSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { MetadataSource } from '../../src/sources/metadata-source';
import { RealmDiscovery } from '../../src/sources/realm-discovery';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { start } from '../../src/server';
import { closeServer } from '../support/bot-server';
import { cardOf, cardTitle, FakeConnector } from '../support/fake-connector';
import { readFixture } from '../support/fixtures';
import { cardAction, OTHER_TENANT, TENANT, teamsMessage } from '../support/teams-activities';
import { CLIENT, startEntraStandIn, TENANT as ENTRA_TENANT } from '../support/entra-stand-in';
import { GraphDirectory } from '../../src/sources/graph-directory';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

requireTestCa();

const DTU = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
const DTU_CERT = /<X509Certificate>([^<]+)</.exec(DTU)![1]!;
const resolve: Resolver = (host) =>
  host === 'adfs.test'
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));

let idp: TestServer;
let connector: FakeConnector;
let app: BotApp;
let botUrl: string;
let slowMs = 0;

function metadataUrl(path = '/FederationMetadata/2007-06/FederationMetadata.xml'): string {
  return `https://adfs.test:${idp.port}${path}`;
}

beforeAll(async () => {
  idp = await startHttpsServer(
    (req, res: ServerResponse) => {
      setTimeout(
        () => {
          res.setHeader('content-type', 'application/xml');
          res.end(DTU);
        },
        req.url?.includes('slow') ? slowMs : 0,
      );
    },
    { hosts: ['adfs.test'] },
  );
  connector = await new FakeConnector().start();
  const settings = loadSettings({
    ALLOWED_TENANT_IDS: TENANT,
    OUTBOUND_ALLOW_PRIVATE: 'adfs.test',
  });
  const fetcher = new SafeFetcher({ allowPrivateHosts: settings.OUTBOUND_ALLOW_PRIVATE, resolve });
  const checks: CheckDependencies = {
    metadata: new MetadataSource(fetcher),
    realm: new RealmDiscovery(fetcher, 'https://login.invalid'),
    mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
    leadDays: 7,
  };
  app = createBotApp({
    store: await openSqliteStore(':memory:'),
    settings,
    logger: createLogger('silent'),
    checks,
    version: 'test',
    clock: () => new Date('2026-11-22T09:00:00Z'),
    fastReplyMs: 300,
  });
  botUrl = `http://127.0.0.1:${await start(app.server, 0, '127.0.0.1')}/api/messages`;
});

afterAll(async () => {
  await closeServer(app.server);
  await connector.close();
  await idp.close();
});

beforeEach(() => connector.clear());

async function post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const response = await fetch(botUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('the bot over HTTP, with a fake Bot Connector', () => {
  it('answers check fedtrust in a personal chat with a typing indicator and the check card', async () => {
    const { status } = await post(
      teamsMessage(connector.url, `check fedtrust contoso.com metadata ${metadataUrl()}`),
    );
    expect(status).toBe(200);
    expect(connector.calls[0]?.body.type).toBe('typing');
    const [reply] = connector.messages();
    expect(cardTitle(reply)).toBe('contoso.com — OK');
    // What notifications and the activity feed show, and clients without cards.
    expect(reply?.body.summary).toBe('contoso.com — OK — Nothing is due.');
    expect(cardOf(reply)?.fallbackText).toBe('contoso.com — OK — Nothing is due.');
    expect(reply?.path).toBe(
      '/v3/conversations/a%3Apersonal-ada/activities/' +
        encodeURIComponent(String(reply?.body.replyToId)),
    );
    const actions = (
      cardOf(reply)?.actions as { title: string; verb?: string; data?: unknown }[]
    ).map((a) => a.title);
    expect(actions).toEqual(['Re-check', 'Watch', 'Runbook', 'Details']);
  });

  it('counts a check asked in Teams in fedtrust_checks_total', async () => {
    const counted = async () =>
      (await app.metrics.registry.getSingleMetric('fedtrust_checks_total')?.get())?.values.find(
        (v) => v.labels.result === 'ok',
      )?.value ?? 0;
    const before = await counted();
    await post(teamsMessage(connector.url, `check fedtrust contoso.com metadata ${metadataUrl()}`));
    expect(cardTitle(connector.messages()[0])).toBe('contoso.com — OK');
    expect(await counted()).toBe(before + 1);
  });

  it('strips the @mention in a channel and answers in the thread', async () => {
    await post(
      teamsMessage(connector.url, `check ${'contoso.com'} metadata ${metadataUrl()}`, {
        scope: 'channel',
      }),
    );
    const [reply] = connector.messages();
    expect(cardTitle(reply)).toBe('contoso.com — OK');
    expect(reply?.path).toContain(
      encodeURIComponent('19:ops@thread.tacv2;messageid=1700000000000'),
    );
  });

  it('answers help and anything unknown with the help card, in a group chat too', async () => {
    await post(teamsMessage(connector.url, 'help', { scope: 'groupChat' }));
    await post(teamsMessage(connector.url, 'what can you do?', { scope: 'groupChat' }));
    expect(connector.messages().map(cardTitle)).toEqual([
      'fedtrust — keeps federation trusts from breaking',
      'fedtrust — keeps federation trusts from breaking',
    ]);
  });

  it('refuses another tenant with one line and runs nothing', async () => {
    await post(
      teamsMessage(connector.url, `check fedtrust contoso.com metadata ${metadataUrl()}`, {
        tenantId: OTHER_TENANT,
      }),
    );
    const messages = connector.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body.text).toBe('This fedtrust bot is not available to your organization.');
    expect(connector.calls.some((c) => c.body.type === 'typing')).toBe(false);
  });

  it('explains bad input instead of running it', async () => {
    await post(teamsMessage(connector.url, 'check fedtrust not_a_domain'));
    expect(cardTitle(connector.messages()[0])).toBe('I could not run that');
    expect(JSON.stringify(cardOf(connector.messages()[0]))).toContain('not a domain name');
  });

  it('re-checks from the card: the invoke answers with the refreshed card', async () => {
    const { status, body } = await post(
      cardAction(connector.url, 'recheck', { domain: 'contoso.com', metadataUrl: metadataUrl() }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
    });
    const card = (body as { value: { body: { items: { text: string }[] }[] } }).value;
    expect(card.body[0]?.items[0]?.text).toBe('contoso.com — OK');
  });

  it.each([
    [{ domain: 'not a domain' }],
    [{ domain: 'contoso.com', metadataUrl: 'javascript:alert(1)' }],
    ['just a string'],
  ])('answers a forged Re-check (%j) with a clear card and checks nothing', async (data) => {
    const { body } = await post(cardAction(connector.url, 'recheck', data));
    expect(JSON.stringify(body)).toContain('That card action is not valid');
  });

  it('remembers the answer to the auto-rollover question and stops asking', async () => {
    const { body } = await post(
      cardAction(connector.url, 'autorollover', { domain: 'contoso.com', value: 'off' }),
    );
    expect(JSON.stringify(body)).toContain('Auto-rollover for contoso.com: off');
    await post(teamsMessage(connector.url, `check fedtrust contoso.com metadata ${metadataUrl()}`));
    expect(JSON.stringify(cardOf(connector.messages().at(-1)))).not.toContain(
      'Is AD FS auto-rollover on',
    );
    const forged = await post(
      cardAction(connector.url, 'autorollover', { domain: 'contoso.com', value: 'maybe' }),
    );
    expect(JSON.stringify(forged.body)).toContain('That card action is not valid');
  });

  it('watches a domain from the card, keeping the check card, and lists it', async () => {
    const { body } = await post(
      cardAction(connector.url, 'watch', { domain: 'contoso.com', metadataUrl: metadataUrl() }),
    );
    // The check card is not replaced (its timeline stays): a new message confirms, and the invoke
    // answer is Teams' message type, which leaves the pressed card as it was.
    expect(body).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringMatching(/^Watching contoso\.com — /),
    });
    expect(cardTitle(connector.messages().at(-1))).toBe('Watching contoso.com');
    await post(teamsMessage(connector.url, 'watchlist'));
    expect(cardTitle(connector.messages().at(-1))).toBe('Watched here: 1 domain(s)');
  });

  it('posts "checking…" at once for a slow IdP and updates the card in place when done', async () => {
    slowMs = 1200;
    await post(
      teamsMessage(
        connector.url,
        `check fedtrust contoso.com metadata ${metadataUrl('/slow/FederationMetadata.xml')}`,
      ),
    );
    const [placeholder] = connector.messages();
    expect(cardTitle(placeholder)).toBe('Checking contoso.com…');
    await app.background.drain();
    const [update] = connector.updates();
    expect(placeholder?.responseId).toBeDefined();
    expect(update?.path).toBe(
      `/v3/conversations/a%3Apersonal-ada/activities/${encodeURIComponent(String(placeholder?.responseId))}`,
    );
    expect(cardTitle(update)).toBe('contoso.com — OK');
  });

  it('logs, and says nothing more in the chat, when the slow card cannot be updated later', async () => {
    slowMs = 1200;
    connector.failures.push({ status: 403, match: '/activities/activity-' });
    // Another URL than the test before: a load is reused for 5 s (README "Performance").
    await post(
      teamsMessage(
        connector.url,
        `check fedtrust contoso.com metadata ${metadataUrl('/slow/again/FederationMetadata.xml')}`,
      ),
    );
    await app.background.drain();
    const titles = connector.messages().map(cardTitle);
    expect(titles).toEqual(['Checking contoso.com…']);
    expect(connector.messages().some((m) => JSON.stringify(m.body).includes('went wrong'))).toBe(
      false,
    );
  });

  it('checks every federated domain of the tenant with a progress card, then the summary in place', async () => {
    const entra = await startEntraStandIn();
    try {
      entra.routes.set('/domains?$select=id,authenticationType,isVerified', () => [
        200,
        {
          value: [
            { id: 'contoso.com', authenticationType: 'Federated' },
            { id: 'fabrikam.com', authenticationType: 'Federated' },
            { id: 'contoso.onmicrosoft.com', authenticationType: 'Managed' },
          ],
        },
      ]);
      for (const domain of ['contoso.com', 'fabrikam.com']) {
        entra.routes.set(`/domains/${domain}/federationConfiguration`, () => [
          200,
          {
            value: [
              {
                id: `fed-${domain}`,
                issuerUri: 'http://sts.ait.dtu.dk/adfs/services/trust',
                passiveSignInUri: `https://adfs.test:${idp.port}/adfs/ls/`,
                signingCertificate: DTU_CERT,
              },
            ],
          },
        ]);
      }
      const graph = new GraphDirectory(
        { tenantId: ENTRA_TENANT, clientId: CLIENT, clientSecret: 's' },
        `https://localhost:${entra.graph.port}`,
        `https://localhost:${entra.login.port}`,
      );
      const settings = loadSettings({ ALLOWED_TENANT_IDS: TENANT });
      const fetcher = new SafeFetcher({ allowPrivateHosts: ['adfs.test'], resolve });
      const withGraph = createBotApp({
        store: await openSqliteStore(':memory:'),
        settings,
        logger: createLogger('silent'),
        checks: {
          metadata: new MetadataSource(fetcher),
          graph,
          mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
          leadDays: 7,
        },
        version: 'test',
        clock: () => new Date('2026-11-22T09:00:00Z'),
        fastReplyMs: 300,
      });
      const url = `http://127.0.0.1:${await start(withGraph.server, 0, '127.0.0.1')}/api/messages`;
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsMessage(connector.url, 'check fedtrust all')),
      });
      const [progress] = connector.messages();
      expect(cardTitle(progress)).toBe('Checking every federated domain…');
      await withGraph.background.drain();
      const summary = connector.updates().at(-1);
      expect(summary?.path).toContain(String(progress?.responseId));
      expect(cardTitle(summary)).toBe('All 2 federated domains');
      expect(JSON.stringify(cardOf(summary))).toContain('fabrikam.com');
      await closeServer(withGraph.server);
    } finally {
      await entra.close();
    }
  });

  it('says check fedtrust all needs Graph when it is not configured', async () => {
    await post(teamsMessage(connector.url, 'check fedtrust all'));
    expect(cardTitle(connector.messages()[0])).toBe('check fedtrust all needs Microsoft Graph');
  });
});
