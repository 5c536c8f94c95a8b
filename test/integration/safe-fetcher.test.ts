import { parseMetadata } from '../../src/engine/metadata-parser';
import { isAppError } from '../../src/errors';
import { readFixture } from '../support/fixtures';
import { SafeFetcher, type Resolver, type Validated } from '../../src/sources/safe-fetcher';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

requireTestCa();

const hosts: Record<string, string> = {
  'adfs.test': '127.0.0.1',
  'second.test': '127.0.0.1',
  'internal.test': '10.1.2.3',
  'mapped.test': '::ffff:127.0.0.1',
};
const resolve: Resolver = (host) => {
  const address = hosts[host];
  if (!address) return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
  return Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);
};

function fetcher(extra: Partial<ConstructorParameters<typeof SafeFetcher>[0]> = {}): SafeFetcher {
  return new SafeFetcher({ allowPrivateHosts: ['adfs.test', 'second.test'], resolve, ...extra });
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

let server: TestServer;
let requests: string[];
let etagHits = 0;

beforeAll(async () => {
  server = await startHttpsServer(
    (req, res) => {
      requests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'https://x');
      const port = server.port;
      switch (url.pathname) {
        case '/metadata':
          res.setHeader('content-type', 'application/xml');
          return void res.end('<EntityDescriptor entityID="x"/>');
        case '/utf16le':
        case '/utf16be': {
          // A real AD FS document served as UTF-16 with a BOM, as IIS can.
          const text = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
          const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
          if (url.pathname === '/utf16le') return void res.end(le);
          const be = Buffer.from(le.subarray(2));
          be.swap16();
          return void res.end(Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
        }
        case '/redirect': {
          const n = Number(url.searchParams.get('n'));
          res.statusCode = 302;
          res.setHeader('location', n > 1 ? `/redirect?n=${n - 1}` : '/metadata');
          return void res.end();
        }
        case '/to-loopback':
          res.statusCode = 301;
          res.setHeader('location', `https://127.0.0.1:${port}/metadata`);
          return void res.end();
        case '/to-http':
          res.statusCode = 302;
          res.setHeader('location', `http://adfs.test:${port}/metadata`);
          return void res.end();
        case '/to-other-host':
          res.statusCode = 302;
          res.setHeader('location', `https://second.test:${port}/metadata`);
          return void res.end();
        case '/hang':
          return; // never answers
        case '/trickle':
          res.writeHead(200, { 'content-type': 'application/xml' });
          res.write('<a>');
          return; // body never ends
        case '/huge-declared':
          res.writeHead(200, { 'content-length': String(3 * 1024 * 1024) });
          return void res.end();
        case '/huge-chunked':
          res.writeHead(200, { 'content-type': 'application/xml' });
          for (let i = 0; i < 40; i++) res.write(Buffer.alloc(100 * 1024, 'a'));
          return void res.end();
        case '/etag':
          if (req.headers['if-none-match'] === '"v1"') {
            etagHits++;
            res.statusCode = 304;
            return void res.end();
          }
          res.setHeader('etag', '"v1"');
          return void res.end('<v1/>');
        case '/missing':
          res.statusCode = 404;
          return void res.end('nope');
        default:
          res.statusCode = 500;
          res.end();
      }
    },
    { hosts: ['adfs.test', 'second.test', 'localhost', '127.0.0.1'] },
  );
});

beforeEach(() => {
  requests = [];
});

afterAll(() => server.close());

describe('SafeFetcher', () => {
  it('fetches over HTTPS from an allowed internal host and reports its TLS certificate', async () => {
    const result = await fetcher().fetchText(`${server.originFor('adfs.test')}/metadata`);
    expect(result.body).toBe('<EntityDescriptor entityID="x"/>');
    expect(result.tls?.host).toBe('adfs.test');
    expect(result.tls!.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it('reads a metadata document served as UTF-16 (LE or BE, with its BOM), which then parses', async () => {
    for (const path of ['/utf16le', '/utf16be']) {
      const { body } = await fetcher().fetchText(`${server.originFor('adfs.test')}${path}`);
      expect(body).toBe(
        readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml').replace(/^\uFEFF/, ''),
      );
      const parsed = parseMetadata(body);
      expect(parsed.ok && parsed.metadata.signingCerts.length).toBeGreaterThan(0);
    }
  });

  it('revalidates from another process: the validators live in the store, as many URLs as are watched', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const validators = {
        get: (url: string) => store.getValidators(url),
        document: (hash: string) => store.getDocument(hash),
        set: (url: string, entry: Validated | undefined) =>
          store.saveValidators(url, entry, new Date()),
      };
      // 600 other URLs first: more than the old in-memory cache held, none of them evicts this one.
      for (let i = 0; i < 600; i++)
        await store.saveValidators(
          `https://other.test/${i}`,
          { etag: `"${i}"`, status: 200, url: `https://other.test/${i}`, body: 'x', hash: 'x' },
          new Date(),
        );
      const url = `${server.originFor('adfs.test')}/etag`;
      const first = await fetcher({ validators }).fetchText(url);
      expect(first).toMatchObject({ body: '<v1/>', fromCache: false });
      const hits = etagHits;
      // A new fetcher is a new process (the bot restarted, or fedtrust sweep): it asks conditionally.
      const second = await fetcher({ validators }).fetchText(url);
      expect(second).toMatchObject({ body: '<v1/>', fromCache: true });
      expect(etagHits).toBe(hits + 1);
    } finally {
      await store.close();
    }
  });

  it('on a 304 for content the reader holds, does not read the document; a document gone is fetched again', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      let documentReads = 0;
      const validators = {
        get: (url: string) => store.getValidators(url),
        document: (hash: string) => (documentReads++, store.getDocument(hash)),
        set: (url: string, entry: Validated | undefined) =>
          store.saveValidators(url, entry, new Date()),
      };
      const url = `${server.originFor('adfs.test')}/etag`;
      const first = await fetcher({ validators }).fetchText(url);
      const held = new Set([first.contentHash]);
      const again = await fetcher({ validators }).fetchText(url, { reuse: (h) => held.has(h) });
      expect(again).toMatchObject({ body: '', reused: true, contentHash: first.contentHash });
      expect(documentReads).toBe(0);
      // Another process replaced the document between the validators and the 304: an unconditional GET.
      const hits = etagHits;
      const gone = {
        ...validators,
        document: () => Promise.resolve(undefined),
      };
      const refetched = await fetcher({ validators: gone }).fetchText(url);
      expect(refetched).toMatchObject({ body: '<v1/>', fromCache: false });
      expect(etagHits).toBe(hits + 1);
    } finally {
      await store.close();
    }
  });

  it('refuses a literal loopback address without connecting', async () => {
    const r = await refusal(fetcher().fetchText(`${server.origin}/metadata`));
    expect(r).toMatchObject({ code: 'URL_REFUSED', message: expect.stringContaining('127.0.0.1') });
    expect(requests).toEqual([]);
  });

  it('refuses a name that resolves to a private 10.x address, before any connection', async () => {
    const r = await refusal(fetcher().fetchText('https://internal.test/metadata'));
    expect(r).toMatchObject({ code: 'URL_REFUSED', message: expect.stringContaining('10.1.2.3') });
  });

  it.each(['[::127.0.0.1]', '[::7f00:1]', '[::ffff:0:7f00:1]', '[2002:7f00:1::1]'])(
    'refuses %s, an IPv6 form of loopback, without connecting',
    async (host) => {
      const r = await refusal(fetcher().fetchText(`https://${host}:${server.port}/metadata`));
      expect(r.code).toBe('URL_REFUSED');
      expect(requests).toEqual([]);
    },
  );

  it('refuses an IPv4-mapped IPv6 loopback', async () => {
    const r = await refusal(fetcher().fetchText(`https://mapped.test:${server.port}/metadata`));
    expect(r.code).toBe('URL_REFUSED');
  });

  it.each([
    'http://adfs.test/metadata',
    'ftp://adfs.test/x',
    'https://user:pw@adfs.test/x',
    'not a url',
  ])('refuses %s', async (url) => {
    expect((await refusal(fetcher().fetchText(url))).code).toBe('URL_REFUSED');
  });

  it("re-checks every redirect: a redirect to loopback is refused, as the redirect's doing", async () => {
    const r = await refusal(fetcher().fetchText(`${server.originFor('adfs.test')}/to-loopback`));
    expect(r.code).toBe('REDIRECT_REFUSED');
    expect(requests).toEqual(['/to-loopback']);
  });

  it('refuses a redirect to http://', async () => {
    expect(
      (await refusal(fetcher().fetchText(`${server.originFor('adfs.test')}/to-http`))).code,
    ).toBe('REDIRECT_REFUSED');
  });

  it('follows a redirect to another allowed host', async () => {
    const result = await fetcher().fetchText(`${server.originFor('adfs.test')}/to-other-host`);
    expect(result.url).toBe(`${server.originFor('second.test')}/metadata`);
  });

  it('follows three redirects and refuses the fourth', async () => {
    const ok = await fetcher().fetchText(`${server.originFor('adfs.test')}/redirect?n=3`);
    expect(ok.body).toContain('EntityDescriptor');
    const r = await refusal(fetcher().fetchText(`${server.originFor('adfs.test')}/redirect?n=4`));
    expect(r.code).toBe('FETCH_TOO_MANY_REDIRECTS');
  });

  it.each(['/hang', '/trickle'])('gives up on %s after the total timeout', async (path) => {
    const started = process.hrtime.bigint();
    const r = await refusal(
      fetcher({ totalTimeoutMs: 300 }).fetchText(`${server.originFor('adfs.test')}${path}`),
    );
    expect(r.code).toBe('FETCH_TIMEOUT');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
  });

  it.each(['/huge-declared', '/huge-chunked'])('caps the body: %s', async (path) => {
    const r = await refusal(
      fetcher().fetchText(`${server.originFor('adfs.test')}${path}`, { maxBytes: 2 * 1024 * 1024 }),
    );
    expect(r.code).toBe('FETCH_TOO_LARGE');
  });

  it('revalidates with If-None-Match and serves the cached body on 304', async () => {
    const f = fetcher();
    const hits = etagHits;
    const first = await f.fetchText(`${server.originFor('adfs.test')}/etag`);
    const second = await f.fetchText(`${server.originFor('adfs.test')}/etag`);
    expect(first).toMatchObject({ body: '<v1/>', fromCache: false });
    expect(second).toMatchObject({ body: '<v1/>', fromCache: true });
    expect(etagHits).toBe(hits + 1);
  });

  it('turns an HTTP error status into FETCH_HTTP_STATUS', async () => {
    const r = await refusal(fetcher().fetchText(`${server.originFor('adfs.test')}/missing`));
    expect(r).toMatchObject({ code: 'FETCH_HTTP_STATUS', message: expect.stringContaining('404') });
  });

  it('says when a name does not resolve', async () => {
    expect((await refusal(fetcher().fetchText('https://nowhere.test/x'))).code).toBe(
      'FETCH_FAILED',
    );
  });
});
