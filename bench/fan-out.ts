/**
 * Fan-out as Teams throttles it (DESIGN §7): alerts to many conversations through a Bot Connector
 * stand-in that answers 429 above 50 requests a second for the tenant and above the per-thread limits.
 * The baseline is the limit itself — N requests at 50 a second — so the ratio reads the same on any
 * machine: 1.0× would be Teams' ceiling, DESIGN asks for "about" it with fewer than 1 % refused.
 */
import { openCritical } from '../test/support/alerts';
import { queueAlertChanges } from '../src/alerts/sweep-planning';
import { composeServices } from '../src/compose';
import { loadSettings } from '../src/config';
import { createLogger } from '../src/logger';
import { openPostgresStore } from '../src/store/postgres-store';
import { openSqliteStore } from '../src/store/sqlite-store';
import type { Store } from '../src/store/store';
import { FakeConnector, personalChat } from '../test/support/fake-connector';
import { dropSchemas, testSchema, TEST_DATABASE_URL } from '../test/support/postgres';

const TEAMS_TENANT_PER_SECOND = 50;

const open = (index: number) => openCritical(`idp-${index}`, ['contoso.com'], `alert ${index}`);

/** One SQLite store, or `replicas` PostgreSQL stores on one schema (each its own notifier). */
async function openStores(replicas: number, schemas: string[]): Promise<Store[]> {
  if (replicas === 0) return [await openSqliteStore(':memory:')];
  const schema = testSchema(schemas);
  return Promise.all(
    Array.from({ length: replicas }, () =>
      openPostgresStore(TEST_DATABASE_URL, { schema, maxConnections: 4 }),
    ),
  );
}

async function scenario(conversations: number, alerts: number, replicas = 0) {
  const now = new Date('2026-12-07T10:00:00Z');
  const connector = await new FakeConnector().start();
  connector.limits = {
    tenantPerSecond: TEAMS_TENANT_PER_SECOND,
    thread: [
      { windowMs: 1_000, count: 7 },
      { windowMs: 2_000, count: 8 },
      { windowMs: 30_000, count: 60 },
    ],
  };
  const schemas: string[] = [];
  const stores = await openStores(replicas, schemas);
  const store = stores[0]!;
  try {
    for (let i = 0; i < conversations; i++) {
      const id = `a:conversation-${i}`;
      await store.upsertConversation(personalChat(id, connector.url), now);
      await store.addWatch({ conversationId: id, domain: 'contoso.com', createdAt: now });
    }
    const transitions = Array.from({ length: alerts }, (_, i) => open(i));
    await queueAlertChanges(store, { now, alerts: [], transitions }, 7);
    const notifiers = stores.map(
      (s) =>
        composeServices({
          settings: loadSettings({}),
          store: s,
          logger: createLogger('silent'),
          version: 'bench',
          clock: () => now,
        }).notifier,
    );
    const started = performance.now();
    const results = await Promise.all(notifiers.map((n) => n.deliverPending()));
    const seconds = (performance.now() - started) / 1000;
    const requests = conversations * alerts;
    return {
      sent: results.reduce((sum, r) => sum + r.sent, 0),
      seconds,
      ideal: requests / TEAMS_TENANT_PER_SECOND,
      requests,
      throttled: connector.throttled,
    };
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    if (schemas.length > 0) await dropSchemas(schemas);
    await connector.close();
  }
}

export interface FanOutFigure {
  conversations: number;
  alerts: number;
  replicas: number;
  seconds: number;
  /** The same requests at Teams' 50 per second: the floor. */
  ideal: number;
  requests: number;
  sent: number;
  throttledPercent: number;
}

/** The three scenarios of DESIGN §7: 1,000 → 1,000; 20 → 100 (2,000 posts); 1,000 → 1,000 from 3 replicas. */
export async function benchFanOut(): Promise<FanOutFigure[]> {
  const figures: FanOutFigure[] = [];
  for (const [conversations, alerts, replicas] of [
    [1_000, 1, 0],
    [100, 20, 0],
    [1_000, 1, 3],
  ] as const) {
    const r = await scenario(conversations, alerts, replicas);
    figures.push({
      conversations,
      alerts,
      replicas,
      seconds: r.seconds,
      ideal: r.ideal,
      requests: r.requests,
      sent: r.sent,
      throttledPercent: (100 * r.throttled) / (r.requests + r.throttled),
    });
  }
  return figures;
}
