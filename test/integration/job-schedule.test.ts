import { startJobSchedule, type JobSchedule } from '../../src/alerts/job-schedule';
import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import { createLogger } from '../../src/logger';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { openPostgresStore } from '../../src/store/postgres-store';
import type { StoredAssessment, Store } from '../../src/store/store';
import { at, makeCert } from '../support/certs';
import { personalChat } from '../support/fake-connector';
import { adfsMetadata } from '../support/metadata-xml';
import { dropSchemas, TEST_DATABASE_URL, testSchema, withPostgres } from '../support/postgres';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

/**
 * The pg-boss schedule in this process (the two-process test runs it in children): a target job
 * that fails is retried on its own, and the run is planned once every target is done.
 */
requireTestCa();
jest.setTimeout(60_000);

const resolve: Resolver = (host) =>
  host === 'adfs.test'
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(new Error('ENOTFOUND'));

withPostgres('the pg-boss schedule', () => {
  const schemas: string[] = [];
  let idp: TestServer;
  let store: Store;
  let schedule: JobSchedule | undefined;

  beforeAll(async () => {
    const cert = (await makeCert('CN=ADFS Signing', at(new Date(), -355), at(new Date(), 10))).info;
    idp = await startHttpsServer(
      (req, res) => {
        const index = /^\/d(\d+)\//.exec(req.url ?? '')?.[1];
        res.end(adfsMetadata(`fs${index}.contoso.test`, [cert]));
      },
      { hosts: ['adfs.test'] },
    );
  });

  afterAll(async () => {
    await schedule?.stop();
    await store?.close();
    await idp?.close();
    await dropSchemas(schemas);
  });

  it('retries a failed target job and plans the sweep once all targets are done', async () => {
    const schema = testSchema(schemas);
    const real = await openPostgresStore(TEST_DATABASE_URL, { schema, maxConnections: 4 });
    const now = new Date();
    for (let i = 0; i < 3; i++) {
      await real.upsertConversation(personalChat(`a:chat-${i}`, 'http://127.0.0.1:9/'), now);
      await real.addWatch({
        conversationId: `a:chat-${i}`,
        domain: `d${i}.contoso.test`,
        metadataUrl: `https://adfs.test:${idp.port}/d${i}/FederationMetadata/2007-06/FederationMetadata.xml`,
        createdAt: now,
      });
    }
    // The store fails the first time d1's assessment is saved (a dropped connection, say).
    const saves: string[] = [];
    store = Object.assign(Object.create(real) as Store, {
      saveAssessment: async (record: StoredAssessment) => {
        saves.push(record.domain);
        if (
          record.domain === 'd1.contoso.test' &&
          saves.filter((d) => d === record.domain).length === 1
        )
          throw new Error('connection reset');
        return real.saveAssessment(record);
      },
    });
    let delivered = 0;
    schedule = await startJobSchedule({
      connectionString: TEST_DATABASE_URL,
      schema: `${schema}_jobs`,
      cron: '0 0 1 1 *',
      store,
      checks: {
        metadata: new MetadataSource(
          new SafeFetcher({ allowPrivateHosts: ['adfs.test'], resolve }),
        ),
        mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
        leadDays: 7,
      },
      clock: () => new Date(),
      logger: createLogger('silent'),
      escalateAfterHours: 4,
      deliver: () => Promise.resolve(delivered++),
      timing: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 },
    });
    expect(await schedule.sweepNow()).toEqual(expect.any(String));
    const started = Date.now();
    while (delivered === 0) {
      if (Date.now() - started > 45_000) throw new Error('the sweep was never planned');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(saves.filter((d) => d === 'd1.contoso.test')).toHaveLength(2);
    const alerts = await real.listLiveAlerts();
    expect(alerts.map((a) => a.domains[0]).sort()).toEqual([
      'd0.contoso.test',
      'd1.contoso.test',
      'd2.contoso.test',
    ]);
    expect(await real.countPendingDeliveries()).toBe(3);
  });
});
