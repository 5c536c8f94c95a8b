import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import { runSweep, type SweepDependencies } from '../../src/alerts/sweep';
import { isAppError } from '../../src/errors';
import { createLogger } from '../../src/logger';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import type { CertInfo } from '../../src/engine/types';
import { at, makeCert } from '../support/certs';
import { adfsMetadata } from '../support/metadata-xml';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

requireTestCa();

const E = new Date('2027-01-01T00:00:00Z');
const resolve: Resolver = (host) =>
  host === 'adfs.test'
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(new Error('ENOTFOUND'));
let idp: TestServer;
let served: string | undefined;
let requests = 0;
let S: CertInfo;
let N: CertInfo;
let store: Store;
let now: Date;

beforeAll(async () => {
  S = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -365), E)).info;
  N = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -17), at(E, 348))).info;
  idp = await startHttpsServer(
    (_req, res) => {
      requests++;
      if (served === undefined) {
        res.statusCode = 503;
        res.end();
      } else res.end(served);
    },
    { hosts: ['adfs.test'] },
  );
});

afterAll(() => idp.close());

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  requests = 0;
  served = adfsMetadata('fs.contoso.com', [S]);
  now = at(E, -18);
  const url = `https://adfs.test:${idp.port}/FederationMetadata/2007-06/FederationMetadata.xml`;
  for (const [conversation, domain] of [
    ['c1', 'contoso.com'],
    ['c2', 'fabrikam.com'],
    ['c2', 'contoso.com'],
  ] as const) {
    await store.upsertConversation(
      {
        id: conversation,
        reference: { conversation: { id: conversation } },
        scope: 'channel',
        active: true,
      },
      now,
    );
    await store.addWatch({
      conversationId: conversation,
      domain,
      metadataUrl: url,
      createdAt: now,
    });
  }
});

afterEach(() => store.close());

function deps(): SweepDependencies {
  const fetcher = new SafeFetcher({ allowPrivateHosts: ['adfs.test'], resolve });
  return {
    store,
    checks: {
      metadata: new MetadataSource(fetcher),
      mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
      leadDays: 7,
    },
    clock: () => now,
    logger: createLogger('silent'),
    escalateAfterHours: 4,
  };
}

