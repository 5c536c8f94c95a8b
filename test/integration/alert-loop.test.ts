import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import { runSweep } from '../../src/alerts/sweep';
import { createBotApp, type BotApp } from '../../src/bot/create-bot-app';
import type { CheckDependencies } from '../../src/checks/check-domain';
import { loadSettings } from '../../src/config';
import type { CertInfo } from '../../src/engine/types';
import { createLogger } from '../../src/logger';
import { start } from '../../src/server';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { closeServer } from '../support/bot-server';
import { at, makeCert } from '../support/certs';
import { cardOf, cardTitle, FakeConnector } from '../support/fake-connector';
import { adfsMetadata } from '../support/metadata-xml';
import { ALEX, cardAction, SRE_TAG, TENANT, teamsMessage } from '../support/teams-activities';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

requireTestCa();

const E = new Date('2027-01-01T00:00:00Z');
const resolve: Resolver = (host) =>
  host === 'adfs.test'
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(new Error('ENOTFOUND'));
let idp: TestServer;
let served = '';
let S: CertInfo;
let N: CertInfo;
let connector: FakeConnector;
let store: Store;
let app: BotApp;
let botUrl: string;
let now = at(E, -18);
const checks = (): CheckDependencies => ({
  metadata: new MetadataSource(new SafeFetcher({ allowPrivateHosts: ['adfs.test'], resolve })),
  mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
  leadDays: 7,
});
const logger = createLogger('silent');

beforeAll(async () => {
  S = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -365), E)).info;
  N = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -17), at(E, 348))).info;
  idp = await startHttpsServer((_req, res) => void res.end(served), { hosts: ['adfs.test'] });
  connector = await new FakeConnector().start();
});

beforeEach(async () => {
  served = adfsMetadata('fs.contoso.com', [S]);
  now = at(E, -18);
  connector.clear();
  store = await openSqliteStore(':memory:');
  app = createBotApp({
    settings: loadSettings({ ALLOWED_TENANT_IDS: TENANT }),
    logger,
    checks: checks(),
    store,
    version: 'test',
    clock: () => now,
    fastReplyMs: 2000,
  });
  botUrl = `http://127.0.0.1:${await start(app.server, 0, '127.0.0.1')}/api/messages`;
});

afterEach(async () => {
  await app.background.drain();
  await closeServer(app.server);
  await store.close();
});

afterAll(async () => {
  await connector.close();
  await idp.close();
});

