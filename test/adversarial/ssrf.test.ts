import { isAppError } from '../../src/errors';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher, type Resolver } from '../../src/sources/safe-fetcher';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';
import { installEgressFence, type EgressFence } from './egress-fence';

/**
 * The SSRF matrix of DESIGN §6 behind an egress fence: every address form that reaches loopback,
 * private, link-local, CGNAT, multicast or unique-local space — literal, through DNS, or through a
 * redirect — is refused before any connection; the fence fails the test on any connection that is not
 * loopback, and checks that refused ones never connected at all.
 */
requireTestCa();

let fence: EgressFence;
let idp: TestServer;
beforeAll(async () => {
  fence = installEgressFence();
  idp = await startHttpsServer(
    (req, res) => {
      const to = new URL(req.url ?? '/', 'https://x').searchParams.get('to');
      if (to) {
        res.statusCode = 302;
        res.setHeader('location', to);
        return void res.end();
      }
      res.end('<EntityDescriptor entityID="https://idp.test"/>');
    },
    { hosts: ['idp.test', 'localhost'] },
  );
});
afterAll(async () => {
  fence.remove();
  await idp.close();
});

/** Every form that must be judged by the IPv4 address it carries, or refused outright (DESIGN §6). */
const REFUSED_LITERALS = [
  '127.0.0.1',
  '127.1.2.3',
  '10.0.0.1',
  '172.16.5.4',
  '192.168.1.1',
  '169.254.169.254', // cloud metadata
  '100.64.0.1', // CGNAT
  '0.0.0.0',
  '224.0.0.1',
  '[::1]',
  '[::]',
  '[fc00::1]',
  '[fd12:3456::1]',
  '[fe80::1]',
  '[ff02::1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::127.0.0.1]', // IPv4-compatible
  '[::7f00:1]',
  '[::ffff:0:7f00:1]', // IPv4-translated
  '[64:ff9b::7f00:1]', // NAT64
  '[64:ff9b:1::a00:1]', // local-use NAT64
  '[2002:7f00:1::]', // 6to4 of 127.0.0.1
  '[2002:a9fe:a9fe::]', // 6to4 of 169.254.169.254
];

const resolveTo =
  (address: string): Resolver =>
  () =>
    Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);

async function refusedWithoutConnecting(fetch: () => Promise<unknown>): Promise<string> {
  const before = fence.attempts.length;
  try {
    await fetch();
  } catch (error) {
    expect(fence.attempts.length).toBe(before); // nothing connected at all
    if (isAppError(error)) return error.code;
    throw error;
  }
  throw new Error('fetched');
}

describe('the egress fence itself', () => {
  it('stops and records a connection that is not loopback (so the checks below can fail)', async () => {
    const fetcher = new SafeFetcher({
      allowPrivateHosts: ['outside.test'],
      resolve: resolveTo('192.0.2.10'),
    });
    await expect(fetcher.fetchText('https://outside.test/m.xml')).rejects.toThrow(/egress fence/);
    expect(fence.outside()).toEqual([{ host: 'outside.test', address: '192.0.2.10', port: 443 }]);
    fence.attempts.length = 0;
  });
});

describe('the SSRF matrix (DESIGN §6)', () => {
  it.each(REFUSED_LITERALS)('refuses https://%s/ before connecting', async (host) => {
    const code = await refusedWithoutConnecting(() =>
      new SafeFetcher({ allowPrivateHosts: [] }).fetchText(`https://${host}/metadata.xml`),
    );
    expect(code).toBe('URL_REFUSED');
  });

  it.each(REFUSED_LITERALS.map((h) => h.replace(/^\[|\]$/g, '')))(
    'refuses a name that resolves to %s before connecting',
    async (address) => {
      const fetcher = new SafeFetcher({ allowPrivateHosts: [], resolve: resolveTo(address) });
      expect(
        await refusedWithoutConnecting(() => fetcher.fetchText('https://fs.evil.test/m.xml')),
      ).toBe('URL_REFUSED');
    },
  );

  it('refuses http://, other schemes and credentials in the URL', async () => {
    for (const url of [
      'http://fs.contoso.com/m.xml',
      'file:///etc/passwd',
      'ftp://x/y',
      'https://u:p@x.test/',
    ]) {
      const code = await refusedWithoutConnecting(() =>
        new SafeFetcher({ allowPrivateHosts: [] }).fetchText(url),
      );
      expect(code).toBe('URL_REFUSED');
    }
  });

  it.each([
    'https://127.0.0.1/',
    'https://[::ffff:0:7f00:1]/',
    'https://169.254.169.254/latest/meta-data/',
  ])(
    'refuses a redirect to %s: the IdP’s doing, a finding, never a connection there',
    async (target) => {
      // idp.test is allowed (it is this test's own stand-in); where it redirects is judged afresh.
      const source = new MetadataSource(
        new SafeFetcher({ allowPrivateHosts: ['idp.test'], resolve: resolveTo('127.0.0.1') }),
      );
      const load = await source.load(
        `${idp.originFor('idp.test')}/m.xml?to=${encodeURIComponent(target)}`,
      );
      expect(load).toMatchObject({ ok: false, problem: { code: 'METADATA_BLOCKED' } });
      expect(fence.outside()).toEqual([]);
    },
  );

  it('lets a loopback stand-in through only when its name is allowed, and nothing outside ever connected', async () => {
    const fetcher = new SafeFetcher({
      allowPrivateHosts: ['idp.test'],
      resolve: resolveTo('127.0.0.1'),
    });
    const { body } = await fetcher.fetchText(`${idp.originFor('idp.test')}/m.xml`);
    expect(body).toContain('EntityDescriptor');
    expect(fence.outside()).toEqual([]);
  });
});
