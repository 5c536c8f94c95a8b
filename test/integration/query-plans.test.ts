import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { queueAlertChanges } from '../../src/alerts/sweep-planning';
import type { Assessment } from '../../src/engine/types';
import { openPostgresStore } from '../../src/store/postgres-store';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Kysely } from 'kysely';
import type { Database as DatabaseSchema } from '../../src/store/schema';
import type { Store } from '../../src/store/store';
import { openCritical } from '../support/alerts';
import { personalChat } from '../support/fake-connector';
import { dropSchemas, testSchema, TEST_DATABASE_URL, withPostgres } from '../support/postgres';

/**
 * Issue #14: every query the store makes uses an index. A store seeded with 10,000 watched domains
 * (their assessments, certificate history, validators, an alert each and its delivery) runs every
 * port a sweep, a turn and the notifier use; each statement it prepared is then explained —
 * EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL (after ANALYZE) — and no table that grows with
 * the watches may be read whole, except by the statements that are meant to read it all.
 */
const DOMAINS = 10_000;
const CONVERSATIONS = 100;
const NOW = new Date('2026-12-08T10:00:00Z');

/** Tables that grow with watches, alerts or conversations. */
const GROWING = [
  'watches',
  'assessments',
  'certificate_history',
  'alerts',
  'deliveries',
  'notice_deliveries',
  'url_validators',
  'http_documents',
  'signature_checks',
  'audit_log',
  'conversations',
  'domain_facts',
];

/**
 * Statements that read a whole table on purpose, and why (matched on the start of their SQL).
 * Anything else that scans a growing table fails the test.
 */
const WHOLE_READS: { sql: RegExp; why: string }[] = [
  {
    sql: /^select "watches"\.\* from "watches" inner join "conversations"/,
    why: 'listActiveWatches: the sweep checks every watch',
  },
  {
    sql: /^select "watches"\."conversation_id", "watches"\."domain", "conversations"\."lead_days"/,
    why: 'listAudience: planning needs every watcher',
  },
  {
    sql: /^select \* from "alerts" where "state" <> /,
    why: 'listLiveAlerts: planning needs every live alert',
  },
  {
    sql: /^select \* from "assessments" order by "domain"/,
    why: 'listAssessments: /metrics counts every subject',
  },
  { sql: /^select \* from "conversations"( order by|$)/, why: 'metrics: every conversation' },
  {
    sql: /^select distinct "alert_id", "conversation_id" from "deliveries" where "alert_id" in/,
    why: 'postedTo every live alert (planning): the deliveries of them all',
  },
  {
    sql: /^select "url" from "url_validators" where "content_hash" = \S+ limit/,
    why: 'is a document still named: PostgreSQL reads until the first of the ~100 URLs it expects per document',
  },
  {
    sql: /^update "deliveries" set "state" = \S+, "activity_id" = \S+, "sent_at" = \S+ where "id" not in/,
    why: "this test's own seeding",
  },
];

/** A table this small is read whole by any planner that knows its size; the rule is for the rest. */
const LARGE_ROWS = 1_000;

const minimalAssessment = (domain: string): Assessment =>
  ({
    domain,
    subject: { kind: 'domain', domain },
    status: 'critical',
    findings: [],
    certificates: [],
    timeline: [],
  }) as unknown as Assessment;

