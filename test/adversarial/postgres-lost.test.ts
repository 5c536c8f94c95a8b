import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { runSweep } from '../../src/alerts/sweep';
import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openPostgresStore } from '../../src/store/postgres-store';
import type { Store } from '../../src/store/store';
import { at, makeCert } from '../support/certs';
import { adfsMetadata } from '../support/metadata-xml';
import { dropSchemas, testSchema, TEST_DATABASE_URL, withPostgres } from '../support/postgres';
import { loopbackMetadata, requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

/**
 * PostgreSQL lost in the middle of a sweep (issue #12): every connection of the store is terminated
 * while the sweep waits on a slow IdP — a connection of our own, never the shared server stopped.
 * The sweep fails cleanly (no crash from the pool, nothing half-written), and the next one, on fresh
 * connections, raises each alert exactly once.
 */
requireTestCa();

withPostgres('PostgreSQL lost mid-sweep', () => {
  const schemas: string[] = [];
  const application = `fedtrust-lost-${randomUUID().slice(0, 8)}`;
  let idp: TestServer;
  let store: Store;
  let slowMs = 0;
  const lost: string[] = [];

  beforeAll(async () => {
    const E = new Date('2027-01-01T00:00:00Z');
    // Expired on 2026-12-01, before the sweeps' today: CERT_EXPIRED, critical.
    const expired = await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -400), at(E, -31));
    const signer = expired.info;
    idp = await startHttpsServer(
      (_req, res) =>
        void setTimeout(() => res.end(adfsMetadata('fs.contoso.com', [signer])), slowMs),
      { hosts: ['adfs.test'] },
    );
    store = await openPostgresStore(TEST_DATABASE_URL, {
      schema: testSchema(schemas),
      applicationName: application,
      onConnectionError: (error) => lost.push(error.message),
    });
    const now = new Date('2026-12-07T10:00:00Z');
    for (const id of ['c1', 'c2']) {
      await store.upsertConversation(
        { id, reference: { conversation: { id } }, scope: 'channel', active: true },
        now,
      );
      await store.addWatch({
        conversationId: id,
        domain: 'contoso.com',
        metadataUrl: `https://adfs.test:${idp.port}/FederationMetadata/2007-06/FederationMetadata.xml`,
        createdAt: now,
      });
    }
  });

  afterAll(async () => {
    await store?.close();
    await idp?.close();
    await dropSchemas(schemas);
  });

  const sweep = () =>
    runSweep({
      store,
      checks: {
        metadata: loopbackMetadata(),
        mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
        leadDays: 7,
      },
      clock: () => new Date('2026-12-07T10:00:00Z'),
      logger: createLogger('silent'),
      escalateAfterHours: 4,
    });

  /** Terminates every backend of this store's pool (by its application_name), nobody else's. */
  async function cutTheDatabase(): Promise<number> {
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [application],
      );
      return rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('fails that sweep cleanly, and the next one raises each alert once', async () => {
    slowMs = 1_500;
    const first = sweep();
    await new Promise((r) => setTimeout(r, 500)); // the sweep holds its lease and waits on the IdP
    expect(await cutTheDatabase()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    // An idle connection lost is reported, not thrown into the process.
    expect(lost.every((m) => /terminating connection/.test(m))).toBe(true);
    await first.then(
      () => undefined,
      (error: unknown) => expect(error).toBeInstanceOf(Error),
    );
    slowMs = 0;
    // The lease the cut sweep held may still be there (it expires within 60 s): wait for it, as the
    // schedule would, by retrying.
    let result: Awaited<ReturnType<typeof sweep>> | undefined;
    for (let i = 0; i < 70 && !result; i++)
      result = await sweep().catch(async () => {
        await new Promise((r) => setTimeout(r, 1_000));
        return undefined;
      });
    expect(result).toBeDefined();
    const alerts = await store.listLiveAlerts();
    expect(alerts.map((a) => a.code)).toEqual(['CERT_EXPIRED']);
    const deliveries = await store.pendingDeliveries(new Date('2027-01-01T00:00:00Z'), 10);
    expect(deliveries.map((d) => d.conversationId).sort()).toEqual(['c1', 'c2']);
  }, 120_000);
});
