import { openCritical } from '../support/alerts';
import { queueAlertChanges } from '../../src/alerts/sweep-planning';
import { createNotifier } from '../../src/bot/proactive';
import { composeServices, type Services } from '../../src/compose';
import { loadSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openPostgresStore } from '../../src/store/postgres-store';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { FakeConnector, personalChat } from '../support/fake-connector';
import { dropSchemas, testSchema, TEST_DATABASE_URL, withPostgres } from '../support/postgres';

/**
 * Fan-out against a Connector that throttles like Teams (DESIGN §7 "Fan-out"): 50 requests per second
 * for the tenant, 7 in 1 s / 8 in 2 s / 60 in 30 s per thread, 429 above them. How long it takes is
 * measured by `npm run bench`; these tests assert exactly-once and the 429 ceiling.
 */
const NOW = new Date('2026-12-07T10:00:00Z');
let now = NOW;
let connector: FakeConnector;
let store: Store;
let services: Services;

const open = (index: number) => openCritical(`idp-${index}`, ['contoso.com'], `alert ${index}`);

async function watchers(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `a:conversation-${i}`;
    await store.upsertConversation(personalChat(id, connector.url), NOW);
    await store.addWatch({ conversationId: id, domain: 'contoso.com', createdAt: NOW });
  }
}

