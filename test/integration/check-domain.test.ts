import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import type { ServerResponse } from 'node:http';
import { checkDomain, type CheckDependencies } from '../../src/checks/check-domain';
import { decodeCertificate } from '../../src/engine/certificate';
import { isAppError } from '../../src/errors';
import { decodeCollectorPayload } from '../../src/sources/collector-payload';
import { SnapshotSource } from '../../src/sources/snapshot-source';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { scriptBody } from '../support/collector-payloads';
import { GraphDirectory } from '../../src/sources/graph-directory';
import { MetadataSource } from '../../src/sources/metadata-source';
import { RealmDiscovery } from '../../src/sources/realm-discovery';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { CLIENT, startEntraStandIn, TENANT, type EntraStandIn } from '../support/entra-stand-in';
import { readFixture } from '../support/fixtures';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

requireTestCa();

const DTU = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
const DTU_CERT = /<X509Certificate>([^<]+)</.exec(DTU)![1]!;
const names: Record<string, string> = {
  localhost: '127.0.0.1',
  'adfs.test': '127.0.0.1',
  'expiring.test': '127.0.0.1',
  'internal.test': '10.9.8.7',
};
const resolve: Resolver = (host) =>
  names[host]
    ? Promise.resolve([{ address: names[host], family: 4 }])
    : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));

let entra: EntraStandIn;
let adfs: TestServer;
let expiring: TestServer;
let realms: Record<string, unknown>;
let metadataRequests = 0;

function deps(withGraph = false): CheckDependencies {
  const fetcher = new SafeFetcher({ allowPrivateHosts: ['adfs.test', 'expiring.test'], resolve });
  const login = `https://localhost:${entra.login.port}`;
  return {
    metadata: new MetadataSource(fetcher),
    realm: new RealmDiscovery(fetcher, login),
    graph: withGraph
      ? new GraphDirectory(
          { tenantId: TENANT, clientId: CLIENT, clientSecret: 's' },
          `https://localhost:${entra.graph.port}`,
          login,
        )
      : undefined,
    mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
    leadDays: 7,
  };
}

function adfsRealm(host: string, port: number): unknown {
  return {
    NameSpaceType: 'Federated',
    federation_protocol: 'WSTrust',
    AuthURL: `https://${host}:${port}/adfs/ls/?username=x&wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=`,
    DomainName: 'contoso.com',
  };
}

beforeAll(async () => {
  entra = await startEntraStandIn();
  const serveMetadata = (req: { url?: string }, res: ServerResponse) => {
    metadataRequests++;
    if (req.url === '/bomb.xml') {
      const entities = Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
      ).join('');
      res.end(
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${entities}]><EntityDescriptor entityID="&lol9;"/>`,
      );
    } else if (req.url === '/to-internal') {
      res.statusCode = 302;
      res.setHeader('location', `https://internal.test:${adfs.port}/x`);
      res.end();
    } else if (req.url === '/FederationMetadata/2007-06/FederationMetadata.xml') {
      res.setHeader('content-type', 'application/xml');
      res.end(DTU);
    } else {
      res.statusCode = 404;
      res.end();
    }
  };
  adfs = await startHttpsServer(serveMetadata, { hosts: ['adfs.test'] });
  expiring = await startHttpsServer(serveMetadata, {
    hosts: ['expiring.test'],
    notAfter: new Date(Date.now() + 20 * 86_400_000),
  });
});

afterAll(async () => {
  await entra.close();
  await adfs.close();
  await expiring.close();
});

beforeEach(() => {
  entra.routes.clear();
  entra.loginRoutes.clear();
  realms = {};
  metadataRequests = 0;
});

/** Realm discovery answers from `realms` (set per test) on the login stand-in. */
function serveRealms(): void {
  for (const domain of Object.keys(realms)) {
    entra.loginRoutes.set(`/common/userrealm/fedtrust-probe@${domain}?api-version=2.1`, () => [
      200,
      realms[domain],
    ]);
  }
}

const now = new Date();