async function seed(store: Store): Promise<void> {
  for (let c = 0; c < CONVERSATIONS; c++)
    await store.upsertConversation(personalChat(`c${c}`, 'https://smba.test/'), NOW);
  const work = Array.from({ length: DOMAINS }, (_, i) => i);
  for (let start = 0; start < DOMAINS; start += 50)
    await Promise.all(
      work.slice(start, start + 50).map(async (i) => {
        const domain = `d${i}.example`;
        const url = `https://idp${i % 100}.example/tenant/${i}/FederationMetadata.xml`;
        await store.addWatch({ conversationId: `c${i % CONVERSATIONS}`, domain, createdAt: NOW });
        await store.saveAssessment({
          domain,
          checkedAt: NOW,
          status: 'critical',
          idpKey: `idp-${i}`,
          assessment: minimalAssessment(domain),
          failedSweeps: 0,
        });
        await store.recordCertificates(`idp-${i}`, [`T${i}`], NOW);
        await store.saveValidators(
          url,
          { etag: `"${i}"`, status: 200, url, body: `<doc ${i % 100}/>`, hash: `h${i % 100}` },
          NOW,
        );
        await store.saveSignatureCheck(`k${i % 100}`, `h${i % 100}`, { status: 'absent' }, NOW);
      }),
    );
  const transitions = work.map((i) => openCritical(`idp-${i}`, [`d${i}.example`], `alert ${i}`));
  await queueAlertChanges(store, { now: NOW, alerts: [], transitions }, 7);
  for (let start = 0; start < DOMAINS; start += 50)
    await Promise.all(
      work
        .slice(start, start + 50)
        .map((i) =>
          store.audit({ at: NOW, actor: 'Ada', action: 'watch', target: `d${i}.example` }),
        ),
    );
  // As a store looks after a while: all but the last hundred alert cards delivered.
  const { db } = store as unknown as { db: Kysely<DatabaseSchema> };
  await db
    .updateTable('deliveries')
    .set({ state: 'sent', activity_id: 'posted', sent_at: NOW.toISOString() })
    .where('id', 'not in', db.selectFrom('deliveries').select('id').orderBy('id').limit(100))
    .execute();
}

/** What a sweep, a turn, a card action and the notifier ask of the store. */
async function workload(store: Store): Promise<void> {
  const [alert] = await store.listLiveAlerts();
  const alerts = await store.listLiveAlerts();
  await store.listLiveAlerts(['idp-1', 'idp-2']);
  await store.listActiveWatches();
  await store.listAudience();
  await store.postedTo(alerts.map((a) => a.id));
  await store.deliveryReport(alerts.slice(0, 50).map((a) => a.id));
  await store.getConversation('c7');
  await store.listWatches('c7');
  await store.getAutoRollover('d7.example');
  await store.getSweepFacts('d7.example');
  await store.getAssessment('d7.example');
  await store.certificateHistory('idp-7');
  await store.recordCertificates('idp-7', ['T7', 'NEW'], NOW);
  await store.getValidators('https://idp7.example/tenant/7/FederationMetadata.xml');
  await store.getDocument('h7');
  await store.getSignatureCheck('k7');
  await store.getAlert(alert!.id);
  await store.postedActivityId(alert!.id, 'c1');
  const claimed = await store.claimDeliveries(NOW, 20);
  await store.pendingDeliveries(NOW, 20);
  await store.markDelivered(claimed[0]!.id, 'activity-1', NOW);
  await store.markDeliveryFailed(claimed[1]!.id, 'HTTP 503', new Date(NOW.getTime() + 60_000));
  await store.failDeliveryForGood(claimed[2]!.id, 'HTTP 403', NOW);
  await store.acknowledgeAlert(alert!.id, { name: 'Ada' }, NOW);
  await store.snoozeAlert(alerts[1]!.id, 'Ada', new Date(NOW.getTime() + 3_600_000), NOW);
  await store.queueNotice(
    { idpKey: 'idp-7', domains: ['d7.example'], title: 'New certificate', lines: ['x'] },
    NOW,
  );
  const notices = await store.claimNotices(NOW, 5);
  if (notices[0]) await store.markNoticeSent(notices[0].id, NOW);
  await store.countPendingDeliveries();
  await store.removeWatch('c7', 'd7.example');
  await store.auditTrail('d7.example');
  await store.saveValidators(
    'https://idp8.example/tenant/8/FederationMetadata.xml',
    undefined,
    NOW,
  );
}

async function seedAndRun(store: Store): Promise<void> {
  try {
    await seed(store);
    await workload(store);
  } finally {
    await store.close();
  }
}

interface Plan {
  sql: string;
  plan: string;
}

