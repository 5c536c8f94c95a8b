import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { createBotApp, type BotApp } from '../../src/bot/create-bot-app';
import { loadSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { start } from '../../src/server';
import type { z } from 'zod';
import { collectorPayloadSchema } from '../../src/sources/collector-payload';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher } from '../../src/sources/safe-fetcher';
import { SnapshotSource } from '../../src/sources/snapshot-source';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { closeServer } from '../support/bot-server';
import { at, makeCert, type GeneratedCert } from '../support/certs';
import { scriptBody } from '../support/collector-payloads';
import { IDS, hybridJson } from '../support/exchange-hybrid';

const NOW = new Date('2026-12-03T06:00:00Z');
const TOKEN = 'collector-token-0123456789';
const logger = createLogger('silent');

let store: Store;
let app: BotApp;
let base: string;
let mfg: GeneratedCert;
let org: GeneratedCert;
let adfsPrimary: GeneratedCert;
let adfsNext: GeneratedCert;

function openApp(settings: Record<string, string>, appStore: Store): BotApp {
  return createBotApp({
    settings: loadSettings(settings),
    logger,
    checks: {
      metadata: new MetadataSource(new SafeFetcher({ allowPrivateHosts: [] })),
      mfgMetadataUrl: DEFAULT_MFG_METADATA_URL,
      leadDays: 7,
    },
    store: appStore,
    version: 'test',
    clock: () => NOW,
  });
}

