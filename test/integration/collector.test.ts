import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { createBotApp, type BotApp } from '../../src/bot/create-bot-app';
import { loadSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { start } from '../../src/server';
import {
  adfsCertificateSchema,
  adfsPropertiesSchema,
  certificateSchema,
  collectorPayloadSchema,
  federationTrustSchema,
} from '../../src/sources/collector-payload';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher } from '../../src/sources/safe-fetcher';
import { SnapshotSource } from '../../src/sources/snapshot-source';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { closeServer } from '../support/bot-server';
import { at, makeCert, type GeneratedCert } from '../support/certs';
import { scriptBody } from '../support/collector-payloads';

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

  it('writes only property names the endpoint reads', () => {
    const known = new Set(
      [
        collectorPayloadSchema,
        federationTrustSchema,
        adfsPropertiesSchema,
        adfsCertificateSchema,
        certificateSchema,
      ].flatMap((schema) => Object.keys(schema.shape)),
    );
    const written = [...script.matchAll(/^\s+(\w+)\s+= /gm)].map((m) => m[1]!);
    expect(written.length).toBeGreaterThan(25);
    expect(written.filter((key) => !known.has(key))).toEqual([]);
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
