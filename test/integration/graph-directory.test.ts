import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphDirectory } from '../../src/sources/graph-directory';
import { makeCert } from '../support/certs';
import { startEntraStandIn, TENANT, CLIENT, type EntraStandIn } from '../support/entra-stand-in';
import { fixture } from '../support/fixtures';
import { requireTestCa } from '../support/tls';

requireTestCa();

let entra: EntraStandIn;
let directory: GraphDirectory;
const listResponse = JSON.parse(
  readFileSync(
    fixture('graph/msgraph-docs__v1.0__domain-list-federationconfiguration__response.json'),
    'utf8',
  ),
) as unknown;
const wrappedObject = JSON.parse(
  readFileSync(
    fixture('graph/msgraph-docs__v1.0__internaldomainfederation-get__response.json'),
    'utf8',
  ),
) as unknown;

beforeAll(async () => {
  entra = await startEntraStandIn();
  directory = new GraphDirectory(
    { tenantId: TENANT, clientId: CLIENT, clientSecret: 'test-secret' },
    `https://localhost:${entra.graph.port}`,
    `https://localhost:${entra.login.port}`,
  );
});

afterAll(() => entra.close());

beforeEach(() => {
  entra.routes.clear();
  entra.graphRequests.length = 0;
});

describe('GraphDirectory against local Graph and login stand-ins', () => {
  it('reads the federation configuration with a real token, and reuses the token', async () => {
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => [200, listResponse]);
    entra.routes.set('/domains/fabrikam.com/federationConfiguration', () => [200, wrappedObject]);
    const a = await directory.federationFor('contoso.com');
    const b = await directory.federationFor('fabrikam.com');
    expect(a).toMatchObject({
      kind: 'federated',
      federatedDomain: 'contoso.com',
      federation: { issuerUri: 'http://contoso.com/adfs/services/trust' },
    });
    expect(b).toMatchObject({
      kind: 'federated',
      federation: {
        id: '6601d14b-d113-8f64-fda2-9b5ddda18ecc',
        updateStatus: { result: 'Success' },
      },
    });
    expect(entra.tokenRequests).toBe(1);
    expect(entra.graphRequests.every((r) => r.authorization === 'Bearer test-token-1')).toBe(true);
  });

  it('keeps the truncated documentation certificate as unreadable instead of failing', async () => {
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => [200, listResponse]);
    const answer = await directory.federationFor('contoso.com');
    expect(answer.kind === 'federated' && answer.federation.slots[0].unreadable).toMatch(/not/);
  });

  it('says a domain the tenant does not have is not in the tenant', async () => {
    expect(await directory.federationFor('unknown.example')).toEqual({ kind: 'not-in-tenant' });
  });

  it('says a managed domain is not federated', async () => {
    entra.routes.set('/domains/managed.example/federationConfiguration', () => [
      200,
      { value: [] },
    ]);
    entra.routes.set('/domains/managed.example', () => [
      200,
      { id: 'managed.example', authenticationType: 'Managed' },
    ]);
    expect(await directory.federationFor('managed.example')).toMatchObject({
      kind: 'not-federated',
    });
  });

  it('checks a federated subdomain through its federated parent', async () => {
    entra.routes.set('/domains/eu.contoso.com/federationConfiguration', () => [200, { value: [] }]);
    entra.routes.set('/domains/eu.contoso.com', () => [
      200,
      { id: 'eu.contoso.com', authenticationType: 'Federated', isRoot: false },
    ]);
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => [200, listResponse]);
    expect(await directory.federationFor('eu.contoso.com')).toMatchObject({
      kind: 'federated',
      federatedDomain: 'contoso.com',
    });
  });

  it('retries 429 and 503 honouring Retry-After, then answers', async () => {
    let calls = 0;
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => {
      calls++;
      if (calls === 1) return [429, { error: { code: 'TooManyRequests' } }, { 'retry-after': '1' }];
      if (calls === 2)
        return [503, { error: { code: 'ServiceUnavailable' } }, { 'retry-after': '1' }];
      return [200, listResponse];
    });
    const started = Date.now();
    expect(await directory.federationFor('contoso.com')).toMatchObject({ kind: 'federated' });
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('gives up after a bounded number of retries with a clear error', async () => {
    let calls = 0;
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => {
      calls++;
      return [503, { error: { code: 'ServiceUnavailable' } }, { 'retry-after': '0' }];
    });
    await expect(directory.federationFor('contoso.com')).rejects.toMatchObject({
      code: 'GRAPH_FAILED',
      message: expect.stringContaining('503'),
    });
    expect(calls).toBe(4);
  });

  it('explains a 403 as a missing permission', async () => {
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => [
      403,
      { error: { code: 'Authorization_RequestDenied' } },
    ]);
    await expect(directory.federationFor('contoso.com')).rejects.toMatchObject({
      code: 'GRAPH_AUTH_FAILED',
      message: expect.stringContaining('Domain.Read.All'),
    });
  });

  it('lists the federated domains of the tenant', async () => {
    entra.routes.set('/domains?$select=id,authenticationType,isVerified', () => [
      200,
      {
        value: [
          { id: 'contoso.com', authenticationType: 'Federated' },
          { id: 'contoso.onmicrosoft.com', authenticationType: 'Managed' },
          { id: 'fabrikam.com', authenticationType: 'federated' },
        ],
      },
    ]);
    expect(await directory.federatedDomains()).toEqual(['contoso.com', 'fabrikam.com']);
  });
});

describe('GraphDirectory with a client certificate', () => {
  it('signs a client assertion with the certificate instead of sending a secret', async () => {
    const generated = await makeCert(
      'CN=fedtrust-bot graph client',
      new Date('2025-01-01'),
      new Date('2035-01-01'),
    );
    const pkcs8 = Buffer.from(
      await webcrypto.subtle.exportKey('pkcs8', generated.keys.privateKey),
    ).toString('base64');
    const pem = `${generated.x509.toString('pem')}\n-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
    const path = join(mkdtempSync(join(tmpdir(), 'fedtrust-graph-')), 'client.pem');
    writeFileSync(path, pem, { mode: 0o600 });
    const withCert = new GraphDirectory(
      { tenantId: TENANT, clientId: CLIENT, certificatePath: path },
      `https://localhost:${entra.graph.port}`,
      `https://localhost:${entra.login.port}`,
    );
    entra.routes.set('/domains/contoso.com/federationConfiguration', () => [200, listResponse]);
    expect(await withCert.federationFor('contoso.com')).toMatchObject({ kind: 'federated' });
    expect(entra.lastTokenForm?.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    expect(entra.lastTokenForm?.get('client_assertion')?.split('.')).toHaveLength(3);
    expect(entra.lastTokenForm?.has('client_secret')).toBe(false);
  });
});
