import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import PgBoss from 'pg-boss';
import { Client } from 'pg';
import { QUEUES } from '../../src/alerts/job-schedule';
import { openPostgresStore } from '../../src/store/postgres-store';
import type { Store } from '../../src/store/store';
import { at, makeCert } from '../support/certs';
import { FakeConnector, personalChat } from '../support/fake-connector';
import { adfsMetadata } from '../support/metadata-xml';
import { Processes } from '../support/processes';
import { dropSchemas, TEST_DATABASE_URL, testSchema, withPostgres } from '../support/postgres';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

/**
 * Scale-out (DESIGN §7, issue #6): two bot processes on one PostgreSQL share the schedule through
 * pg-boss. One sweep of 200 watched domains, each with a critical alert due, is taken by both; one
 * replica is killed with SIGKILL mid-sweep; the survivor finishes the work and every alert is posted
 * exactly once.
 */
requireTestCa();
jest.setTimeout(120_000);

const DOMAINS = 200;
const root = join(__dirname, '..', '..');
const replicaScript = join(__dirname, '..', 'support', 'replica.ts');

interface Replica {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: string[];
}

/** Every replica started, killed in afterAll by process group — also one whose sibling failed to start. */
const processes = new Processes();

function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = processes.spawn(process.execPath, ['--import', 'tsx', replicaScript], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`replica did not start: ${output.join('')}`)),
      30_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes('READY')) {
        clearTimeout(timer);
        resolve({ child, exited, output });
      }
    });
    void exited.then(() => reject(new Error(`replica exited: ${output.join('')}`)));
  });
}

async function until(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 90_000,
  everyMs = 200,
) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

withPostgres('the two-replica test', () => {
  const schemas: string[] = [];
  let idp: TestServer;
  let connector: FakeConnector;
  let store: Store;
  let replicas: Replica[] = [];
  let boss: PgBoss;
  let metadataRequests = 0;
  /** Metadata requests being answered, per User-Agent (fedtrust-bot/<replica>). */
  const inFlight = new Map<string, number>();

  beforeAll(async () => {
    const now = new Date();
    // Ten days left, no successor: CERT_EXPIRING is critical for every one of them (DESIGN §4 rule 3).
    const cert = (await makeCert('CN=ADFS Signing', at(now, -355), at(now, 10))).info;
    idp = await startHttpsServer(
      (req, res) => {
        metadataRequests++;
        const index = /^\/d(\d+)\//.exec(req.url ?? '')?.[1];
        const agent = req.headers['user-agent'] ?? '';
        inFlight.set(agent, (inFlight.get(agent) ?? 0) + 1);
        res.on('close', () => inFlight.set(agent, (inFlight.get(agent) ?? 1) - 1));
        // A slow IdP keeps the sweep running long enough to kill a replica in the middle of it.
        setTimeout(() => res.end(adfsMetadata(`fs${index}.contoso.test`, [cert])), 150);
      },
      { hosts: ['localhost'] },
    );
    connector = await new FakeConnector().start();
    const schema = testSchema(schemas);
    store = await openPostgresStore(TEST_DATABASE_URL, { schema, maxConnections: 3 });
    for (let i = 0; i < DOMAINS; i++) {
      const id = `a:chat-${i}`;
      await store.upsertConversation(personalChat(id, connector.url), now);
      await store.addWatch({
        conversationId: id,
        domain: `d${i}.contoso.test`,
        metadataUrl: `https://localhost:${idp.port}/d${i}/FederationMetadata/2007-06/FederationMetadata.xml`,
        createdAt: now,
      });
    }
    const env = {
      DATABASE_URL: `${TEST_DATABASE_URL}?schema=${schema}`,
      OUTBOUND_ALLOW_PRIVATE: 'localhost',
      // Far away: the test starts the sweep itself, as the cron would.
      SWEEP_CRON: '0 0 1 1 *',
      MicrosoftAppId: '',
    };
    replicas = await Promise.all([
      startReplica({
        ...env,
        REPLICA_NAME: 'a',
        PORT: '0', // any free port: a port picked here could be taken by another test meanwhile
      }),
      startReplica({
        ...env,
        REPLICA_NAME: 'b',
        PORT: '0',
      }),
    ]);
    boss = new PgBoss({
      connectionString: TEST_DATABASE_URL,
      schema: `${schema}_jobs`,
      supervise: false,
      schedule: false,
    });
    await boss.start();
  });

  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    processes.killAll();
    await Promise.all(replicas.map((r) => r.exited));
    await store?.close();
    await connector?.close();
    await idp?.close();
    await dropSchemas(schemas);
  });

  it('posts every alert exactly once when one of two replicas is killed mid-sweep', async () => {
    await boss.send(QUEUES.plan, {});
    const swept = async () => (await store.listAssessments()).length;
    // Kill replica a while it is fetching metadata: it holds active target jobs, now orphaned.
    await until(
      'replica a to be mid-sweep',
      async () => (inFlight.get('fedtrust-bot/a') ?? 0) > 0 && (await swept()) >= 40,
      60_000,
      10,
    );
    const [victim, survivor] = replicas as [Replica, Replica];
    victim.child.kill('SIGKILL');
    await victim.exited;
    expect(await swept()).toBeLessThan(DOMAINS);

    // The survivor takes the dead replica's jobs over (they expire), finishes the sweep and posts.
    await until('every alert to be posted', () => connector.messages().length >= DOMAINS);
    await new Promise((r) => setTimeout(r, 3_000));
    const perConversation = new Map<string, number>();
    for (const m of connector.messages()) {
      const id = decodeURIComponent(m.path).split('/conversations/')[1]!.split('/')[0]!;
      perConversation.set(id, (perConversation.get(id) ?? 0) + 1);
    }
    expect(perConversation.size).toBe(DOMAINS);
    expect([...perConversation.values()].every((n) => n === 1)).toBe(true);
    expect(await swept()).toBe(DOMAINS);
    const alerts = await store.listLiveAlerts();
    expect(alerts).toHaveLength(DOMAINS);
    expect(new Set(alerts.map((a) => a.code))).toEqual(new Set(['CERT_EXPIRING']));
    expect(await store.countPendingDeliveries()).toBe(0);
    expect(metadataRequests).toBeGreaterThanOrEqual(DOMAINS);
    expect(survivor.child.exitCode).toBeNull();
    // The killed replica held target jobs: they expired and were retried, by the survivor.
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const retried = await client.query<{ n: string }>(
      `select count(*) as n from "${schemas[0]}_jobs".job where name = $1 and retry_count > 0`,
      [QUEUES.target],
    );
    await client.end();
    expect(Number(retried.rows[0]?.n)).toBeGreaterThan(0);

    // SIGTERM: the survivor stops taking jobs, finishes what it started, closes the store, exits 0.
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
  });
});