beforeAll(async () => {
  mfg = await makeCert('CN=Live ID STS Signing Public Key', at(NOW, -40), at(NOW, 300));
  org = await makeCert('CN=Federation', at(NOW, -1000), at(NOW, 800));
  adfsPrimary = await makeCert('CN=ADFS Signing - fs.contoso.com', at(NOW, -350), at(NOW, 15));
  adfsNext = await makeCert('CN=ADFS Signing - fs.contoso.com', at(NOW, -5), at(NOW, 360));
  store = await openSqliteStore(':memory:');
  app = openApp({ COLLECTOR_TOKEN: TOKEN }, store);
  base = `http://127.0.0.1:${await start(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await closeServer(app.server);
  await store.close();
});

function post(body: string, headers: Record<string, string> = {}) {
  const all: Record<string, string> = {
    authorization: `Bearer ${TOKEN}`,
    'content-type': 'application/json; charset=utf-8',
    ...headers,
  };
  return fetch(`${base}/api/collector/snapshots`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter(([, value]) => value !== '')),
    body,
  });
}

const exchangeBody = (edition: '5.1' | '7' = '5.1', organization = 'contoso') =>
  scriptBody({ organization, edition, trust: { tokenIssuer: mfg, org } });

describe('POST /api/collector/snapshots', () => {
  it.each(['5.1', '7'] as const)(
    "stores an Exchange server's trust as Windows PowerShell %s sends it",
    async (edition) => {
      const response = await post(exchangeBody(edition, `contoso-${edition}`));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        organization: `contoso-${edition}`,
        receivedAt: NOW.toISOString(),
        kept: [{ kind: 'exchange-trust', source: 'Microsoft Federation Gateway' }],
      });
      const [trust] = await new SnapshotSource(store).exchangeTrusts(`contoso-${edition}`);
      expect(trust?.computerName).toBe('EX01');
      expect(trust?.trust).toMatchObject({
        name: 'Microsoft Federation Gateway',
        receivedAt: NOW,
        tokenIssuerCertificate: {
          thumbprintSha1: mfg.info.thumbprintSha1,
          notAfter: mfg.info.notAfter,
        },
        orgCertificate: { thumbprintSha256: org.info.thumbprintSha256 },
      });
    },
  );

  describe('collector 1.1: the Exchange Auth block (design/exchange-hybrid.md §2)', () => {
    const fixtureBody = (name: string, organization = 'hybrid') => {
      const body = hybridJson(name) as { organization: string };
      body.organization = organization;
      return JSON.stringify(body);
    };

    it.each([
      ['collector-auth-steady.ps51.json', 'Windows PowerShell 5.1 dates'],
      ['collector-auth-next-staged.ps7.json', 'PowerShell 7 dates'],
    ])('keeps %s (%s) per server and reads it back', async (name) => {
      const organization = `hybrid-${name.split('.')[1]}`;
      const response = await post(fixtureBody(name, organization));
      expect(response.status).toBe(200);
      expect(((await response.json()) as { kept: unknown }).kept).toEqual([
        { kind: 'exchange-auth', source: 'EX01' },
      ]);
      const [read] = await new SnapshotSource(store).exchangeAuth(organization);
      expect(read?.auth).toMatchObject({
        current: IDS.thumbprints.cur,
        organizationGuid: IDS.organizationGuid,
        receivedAt: NOW,
        hybridConfigured: true,
        servers: [{ computerName: 'EX01', exSetupVersion: '15.02.2562.017' }],
      });
      const cur = read!.auth.certificates.find((c) => c.thumbprintSha1 === IDS.thumbprints.cur)!;
      expect(cur.notAfter).toEqual(new Date('2027-01-10T09:14:22Z'));
    });

    it("keeps each server's view: the slots from the newest, every server's certificates", async () => {
      for (const name of [
        'collector-auth-missing-on-server.EX01.json',
        'collector-auth-missing-on-server.EX02.json',
      ])
        expect((await post(fixtureBody(name, 'two-servers'))).status).toBe(200);
      const [read] = await new SnapshotSource(store).exchangeAuth('two-servers');
      expect(
        read!.auth.servers.map((s) => [s.computerName, s.certificates.map((c) => c.foundOnServer)]),
      ).toEqual([
        ['EX02', [true, false]],
        ['EX01', [true, true]],
      ]);
      expect(read!.auth.next).toBe(IDS.thumbprints.next);
    });

    it('drops properties it does not read (a PrivateKey or Pfx is never stored)', async () => {
      expect((await post(fixtureBody('reject-private-key.json', 'private'))).status).toBe(200);
      const stored = (await store.listSnapshots('exchange-auth')).find(
        (s) => s.organization === 'private',
      );
      expect(JSON.stringify(stored?.payload)).not.toMatch(/"PrivateKey"|"Pfx"|MIIEvQ|MIIJqQ/);
    });

    it.each([
      ['reject-non-hex-thumbprint.json', /exchangeAuth\.authConfig\.NextCertificateThumbprint/],
      ['reject-five-certificates.json', /exchangeAuth\.authCertificates/],
      ['reject-proto.json', /__proto__/],
    ])('answers 400 to %s, naming the field, and keeps nothing', async (name, reason) => {
      const count = (await store.listSnapshots()).length;
      const response = await post(fixtureBody(name, 'rejected'));
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toMatch(reason);
      expect((await store.listSnapshots()).length).toBe(count);
    });
  });

  it("stores an AD FS server's properties and certificates, found again by entityID or host", async () => {
    const body = scriptBody({
      organization: 'contoso',
      computerName: 'ADFS01',
      adfs: {
        hostName: 'fs.contoso.com',
        autoRollover: false,
        generation: 30,
        certificates: [
          { cert: adfsPrimary, isPrimary: true },
          { cert: adfsNext, isPrimary: false },
        ],
      },
    });
    const response = await post(body);
    expect(response.status).toBe(200);
    const source = new SnapshotSource(store);
    const byEntity = await source.adfsFor({
      entityId: 'HTTP://FS.contoso.com/adfs/services/trust/',
    });
    expect(byEntity).toMatchObject({
      autoCertificateRollover: false,
      generationThresholdDays: 30,
      hostName: 'fs.contoso.com',
      receivedAt: NOW,
    });
    expect(byEntity?.tokenSigning.map((t) => [t.cert.thumbprintSha1, t.isPrimary])).toEqual([
      [adfsPrimary.info.thumbprintSha1, true],
      [adfsNext.info.thumbprintSha1, false],
    ]);
    const byHost = await source.adfsFor({
      metadataUrl: 'https://fs.contoso.com/FederationMetadata/2007-06/FederationMetadata.xml',
    });
    expect(byHost?.identifier).toBe('http://fs.contoso.com/adfs/services/trust');
    expect(
      await source.adfsFor({ entityId: 'http://fs.fabrikam.com/adfs/services/trust' }),
    ).toBeUndefined();
  });

  it('accepts plain ConvertTo-Json output too: byte-array RawData, numeric enums, a lone object', async () => {
    const raw = {
      organization: 'fabrikam',
      adfsProperties: { HostName: 'sts.fabrikam.com', AutoCertificateRollover: true },
      adfsCertificates: {
        CertificateType: 'Token-Signing',
        IsPrimary: true,
        StoreLocation: 2,
        StoreName: 5,
        Certificate: {
          Thumbprint: adfsPrimary.info.thumbprintSha1,
          NotBefore: `/Date(${adfsPrimary.info.notBefore.getTime()})/`,
          NotAfter: `/Date(${adfsPrimary.info.notAfter.getTime()})/`,
          RawData: [...Buffer.from(adfsPrimary.info.base64, 'base64')],
          Handle: { value: 2287 },
        },
      },
    };
    expect((await post(JSON.stringify(raw))).status).toBe(200);
    const snapshot = await new SnapshotSource(store).adfsFor({
      metadataUrl: 'https://sts.fabrikam.com/FederationMetadata/2007-06/FederationMetadata.xml',
    });
    expect(snapshot?.tokenSigning[0]?.cert.thumbprintSha256).toBe(
      adfsPrimary.info.thumbprintSha256,
    );
  });

  describe('refuses hostile or broken snapshots and keeps nothing', () => {
    const before = async () => (await store.listSnapshots()).length;

    it.each([
      ['no token', { authorization: '' }],
      ['a wrong token', { authorization: `Bearer ${TOKEN}x` }],
      ['a token in the wrong scheme', { authorization: `Basic ${TOKEN}` }],
    ])('answers 401 to %s', async (_name, headers) => {
      const count = await before();
      const response = await post(exchangeBody('5.1', 'intruder'), headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await before()).toBe(count);
    });

    it('answers 413 to a body over 1 MiB, by its Content-Length or as it streams', async () => {
      const big = `{"organization":"contoso","pad":"${'x'.repeat(1024 * 1024)}"}`;
      expect((await post(big)).status).toBe(413);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${base}/api/collector/snapshots`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        });
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('error', reject);
        for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 0x20));
        req.end();
      });
      expect(status).toBe(413);
    });

    it.each([
      ['not JSON', '{"organization": "contoso",', /not JSON/],
      ['a __proto__ key', '{"organization":"contoso","__proto__":{"polluted":true}}', /__proto__/],
      [
        'a nested constructor key',
        '{"organization":"contoso","adfsProperties":{"constructor":{"prototype":{}}}}',
        /constructor|prototype/,
      ],
      ['no organisation', '{"federationTrust":[]}', /organization/],
      [
        'a hostile organisation name',
        '{"organization":"<script>","federationTrust":[]}',
        /organization/,
      ],
      ['nothing to keep', '{"organization":"contoso","federationTrust":[]}', /nothing to keep/],
      [
        'a number where a certificate belongs',
        '{"organization":"contoso","federationTrust":{"Name":"MFG","TokenIssuerCertificate":42}}',
        /TokenIssuerCertificate/,
      ],
      [
        'a bad thumbprint and date',
        '{"organization":"contoso","federationTrust":{"TokenIssuerCertificate":{"Thumbprint":"xyz","NotBefore":"yesterday","NotAfter":"/Date(1)/"}}}',
        /Thumbprint[\s\S]*NotBefore/,
      ],
      [
        'a string where a boolean belongs',
        '{"organization":"contoso","adfsProperties":{"AutoCertificateRollover":"maybe"}}',
        /AutoCertificateRollover/,
      ],
      [
        'a trust without certificates',
        '{"organization":"contoso","federationTrust":{"Name":"MFG"}}',
        /no federation trust/,
      ],
      [
        'RawData that is not a certificate',
        '{"organization":"contoso","federationTrust":{"TokenIssuerCertificate":{"Thumbprint":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","NotBefore":"/Date(1)/","NotAfter":"/Date(2)/","RawData":"AAAA"}}}',
        /TokenIssuerCertificate[^"]*RawData/,
      ],
    ])('answers 400 to %s, saying why', async (_name, body, reason) => {
      const count = await before();
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toMatch(reason);
      expect(await before()).toBe(count);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('answers 400 to a Thumbprint that is not the SHA-1 of RawData, naming it', async () => {
      const count = await before();
      const body = JSON.parse(exchangeBody('5.1', 'contoso')) as {
        federationTrust: { TokenIssuerCertificate: { Thumbprint: string } }[];
      };
      body.federationTrust[0]!.TokenIssuerCertificate.Thumbprint = 'F'.repeat(40);
      const response = await post(JSON.stringify(body));
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toMatch(
        /TokenIssuerCertificate[^"]*Thumbprint[^"]*is not the SHA-1 of RawData/,
      );
      expect(await before()).toBe(count);
    });

    it('answers 415 to a body that is not JSON by its content type', async () => {
      expect((await post(exchangeBody(), { 'content-type': 'text/plain' })).status).toBe(415);
    });
  });

  it('is off (404) when COLLECTOR_TOKEN is not set', async () => {
    const off = openApp({}, store);
    const url = `http://127.0.0.1:${await start(off.server, 0, '127.0.0.1')}/api/collector/snapshots`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer ', 'content-type': 'application/json' },
      body: exchangeBody(),
    });
    expect(response.status).toBe(404);
    await closeServer(off.server);
  });
});