function scansOf(
  plans: Plan[],
  scan: (plan: string) => string[],
  rows: Record<string, number>,
): string[] {
  const found: string[] = [];
  for (const { sql, plan } of plans) {
    const whole = scan(plan).filter((t) => GROWING.includes(t) && (rows[t] ?? 0) >= LARGE_ROWS);
    if (whole.length === 0 || WHOLE_READS.some((w) => w.sql.test(sql))) continue;
    found.push(`${whole.join(', ')} read whole by: ${sql.slice(0, 160)}\n${plan}`);
  }
  return found;
}

const isQuery = (sql: string) =>
  /^\s*(select|insert|update|delete|with)\b/i.test(sql) &&
  !/kysely_migration|sqlite_master|pg_catalog|information_schema/.test(sql);

describe('every store query uses an index (SQLite, 10,000 domains)', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads no growing table whole except where it means to', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedtrust-plans-'));
    const path = join(dir, 'store.db');
    const seen = new Set<string>();
    const prepare = Database.prototype.prepare;
    Database.prototype.prepare = function (this: Database.Database, sql: string) {
      seen.add(sql);
      return prepare.call(this, sql);
    } as typeof prepare;
    try {
      await seedAndRun(await openSqliteStore(path));
    } finally {
      Database.prototype.prepare = prepare;
    }
    const db = new Database(path);
    try {
      db.exec('analyze');
      const rows = Object.fromEntries(
        GROWING.map((t) => [
          t,
          (db.prepare(`select count(*) as n from "${t}"`).get() as { n: number }).n,
        ]),
      );
      expect(rows.watches).toBe(DOMAINS - 1); // the workload unwatched one
      const plans = [...seen].filter(isQuery).map((sql) => {
        const params = (sql.match(/\?/g) ?? []).map(() => null);
        const rows = db.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[];
        return { sql, plan: rows.map((r) => r.detail).join('\n') };
      });
      expect(plans.length).toBeGreaterThan(30);
      const scans = scansOf(
        plans,
        (plan) =>
          [...plan.matchAll(/^SCAN (\w+)(?! USING (COVERING )?INDEX \w+ \()/gm)].map((m) => m[1]!),
        rows,
      );
      expect(scans).toEqual([]);
    } finally {
      db.close();
    }
  }, 120_000);
});

withPostgres('query plans on PostgreSQL', () => {
  describe('every store query uses an index (PostgreSQL, 10,000 domains)', () => {
    const schemas: string[] = [];
    afterAll(() => dropSchemas(schemas));

    it('reads no growing table whole except where it means to', async () => {
      const schema = testSchema(schemas);
      const seen = new Map<string, unknown[]>();
      const query = Client.prototype.query;
      Client.prototype.query = function (this: Client, ...args: unknown[]) {
        const [config, values] = args as [string | { text?: string; values?: unknown[] }, unknown];
        const text = typeof config === 'string' ? config : config?.text;
        const params = Array.isArray(values)
          ? values
          : typeof config === 'object'
            ? config?.values
            : undefined;
        if (text && !seen.has(text)) seen.set(text, params ?? []);
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof query;
      try {
        await seedAndRun(await openPostgresStore(TEST_DATABASE_URL, { schema, maxConnections: 8 }));
      } finally {
        Client.prototype.query = query;
      }
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`set search_path to "${schema}"`);
        await client.query('analyze');
        const rows: Record<string, number> = {};
        for (const t of GROWING)
          rows[t] = Number(
            (await client.query<{ n: string }>(`select count(*) as n from "${t}"`)).rows[0]!.n,
          );
        expect(rows.watches).toBe(DOMAINS - 1); // the workload unwatched one
        const plans: Plan[] = [];
        for (const [sql, params] of seen) {
          if (!isQuery(sql)) continue;
          // A statement that writes is explained inside a transaction that is rolled back.
          await client.query('begin');
          try {
            const result = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, params);
            plans.push({ sql, plan: result.rows.map((r) => r['QUERY PLAN']).join('\n') });
          } finally {
            await client.query('rollback');
          }
        }
        expect(plans.length).toBeGreaterThan(30);
        const scans = scansOf(
          plans,
          (plan) => [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!),
          rows,
        );
        expect(scans).toEqual([]);
      } finally {
        await client.end();
      }
    }, 180_000);
  });
});