async function post(activity: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(botUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

const sweep = () =>
  runSweep({ store, checks: checks(), clock: () => now, logger, escalateAfterHours: 4 });
const metadata = () =>
  `https://adfs.test:${idp.port}/FederationMetadata/2007-06/FederationMetadata.xml`;

describe('watch → sweep → alert → acknowledge → rotate → resolved, over HTTP', () => {
  it('runs the whole loop in a channel and a personal chat', async () => {
    await post(
      teamsMessage(connector.url, `watch contoso.com metadata ${metadata()}`, { scope: 'channel' }),
    );
    await post(teamsMessage(connector.url, `watch contoso.com metadata ${metadata()}`));
    expect(connector.messages().map(cardTitle)).toEqual([
      'Watching contoso.com',
      'Watching contoso.com',
    ]);
    connector.clear();

    await sweep();
    await app.notifier.deliverPending();
    const posts = connector.messages();
    expect(posts.map(cardTitle)).toEqual([
      'WARNING · No next certificate yet',
      'WARNING · No next certificate yet',
    ]);
    // In the channel the alert starts a new thread: posted to the channel itself, not into the thread of the watch message.
    expect(posts.map((p) => decodeURIComponent(p.path))).toEqual(
      expect.arrayContaining([
        '/v3/conversations/19:ops@thread.tacv2/activities',
        '/v3/conversations/a:personal-ada/activities',
      ]),
    );
    const alertId = (
      cardOf(posts[0])?.actions as { verb?: string; data?: { alertId?: string } }[]
    ).find((a) => a.verb === 'ack')?.data?.alertId;
    expect(alertId).toBeDefined();

    // Acknowledge from the personal chat: the invoke answers with the updated card, and both posted cards update.
    connector.clear();
    const response = (await post(cardAction(connector.url, 'ack', { alertId }))) as {
      value: unknown;
    };
    expect(JSON.stringify(response.value)).toContain('Acknowledged by Ada Lovelace');
    await app.background.drain();
    expect(connector.updates()).toHaveLength(2);
    expect(
      connector
        .updates()
        .every((u) => JSON.stringify(cardOf(u)).includes('Acknowledged by Ada Lovelace')),
    ).toBe(true);
    expect(await store.auditTrail(alertId!)).toMatchObject([
      { actor: 'Ada Lovelace', action: 'acknowledge' },
    ]);

    // AD FS publishes the successor: the next sweep resolves the alert and both cards say so.
    connector.clear();
    served = adfsMetadata('fs.contoso.com', [S, N]);
    now = at(E, -17);
    await sweep();
    await app.notifier.deliverPending();
    expect(connector.updates().map(cardTitle)).toEqual([
      'RESOLVED · No next certificate yet',
      'RESOLVED · No next certificate yet',
    ]);
  });

  /** Watches in the channel, lets a critical fire and go unacknowledged for 4 h: the re-notification. */
  async function escalation(setOncall?: Record<string, unknown>) {
    await post(
      teamsMessage(connector.url, `watch contoso.com metadata ${metadata()}`, { scope: 'channel' }),
    );
    if (setOncall) await post(setOncall);
    now = at(E, -16);
    await sweep();
    await app.notifier.deliverPending();
    const [alertPost] = connector.messages().filter((m) => cardTitle(m).startsWith('CRITICAL'));
    connector.clear();
    now = at(E, -16, 4);
    await sweep();
    await app.notifier.deliverPending();
    const [reply] = connector.messages();
    expect(decodeURIComponent(reply!.path)).toBe(
      `/v3/conversations/19:ops@thread.tacv2;messageid=${alertPost!.responseId}/activities`,
    );
    return reply!.body as { text: string; entities?: unknown[] };
  }

  it('escalates an unacknowledged critical in its thread, mentioning the on-call person so Teams notifies', async () => {
    const reply = await escalation(
      teamsMessage(connector.url, 'set oncall <at>Alex Wilber</at>', {
        scope: 'channel',
        mentions: [ALEX],
      }),
    );
    expect(reply.text).toMatch(
      /^<at>Alex Wilber<\/at> CRITICAL: CERT_EXPIRING for contoso\.com has been open for 4 h and nobody acknowledged it/,
    );
    expect(reply.entities).toEqual([
      {
        type: 'mention',
        text: '<at>Alex Wilber</at>',
        mentioned: { id: ALEX.id, name: 'Alex Wilber' },
      },
    ]);
  });

  it('mentions a tag as a tag', async () => {
    const reply = await escalation(
      teamsMessage(connector.url, 'set oncall <at>SRE On-call</at>', {
        scope: 'channel',
        mentions: [SRE_TAG],
      }),
    );
    expect(reply.text.startsWith('<at>SRE On-call</at> CRITICAL')).toBe(true);
    expect(reply.entities).toEqual([
      {
        type: 'mention',
        text: '<at>SRE On-call</at>',
        mentioned: { id: SRE_TAG.id, name: 'SRE On-call', type: 'tag' },
      },
    ]);
  });

  it('refuses a typed @name, which notifies nobody, and says how to set the on-call when none is', async () => {
    await post(teamsMessage(connector.url, 'set oncall @sre-oncall', { scope: 'channel' }));
    expect(cardTitle(connector.messages()[0])).toBe('Mention the on-call');
    connector.clear();
    const reply = await escalation();
    expect(reply.entities ?? []).toEqual([]);
    expect(reply.text).toMatch(/^CRITICAL: CERT_EXPIRING .* Nobody is mentioned: say set oncall/);
  });

  it('retries a 429 burst with backoff, and deactivates a conversation the bot was removed from', async () => {
    await post(
      teamsMessage(connector.url, `watch contoso.com metadata ${metadata()}`, { scope: 'channel' }),
    );
    await post(teamsMessage(connector.url, `watch contoso.com metadata ${metadata()}`));
    connector.clear();
    await sweep();
    // The channel answers 429 to every attempt (botbuilder retries a few times itself, then gives up);
    // the personal chat answers 403: the bot was removed there.
    for (let i = 0; i < 20; i++)
      connector.failures.push({
        status: 429,
        headers: { 'retry-after': '0' },
        match: '19:ops@thread.tacv2',
      });
    connector.failures.push({ status: 403, match: 'a:personal-ada' });
    // The 403 is final and never silent: the channel (same tenant, same domain) gets a notice, which
    // meets the 429s too and waits for its retry, and its card an update saying where it failed,
    // which waits for the card.
    expect(await app.notifier.deliverPending()).toEqual({ sent: 0, retried: 3, failed: 1 });
    expect((await store.getConversation('a:personal-ada'))?.active).toBe(false);
    expect((await store.getConversation('19:ops@thread.tacv2'))?.active).toBe(true);
    expect(connector.messages().some((m) => cardTitle(m) === 'Something went wrong')).toBe(false);
    const [retry] = await store.pendingDeliveries(at(now, 0, 1), 10);
    expect(retry).toMatchObject({ conversationId: '19:ops@thread.tacv2', attempts: 1 });
    expect(retry!.nextAttemptAt.getTime()).toBeGreaterThan(now.getTime());
    connector.failures.length = 0;
    now = at(now, 0, 1);
    expect(await app.notifier.deliverPending()).toEqual({ sent: 3, retried: 0, failed: 0 });
    expect(connector.messages().map(cardTitle)).toContain(
      'An alert could not be delivered to a chat (a:personal-ada)',
    );
    const [update] = connector.updates();
    expect(JSON.stringify(update?.body)).toContain(
      'Not delivered to a chat (a:personal-ada) (HTTP 403: the bot was removed from the conversation)',
    );
  });

  it('takes a Watch pressed in a conversation the bot never saw as its first message', async () => {
    const body = await post(
      cardAction(connector.url, 'watch', { domain: 'contoso.com', metadataUrl: metadata() }),
    );
    expect(body).toMatchObject({ statusCode: 200 });
    expect(JSON.stringify(body)).toContain('Watching contoso.com');
    expect(await store.getConversation('a:personal-ada')).toMatchObject({ active: true });
    expect(await store.listWatches('a:personal-ada')).toMatchObject([{ domain: 'contoso.com' }]);
  });

  it("sets this conversation's lead from Teams and audits it", async () => {
    await post(teamsMessage(connector.url, 'set lead 14', { scope: 'channel' }));
    expect(cardTitle(connector.messages().at(-1))).toBe('Lead set to 14 days here');
    expect((await store.getConversation('19:ops@thread.tacv2'))?.leadDays).toBe(14);
    expect(await store.auditTrail('19:ops@thread.tacv2')).toMatchObject([
      { action: 'lead', detail: { days: 14 } },
    ]);
  });

  it('refuses to acknowledge an alert this conversation does not watch, changing nothing', async () => {
    await post(
      teamsMessage(connector.url, `watch contoso.com metadata ${metadata()}`, { scope: 'channel' }),
    );
    await sweep();
    const [alert] = await store.listLiveAlerts();
    const response = (await post(cardAction(connector.url, 'ack', { alertId: alert!.id }))) as {
      value: unknown;
    };
    expect(JSON.stringify(response.value)).toContain('That card action is not valid');
    expect((await store.getAlert(alert!.id))?.state).toBe('open');
  });
});

describe('operations endpoints', () => {
  const base = () => botUrl.replace('/api/messages', '');

  it('says ready while the store answers, and exports the watched state as Prometheus metrics', async () => {
    expect(await fetch(`${base()}/readyz`).then((r) => r.status)).toBe(200);
    await post(teamsMessage(connector.url, `watch contoso.com metadata ${metadata()}`));
    await sweep();
    const response = await fetch(`${base()}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(
      `fedtrust_certificate_days_left{domain="contoso.com",source="idp-metadata",role="signing",thumbprint="${S.thumbprintSha1}"} 18`,
    );
    expect(text).toContain('fedtrust_check_status{domain="contoso.com"} 1');
    expect(text).toContain('fedtrust_alerts_open{severity="warning"} 1');
    expect(text).toMatch(/fedtrust_outbox_pending 1\b/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers 503 when the store does not answer', async () => {
    const broken = await openSqliteStore(':memory:');
    const other = createBotApp({
      settings: loadSettings({}),
      logger,
      checks: checks(),
      store: broken,
      version: 'test',
    });
    const url = `http://127.0.0.1:${await start(other.server, 0, '127.0.0.1')}`;
    await broken.close();
    expect(await fetch(`${url}/readyz`).then((r) => r.status)).toBe(503);
    await closeServer(other.server);
  });

  it('answers 503 while the store can be read but not written (another process holds the lock)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fedtrust-readyz-')), 'fedtrust.db');
    const onDisk = await openSqliteStore(path);
    const other = createBotApp({
      settings: loadSettings({}),
      logger,
      checks: checks(),
      store: onDisk,
      version: 'test',
    });
    const url = `http://127.0.0.1:${await start(other.server, 0, '127.0.0.1')}/readyz`;
    const locker = new BetterSqlite3(path);
    try {
      expect(await fetch(url).then((r) => r.status)).toBe(200);
      locker.exec('BEGIN EXCLUSIVE');
      expect(await fetch(url).then((r) => r.status)).toBe(503);
      locker.exec('COMMIT');
      expect(await fetch(url).then((r) => r.status)).toBe(200);
    } finally {
      locker.close();
      await closeServer(other.server);
      await onDisk.close();
    }
  }, 30_000);

  it('requires METRICS_TOKEN as a bearer token when set', async () => {
    const guarded = createBotApp({
      settings: loadSettings({ METRICS_TOKEN: 's3cret-token' }),
      logger,
      checks: checks(),
      store,
      version: 'test',
    });
    const url = `http://127.0.0.1:${await start(guarded.server, 0, '127.0.0.1')}/metrics`;
    expect(await fetch(url).then((r) => r.status)).toBe(401);
    expect(
      await fetch(url, { headers: { authorization: 'Bearer wrong' } }).then((r) => r.status),
    ).toBe(401);
    expect(
      await fetch(url, { headers: { authorization: 'Bearer s3cret-token' } }).then((r) => r.status),
    ).toBe(200);
    await closeServer(guarded.server);
  });
});

describe('audit', () => {
  it('audits a Re-check pressed on a card', async () => {
    await post(
      cardAction(connector.url, 'recheck', { domain: 'contoso.com', metadataUrl: metadata() }),
    );
    expect(await store.auditTrail('contoso.com')).toMatchObject([
      { actor: 'Ada Lovelace', action: 'recheck' },
    ]);
  });
});