describe('checkDomain end to end', () => {
  it('discovers AD FS through realm discovery and reads its metadata over HTTPS', async () => {
    realms['contoso.com'] = adfsRealm('adfs.test', adfs.port);
    serveRealms();
    const a = await checkDomain(deps(), { domain: 'contoso.com', now });
    expect(a.status).toBe('ok');
    expect(a.idp).toMatchObject({
      entityId: 'http://sts.ait.dtu.dk/adfs/services/trust',
      adfsShaped: true,
      metadataUrl: `https://adfs.test:${adfs.port}/FederationMetadata/2007-06/FederationMetadata.xml`,
    });
    expect(a.signer?.method).toBe('metadata-signature');
    expect(a.findings.map((f) => f.code)).toEqual(['GRAPH_NOT_CONFIGURED']);
  });

  it("uses the collector's AD FS snapshot for the IdP it describes (IsPrimary, auto-rollover)", async () => {
    realms['contoso.com'] = adfsRealm('adfs.test', adfs.port);
    serveRealms();
    const decoded = decodeCertificate(DTU_CERT);
    if (!decoded.ok) throw new Error(decoded.reason);
    const store = await openSqliteStore(':memory:');
    const body = JSON.parse(
      scriptBody({
        organization: 'dtu',
        adfs: {
          hostName: 'sts.ait.dtu.dk',
          autoRollover: false,
          certificates: [{ cert: { info: decoded.cert }, isPrimary: true }],
        },
      }),
    ) as unknown;
    const payload = decodeCollectorPayload(body, now);
    if (!payload.ok) throw new Error(payload.problems.join('; '));
    for (const snapshot of payload.snapshots) await store.saveSnapshot(snapshot);
    const a = await checkDomain(
      { ...deps(), snapshots: new SnapshotSource(store) },
      { domain: 'contoso.com', now },
    );
    expect(a.signer?.method).toBe('adfs-primary');
    expect(a.autoRollover).toBe('off');
    expect(a.adfs).toEqual({
      hostName: 'sts.ait.dtu.dk',
      receivedAt: now.toISOString(),
      generationDays: 20,
      promotionDays: 5,
      stale: false,
    });
    expect(
      a.certificates
        .filter((c) => c.signer)
        .map((c) => c.source)
        .sort(),
    ).toEqual(['adfs', 'idp-metadata']);
    await store.close();
  });

  it('compares with Entra through Graph, which also names the metadata host', async () => {
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => [
      200,
      {
        value: [
          {
            id: 'fed-1',
            issuerUri: 'http://contoso.com/adfs/services/trust',
            passiveSignInUri: `https://adfs.test:${adfs.port}/adfs/ls/`,
            signingCertificate: DTU_CERT,
          },
        ],
      },
    ]);
    const a = await checkDomain(deps(true), { domain: 'contoso.com', now });
    expect(a.status).toBe('ok');
    expect(a.findings.map((f) => f.code)).toEqual(['IN_SYNC']);
    expect(a.certificates.map((c) => `${c.source}/${c.role}`)).toEqual([
      'idp-metadata/signing',
      'idp-metadata/encryption',
      'entra/signing',
    ]);
  });

  it('says a managed domain has no federation to check', async () => {
    realms['cloud.example'] = { NameSpaceType: 'Managed', DomainName: 'cloud.example' };
    serveRealms();
    const a = await checkDomain(deps(), { domain: 'cloud.example', now });
    expect(a).toMatchObject({
      status: 'ok',
      findings: [{ code: 'NOT_FEDERATED', message: expect.stringContaining('managed') }],
    });
    expect(metadataRequests).toBe(0);
  });

  it('asks for the metadata URL when the IdP is not AD FS', async () => {
    realms['bbc.example'] = {
      NameSpaceType: 'Federated',
      AuthURL:
        'https://idp.forgerock.example/openam/WSFederationServlet/metaAlias/wsfed-idp?wa=wsignin1.0',
    };
    serveRealms();
    const a = await checkDomain(deps(), { domain: 'bbc.example', now });
    expect(a.status).toBe('unknown');
    expect(a.findings.find((f) => f.code === 'METADATA_URL_UNKNOWN')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('idp.forgerock.example'),
      remedy: expect.stringContaining('fedtrust check bbc.example --metadata-url https://'),
    });
  });

  it('says discovery could not be reached — not that the IdP is not AD FS — when realm discovery fails', async () => {
    entra.loginRoutes.set(
      '/common/userrealm/fedtrust-probe@offline.example?api-version=2.1',
      () => [503, { error: 'unavailable' }],
    );
    const a = await checkDomain(deps(), { domain: 'offline.example', now });
    expect(a.status).toBe('unknown');
    const finding = a.findings.find((f) => f.code === 'METADATA_UNREACHABLE');
    expect(finding?.message).toMatch(/^The IdP could not be found: /);
    expect(finding?.remedy).toMatch(/^Realm discovery could not be reached from here/);
    expect(finding?.remedy).not.toContain('not AD FS');
    expect(a.findings.some((f) => f.code === 'METADATA_URL_UNKNOWN')).toBe(false);
  });

  it('turns a discovered URL on a private address into METADATA_BLOCKED, without connecting', async () => {
    realms['contoso.com'] = adfsRealm('internal.test', adfs.port);
    serveRealms();
    const a = await checkDomain(deps(), { domain: 'contoso.com', now });
    expect(a.findings.find((f) => f.code === 'METADATA_BLOCKED')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('10.9.8.7'),
    });
    expect(metadataRequests).toBe(0);
  });

  it('refuses an explicit metadata URL that breaks the outbound rules as bad input, fetching nothing', async () => {
    const error = await checkDomain(deps(), {
      domain: 'contoso.com',
      now,
      metadataUrl: `https://internal.test:${adfs.port}/x`,
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'BAD_INPUT')).toBe(true);
    expect(metadataRequests).toBe(0);
  });

  it('reports a given metadata URL that redirects to a refused address as METADATA_BLOCKED, not bad input', async () => {
    const a = await checkDomain(deps(), {
      domain: 'contoso.com',
      now,
      metadataUrl: `https://adfs.test:${adfs.port}/to-internal`,
    });
    expect(a.findings.find((f) => f.code === 'METADATA_BLOCKED')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('10.9.8.7'),
    });
    expect(metadataRequests).toBe(1);
  });

  it('refuses an XML entity bomb served as metadata (METADATA_INVALID), expanding nothing', async () => {
    const a = await checkDomain(deps(), {
      domain: 'contoso.com',
      now,
      metadataUrl: `https://adfs.test:${adfs.port}/bomb.xml`,
    });
    expect(a.findings.find((f) => f.code === 'METADATA_INVALID')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('DOCTYPE'),
    });
  });

  it('reports METADATA_UNREACHABLE for a 404', async () => {
    const a = await checkDomain(deps(), {
      domain: 'contoso.com',
      now,
      metadataUrl: `https://adfs.test:${adfs.port}/nope.xml`,
    });
    expect(a.findings.find((f) => f.code === 'METADATA_UNREACHABLE')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('404'),
    });
  });

  it('warns about the IdP host TLS certificate expiring in 20 days', async () => {
    const a = await checkDomain(deps(), {
      domain: 'contoso.com',
      now,
      metadataUrl: `https://expiring.test:${expiring.port}/FederationMetadata/2007-06/FederationMetadata.xml`,
    });
    expect(a.findings.find((f) => f.code === 'TLS_CERT_EXPIRING')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('expiring.test'),
    });
  });

  it('goes on without Entra when Graph fails, and says why', async () => {
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => [
      403,
      { error: { code: 'Authorization_RequestDenied' } },
    ]);
    realms['contoso.com'] = adfsRealm('adfs.test', adfs.port);
    serveRealms();
    const a = await checkDomain(deps(true), { domain: 'contoso.com', now });
    expect(a.status).toBe('ok');
    expect(a.findings.find((f) => f.code === 'GRAPH_NOT_CONFIGURED')?.message).toMatch(
      /Domain\.Read\.All/,
    );
  });
});