describe('runSweep', () => {
  it('checks each watched domain once, fetches each URL once, and remembers what it saw', async () => {
    const result = await runSweep(deps());
    expect(result.domains).toBe(2);
    expect(requests).toBe(1);
    expect((await store.getAssessment('contoso.com'))?.status).toBe('warning');
    expect(result.newCertificates).toEqual([
      {
        idpKey: expect.stringContaining('http://fs.contoso.com/adfs/services/trust|'),
        thumbprints: [S.thumbprintSha1],
      },
    ]);
  });

  it('opens one alert for the IdP listing both domains, posted to both conversations, once', async () => {
    await runSweep(deps());
    const [alert] = await store.listLiveAlerts();
    expect(alert).toMatchObject({
      code: 'CERT_EXPIRING',
      severity: 'warning',
      domains: ['contoso.com', 'fabrikam.com'],
    });
    expect((await store.pendingDeliveries(now, 10)).map((d) => [d.conversationId, d.kind])).toEqual(
      [
        ['c1', 'post'],
        ['c2', 'post'],
      ],
    );
    now = at(E, -18, 1);
    expect((await runSweep(deps())).transitions).toBe(0);
  });

  it('raises the alert to critical on time and resolves it when the successor is published', async () => {
    await runSweep(deps());
    for (const d of await store.pendingDeliveries(now, 10))
      await store.markDelivered(d.id, `posted-${d.conversationId}`, now);
    now = at(E, -16);
    await runSweep(deps());
    expect((await store.listLiveAlerts())[0]).toMatchObject({ severity: 'critical' });
    expect((await store.pendingDeliveries(now, 10)).map((d) => d.kind)).toEqual([
      'update',
      'reply',
      'update',
      'reply',
    ]);
    served = adfsMetadata('fs.contoso.com', [S, N]);
    now = at(E, -16, 1);
    await runSweep(deps());
    expect(await store.listLiveAlerts()).toEqual([]);
  });

  it('announces a newly published signing certificate once, but not what the first sweep learns', async () => {
    now = at(E, -100);
    await runSweep(deps());
    expect(await store.pendingNotices(now, 10)).toEqual([]);
    served = adfsMetadata('fs.contoso.com', [S, N]);
    now = at(E, -99);
    await runSweep(deps());
    const notices = await store.pendingNotices(now, 10);
    expect(notices.map((n) => n.conversationId)).toEqual(['c1', 'c2']);
    expect(notices[0]).toMatchObject({
      title: 'New token-signing certificate published for contoso.com, fabrikam.com',
      lines: [expect.stringContaining(N.thumbprintSha1), expect.stringContaining('Nothing to do')],
    });
    now = at(E, -98);
    await runSweep(deps());
    expect(await store.pendingNotices(now, 10)).toHaveLength(2);
  });

  it("honours each conversation's lead for manual renewals, and catches up as leads open", async () => {
    await store.setAutoRollover('contoso.com', false, 'Ada', now);
    await store.setAutoRollover('fabrikam.com', false, 'Ada', now);
    const c2 = await store.getConversation('c2');
    await store.upsertConversation({ ...c2!, leadDays: 14 }, now);
    now = at(E, -45); // inside c2's 14-day lead, outside c1's default 7
    await runSweep(deps());
    expect((await store.listLiveAlerts()).map((a) => [a.code, a.severity])).toEqual([
      ['AUTO_ROLLOVER_OFF', 'warning'],
    ]);
    expect((await store.pendingDeliveries(now, 10)).map((d) => d.conversationId)).toEqual(['c2']);
    now = at(E, -42); // c1's lead opens
    await runSweep(deps());
    // c2's card updates quietly (the days left changed); c1 gets its first post.
    expect((await store.pendingDeliveries(now, 10)).map((d) => [d.conversationId, d.kind])).toEqual(
      [
        ['c2', 'post'],
        ['c2', 'update'],
        ['c1', 'post'],
      ],
    );
  });

  it('warns about unreachable metadata only after two failed sweeps in a row', async () => {
    now = at(E, -100);
    served = undefined;
    await runSweep(deps());
    expect(await store.listLiveAlerts()).toEqual([]);
    expect((await store.getAssessment('contoso.com'))?.failedSweeps).toBe(1);
    await runSweep(deps());
    expect((await store.listLiveAlerts()).map((a) => [a.code, a.severity])).toEqual([
      ['METADATA_UNREACHABLE', 'warning'],
    ]);
  });

  it('refuses to run while another sweep holds the lease, and runs once it expires', async () => {
    await store.acquireLease('sweep', 'someone-else', 60_000, now);
    const error = await runSweep(deps()).catch((e: unknown) => e);
    expect(isAppError(error, 'SWEEP_BUSY')).toBe(true);
    now = at(now, 0, 0.02); // 72 s later: the lease of a killed sweep has expired
    await expect(runSweep(deps())).resolves.toMatchObject({ domains: 2 });
  });
});

describe('runSweep across an outage', () => {
  it('resolves the unreachable-metadata alert once the metadata is back', async () => {
    now = at(E, -100);
    await runSweep(deps());
    served = undefined;
    now = at(E, -99);
    await runSweep(deps());
    now = at(E, -98);
    await runSweep(deps());
    expect((await store.listLiveAlerts()).map((a) => a.code)).toEqual(['METADATA_UNREACHABLE']);
    served = adfsMetadata('fs.contoso.com', [S]);
    now = at(E, -97);
    await runSweep(deps());
    expect(await store.listLiveAlerts()).toEqual([]);
  });
});

describe('runSweep during an outage', () => {
  it('keeps a certificate alert open (no resolve, no re-page) while the metadata cannot be read', async () => {
    await runSweep(deps()); // E−18: CERT_EXPIRING warning
    const [before] = await store.listLiveAlerts();
    served = undefined;
    now = at(E, -18, 1);
    await runSweep(deps());
    now = at(E, -18, 2);
    await runSweep(deps());
    const live = await store.listLiveAlerts();
    expect(live.find((a) => a.code === 'CERT_EXPIRING')?.id).toBe(before?.id);
    expect(live.map((a) => a.code).sort()).toEqual(['CERT_EXPIRING', 'METADATA_UNREACHABLE']);
  });
});