describe('collector/Send-FedTrustSnapshot.ps1', () => {
  const script = readFileSync(join(__dirname, '../../collector/Send-FedTrustSnapshot.ps1'), 'utf8');

  /** Every property name a schema reads, at any depth (objects inside lists, unions, pipes). */
  function keysOf(schema: z.ZodType): string[] {
    const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
    const inner = (value: unknown) => keysOf(value as z.ZodType);
    switch (def.type) {
      case 'object':
        return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, v]) => [
          k,
          ...keysOf(v),
        ]);
      case 'pipe':
        return [...inner(def.in), ...inner(def.out)];
      case 'array':
        return inner(def.element);
      case 'optional':
      case 'nullable':
        return inner(def.innerType);
      case 'union':
        return (def.options as z.ZodType[]).flatMap((o) => keysOf(o));
      default:
        return [];
    }
  }

  it('writes only property names the endpoint reads', () => {
    const known = new Set(keysOf(collectorPayloadSchema));
    for (const key of ['Slot', 'FoundOnServer', 'WhenChangedUTC', 'sharingPolicies', 'RawData'])
      expect(known).toContain(key);
    const written = [...script.matchAll(/^\s+(\w+)\s+= /gm)].map((m) => m[1]!);
    expect(written.length).toBeGreaterThan(70);
    expect(written.filter((key) => !known.has(key))).toEqual([]);
  });

  it('1.1 sends the Exchange Auth facts, each cmdlet failing alone, and never a private key', () => {
    expect(script).toContain("$CollectorVersion = '1.1'");
    expect(script).toMatch(/\$body\.exchangeAuth = Get-ExchangeAuthFacts/);
    for (const cmdlet of [
      'Get-AuthServer',
      'Get-PartnerApplication',
      'Get-IntraOrganizationConnector',
      'Get-SettingOverride',
      'Get-HybridConfiguration',
      'Get-ExchangeServer',
      'Get-OrganizationRelationship',
      'Get-SharingPolicy',
    ])
      expect(script).toMatch(new RegExp(`Invoke-Step '${cmdlet}' \\{`));
    expect(script).not.toMatch(
      /Export-ExchangeCertificate|Export-PfxCertificate|\.PrivateKey\b|GetRSAPrivateKey|BinaryEncoded/,
    );
    expect(script).toContain("$body.Contains('exchangeAuth')");
  });

  it('posts over TLS 1.2 with the token from a file, never from the script', () => {
    expect(script).toContain('[Net.SecurityProtocolType]::Tls12');
    expect(script).toMatch(/Authorization = "Bearer \$\(Read-Token\)"/);
    const params = /param\(([\s\S]*?)\n\)/.exec(script)?.[1] ?? '';
    expect(params).toContain('$TokenFile');
    expect(params).not.toMatch(/\$Token\b/);
    expect(script).not.toMatch(/Bearer [A-Za-z0-9]/);
    expect(script).toContain('/ru SYSTEM');
  });
});