/** Every conversation → how many cards the Connector accepted for it. */
function postsPerConversation(): Map<string, number> {
  const out = new Map<string, number>();
  for (const call of connector.messages().filter((c) => !c.responseId?.startsWith('failed-'))) {
    const id = decodeURIComponent(/\/v3\/conversations\/([^/]+)/.exec(call.path)![1]!);
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

beforeEach(async () => {
  connector = await new FakeConnector().start();
  connector.limits = {
    tenantPerSecond: 50,
    thread: [
      { windowMs: 1_000, count: 7 },
      { windowMs: 2_000, count: 8 },
      { windowMs: 30_000, count: 60 },
    ],
  };
  store = await openSqliteStore(':memory:');
  services = composeServices({
    settings: loadSettings({}),
    store,
    logger: createLogger('silent'),
    version: 'test',
    clock: () => now,
  });
  now = NOW;
});

afterEach(async () => {
  await store.close();
  await connector.close();
});

it('posts one alert to 1,000 conversations exactly once each, within the tenant rate', async () => {
  await watchers(1_000);
  await queueAlertChanges(store, { now: NOW, alerts: [], transitions: [open(1)] }, 7);
  const result = await services.notifier.deliverPending();
  expect(result).toEqual({ sent: 1_000, retried: 0, failed: 0 });
  const posts = postsPerConversation();
  expect(posts.size).toBe(1_000);
  expect([...posts.values()].every((n) => n === 1)).toBe(true);
  expect(connector.throttled).toBeLessThanOrEqual(10); // < 1 % of 1,000 (the time: npm run bench)
  expect(await store.pendingDeliveries(NOW, 10)).toEqual([]);
}, 120_000);

it("posts 12 alerts to one conversation within Teams' per-thread limits, none refused", async () => {
  await watchers(1);
  await queueAlertChanges(
    store,
    { now: NOW, alerts: [], transitions: Array.from({ length: 12 }, (_, i) => open(i)) },
    7,
  );
  expect(await services.notifier.deliverPending()).toEqual({ sent: 12, retried: 0, failed: 0 });
  expect(postsPerConversation().get('a:conversation-0')).toBe(12);
  expect(connector.throttled).toBe(0);
}, 60_000);

it('delivers every alert exactly once through a Connector storm: 500, 502, 503, 504, 408, 429, resets', async () => {
  await watchers(7);
  await queueAlertChanges(store, { now, alerts: [], transitions: [open(1)] }, 7);
  const storm: [number, string][] = [
    [500, 'a:conversation-0'],
    [502, 'a:conversation-1'],
    [503, 'a:conversation-2'],
    [504, 'a:conversation-3'],
    [408, 'a:conversation-4'],
    [429, 'a:conversation-5'],
  ];
  // Each answers its error to every attempt of this pass (botbuilder's own retries included).
  for (const [status, match] of storm)
    for (let i = 0; i < 5; i++) connector.failures.push({ status, match });
  connector.resetNext = 5; // and conversation-6's first requests: the connection is reset
  connector.resetMatch = 'a:conversation-6';
  expect(await services.notifier.deliverPending()).toEqual({ sent: 0, retried: 7, failed: 0 });
  connector.failures.length = 0;
  now = new Date(NOW.getTime() + 10 * 60_000);
  expect(await services.notifier.deliverPending()).toEqual({ sent: 7, retried: 0, failed: 0 });
  expect([...postsPerConversation().values()]).toEqual([1, 1, 1, 1, 1, 1, 1]);
}, 60_000);

it('waits out a Connector that hangs before answering, and sends nothing twice', async () => {
  await watchers(3);
  await queueAlertChanges(store, { now, alerts: [], transitions: [open(1)] }, 7);
  connector.hangMs = 5_000; // Teams takes 5 s to answer conversation-1's post, then is healthy
  connector.hangMatch = 'a:conversation-1';
  expect(await services.notifier.deliverPending()).toEqual({ sent: 3, retried: 0, failed: 0 });
  expect([...postsPerConversation().values()]).toEqual([1, 1, 1]);
}, 60_000);

it('gives up on a Connector that never answers, before its claim runs out, and retries', async () => {
  await watchers(2);
  await queueAlertChanges(store, { now, alerts: [], transitions: [open(1)] }, 7);
  const notifier = createNotifier({ ...services, sendTimeoutMs: 1_000 });
  connector.holdPostsFrom = 1; // no answer at all (and nothing accepted)
  expect(await notifier.deliverPending()).toEqual({ sent: 0, retried: 2, failed: 0 });
  const [retry] = await store.pendingDeliveries(new Date(now.getTime() + 3_600_000), 10);
  expect(retry).toMatchObject({ attempts: 1 });
  connector.holdPostsFrom = undefined;
  now = new Date(NOW.getTime() + 10 * 60_000);
  expect(await notifier.deliverPending()).toEqual({ sent: 2, retried: 0, failed: 0 });
  expect([...postsPerConversation().values()]).toEqual([1, 1]);
});

it('never fails silently: a 400 is final, logged, counted, listed, and reported to another conversation', async () => {
  await watchers(2);
  await queueAlertChanges(store, { now, alerts: [], transitions: [open(1)] }, 7);
  connector.failures.push({ status: 400, match: 'a:conversation-0' });
  const first = await services.notifier.deliverPending();
  // conversation-1's post, the notice to it, and the update of its card that says where it failed.
  expect(first).toEqual({ sent: 3, retried: 0, failed: 1 });
  const [alert] = await store.listLiveAlerts();
  expect(await store.deliveryReport([alert!.id])).toEqual({
    [alert!.id]: {
      posted: 1,
      failed: [
        {
          conversationId: 'a:conversation-0',
          where: 'a chat (a:conversation-0)',
          kind: 'post',
          error: expect.stringMatching(/^HTTP 400/),
        },
      ],
    },
  });
  const notice = connector
    .messages()
    .find((m) => JSON.stringify(m.body).includes('could not be delivered'));
  expect(notice?.path).toContain('conversation-1');
  const update = connector.calls.find((c) => c.method === 'PUT');
  expect(update?.path).toContain('conversation-1');
  expect(JSON.stringify(update?.body)).toContain(
    'Not delivered to a chat (a:conversation-0) (HTTP 400',
  );
  const metric = await services.metrics.registry
    .getSingleMetric('fedtrust_deliveries_failed_total')
    ?.get();
  expect(metric?.values).toEqual([
    expect.objectContaining({ labels: { reason: 'http-400' }, value: 1 }),
  ]);
});

withPostgres('replicas sharing the tenant pace', () => {
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));

  it('three replicas on one PostgreSQL store share one tenant pace: each alert once, < 1 % refused', async () => {
    const schema = testSchema(schemas);
    const replicas = await Promise.all(
      [0, 1, 2].map(() => openPostgresStore(TEST_DATABASE_URL, { schema, maxConnections: 4 })),
    );
    try {
      const [first] = replicas;
      for (let i = 0; i < 300; i++) {
        const id = `a:conversation-${i}`;
        await first!.upsertConversation(personalChat(id, connector.url), NOW);
        await first!.addWatch({ conversationId: id, domain: 'contoso.com', createdAt: NOW });
      }
      await queueAlertChanges(first!, { now: NOW, alerts: [], transitions: [open(1)] }, 7);
      const notifiers = replicas.map(
        (replica) =>
          composeServices({
            settings: loadSettings({}),
            store: replica,
            logger: createLogger('silent'),
            version: 'test',
            clock: () => now,
          }).notifier,
      );
      const results = await Promise.all(notifiers.map((n) => n.deliverPending()));
      // Each replica took a share; together they sent every card once, at the tenant's pace.
      expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(300);
      expect(results.filter((r) => r.sent > 0).length).toBeGreaterThan(1);
      const posts = postsPerConversation();
      expect(posts.size).toBe(300);
      expect([...posts.values()].every((n) => n === 1)).toBe(true);
      expect(connector.throttled).toBeLessThanOrEqual(3); // < 1 % of 300 (each process alone: ~2/3)
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  }, 90_000);
});
