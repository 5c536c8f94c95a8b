import { createHash } from 'node:crypto';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { readFixture } from '../support/fixtures';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

requireTestCa();

// A real AD FS document whose root signature verifies (DESIGN §4 "Fixed formats").
const SIGNED = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
const resolve: Resolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);

let server: TestServer;
let served: { withEtag: number; withoutEtag: number; notModified: number };

beforeAll(async () => {
  const etag = `"${createHash('sha1').update(SIGNED).digest('hex')}"`;
  server = await startHttpsServer(
    (req, res) => {
      if (req.url === '/no-validators') {
        served.withoutEtag++;
        return void res.end(SIGNED);
      }
      if (req.headers['if-none-match'] === etag) {
        served.notModified++;
        res.writeHead(304, { etag });
        return void res.end();
      }
      served.withEtag++;
      res.writeHead(200, { etag });
      res.end(SIGNED);
    },
    { hosts: ['idp.test'] },
  );
});
afterAll(() => server.close());

let store: Store;
beforeEach(async () => {
  served = { withEtag: 0, withoutEtag: 0, notModified: 0 };
  store = await openSqliteStore(':memory:');
});
afterEach(() => store.close());

/** A metadata source as a process builds it: its own fetcher and caches, the shared store. */
function newProcess(): MetadataSource {
  const fetcher = new SafeFetcher({
    allowPrivateHosts: ['idp.test'],
    resolve,
    validators: {
      get: (url) => store.getValidators(url),
      document: (hash) => store.getDocument(hash),
      set: (url, entry) => store.saveValidators(url, entry, new Date()),
    },
  });
  return new MetadataSource(fetcher, store);
}

const signatureKey = (issuerUri = '') =>
  createHash('sha256')
    .update(`${createHash('sha256').update(SIGNED).digest('hex')}\u0000${issuerUri}`)
    .digest('hex');

describe('MetadataSource with the store', () => {
  const url = () =>
    `${server.originFor('idp.test')}/FederationMetadata/2007-06/FederationMetadata.xml`;

  it('keeps the signature check of a kept document, and another process uses it instead of verifying', async () => {
    const first = await newProcess().load(url());
    expect(first).toMatchObject({ ok: true, metadata: { signature: { status: 'valid' } } });
    expect(await store.getSignatureCheck(signatureKey())).toMatchObject({ status: 'valid' });
    // Seeded with an outcome verification could never give: the next process must report it as is.
    await store.saveSignatureCheck(
      signatureKey('seeded'),
      createHash('sha256').update(SIGNED).digest('hex'),
      { status: 'invalid', reason: 'seeded outcome' },
      new Date(),
    );
    const next = await newProcess().load(url(), { issuerUri: 'seeded' });
    expect(next).toMatchObject({
      ok: true,
      metadata: { signature: { status: 'invalid', reason: 'seeded outcome' } },
    });
    expect(served).toEqual({ withEtag: 1, withoutEtag: 0, notModified: 1 });
  });

  it('answers a 304 for content read in this process without loading the document again', async () => {
    const source = newProcess();
    await source.load(url());
    let documentReads = 0;
    const getDocument = store.getDocument.bind(store);
    store.getDocument = (hash) => (documentReads++, getDocument(hash));
    const again = await source.load(url(), { revalidate: true });
    expect(again).toMatchObject({ ok: true, metadata: { signature: { status: 'valid' } } });
    expect(served.notModified).toBe(1);
    expect(documentReads).toBe(0);
  });

  it('keeps no signature check for a document the store does not keep (no validators)', async () => {
    await newProcess().load(`${server.originFor('idp.test')}/no-validators`);
    expect(await store.getSignatureCheck(signatureKey())).toBeUndefined();
  });

  it('forgets the signature check with the last URL that kept the document', async () => {
    await newProcess().load(url());
    await store.saveValidators(url(), undefined, new Date());
    expect(await store.getSignatureCheck(signatureKey())).toBeUndefined();
  });

  it('reuses a load for 5 s without asking the IdP again, and shares one fetch between concurrent loads', async () => {
    const source = newProcess();
    const [a, b] = await Promise.all([source.load(url()), source.load(url())]);
    expect(a).toBe(b);
    expect(await source.load(url())).toBe(a);
    expect(served).toEqual({ withEtag: 1, withoutEtag: 0, notModified: 0 });
    // A sweep revalidates whatever was loaded a moment ago.
    await source.load(url(), { revalidate: true });
    expect(served.notModified).toBe(1);
  });
});
