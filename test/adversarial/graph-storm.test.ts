import { runSweep } from '../../src/alerts/sweep';
import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import { createLogger } from '../../src/logger';
import { GraphDirectory } from '../../src/sources/graph-directory';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import type { CertInfo } from '../../src/engine/types';
import { at, makeCert } from '../support/certs';
import { CLIENT, startEntraStandIn, TENANT, type EntraStandIn } from '../support/entra-stand-in';
import { readFixture } from '../support/fixtures';
import { adfsMetadata } from '../support/metadata-xml';
import { loopbackMetadata, requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

/**
 * A Graph storm over a whole sweep (issue #12): Graph answers 429/503 to everything for a sweep. The
 * sweep finishes, says Entra could not be read, and resolves nothing it cannot see: an open alert
 * about Entra's side stays open until Graph answers again and shows it fixed.
 */
requireTestCa();

const E = new Date('2027-01-01T00:00:00Z');
let entra: EntraStandIn;
let idp: TestServer;
let store: Store;
let now = at(E, -40);
let graphCalls = 0;
/** The certificate the IdP signs with, and an old one Entra still trusts. */
let signer: CertInfo;
let other: CertInfo;

function entraHolds(base64: string) {
  const doc = JSON.parse(
    readFixture('graph/msgraph-docs__v1.0__domain-list-federationconfiguration__response.json'),
  ) as { value: Record<string, unknown>[] };
  Object.assign(doc.value[0]!, {
    signingCertificate: base64,
    nextSigningCertificate: null,
    issuerUri: 'http://fs.contoso.com/adfs/services/trust',
  });
  entra.routes.set('/domains/contoso.com/federationConfiguration', () => [200, doc]);
}

function storm() {
  entra.routes.set('/domains/contoso.com/federationConfiguration', () => {
    graphCalls++;
    return graphCalls % 2
      ? [429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after': '0' }]
      : [503, { error: { code: 'ServiceUnavailable', message: 'busy' } }, { 'retry-after': '0' }];
  });
}

beforeAll(async () => {
  signer = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -365), E)).info;
  other = (await makeCert('CN=ADFS Signing - old', at(E, -700), at(E, 30))).info;
  idp = await startHttpsServer(
    (_req, res) => void res.end(adfsMetadata('fs.contoso.com', [signer])),
    {
      hosts: ['adfs.test'],
    },
  );
  entra = await startEntraStandIn();
  store = await openSqliteStore(':memory:');
  await store.upsertConversation(
    { id: 'c1', reference: { conversation: { id: 'c1' } }, scope: 'channel', active: true },
    now,
  );
  await store.addWatch({
    conversationId: 'c1',
    domain: 'contoso.com',
    metadataUrl: `https://adfs.test:${idp.port}/FederationMetadata/2007-06/FederationMetadata.xml`,
    createdAt: now,
  });
});

afterAll(async () => {
  await store.close();
  await entra.close();
  await idp.close();
});

const sweep = () => {
  now = new Date(now.getTime() + 3_600_000);
  return runSweep({
    store,
    checks: {
      metadata: loopbackMetadata(),
      graph: new GraphDirectory(
        { tenantId: TENANT, clientId: CLIENT, clientSecret: 'test-secret' },
        `https://localhost:${entra.graph.port}`,
        `https://localhost:${entra.login.port}`,
      ),
      mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
      leadDays: 7,
    },
    clock: () => now,
    logger: createLogger('silent'),
    escalateAfterHours: 4,
  });
};

it('finishes the sweep, says Entra could not be read, and resolves nothing it could not see', async () => {
  // Entra trusts an old certificate, not the one the IdP signs with: sign-in is broken.
  entraHolds(other.base64);
  await sweep();
  const codes = async () => (await store.listLiveAlerts()).map((a) => a.code).sort();
  const before = await codes();
  expect(before).toContain('SIGNER_NOT_IN_ENTRA');

  storm();
  await expect(sweep()).resolves.toMatchObject({ domains: 1 });
  expect(graphCalls).toBeGreaterThan(1); // retried, boundedly
  const during = await store.getAssessment('contoso.com');
  expect(JSON.stringify(during?.assessment.findings)).toMatch(/Graph/);
  expect(await codes()).toEqual(before);

  // Graph answers again, and Entra now holds the signer: resolved.
  entraHolds(signer.base64);
  await sweep();
  expect(await store.listLiveAlerts()).toEqual([]);
}, 60_000);
