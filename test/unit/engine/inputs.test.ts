import { parseAdfsSnapshot } from '../../../src/engine/adfs-snapshot';
import { decodeCertificate } from '../../../src/engine/certificate';
import { domainAndParents, parseDomain } from '../../../src/engine/domain';
import { parseEntraFederation } from '../../../src/engine/entra-federation';
import { parseExchangeTrust } from '../../../src/engine/exchange-trust';
import { parsePsBoolean, parsePsDate, parsePsNumber } from '../../../src/engine/ps-json';
import { readFixture } from '../../support/fixtures';

const backdoor = JSON.parse(
  readFixture('powershell/Gerenios__AADInternals__any_sts_backdoor_certificate.json'),
) as {
  certificate_base64: string;
  sha1_thumbprint: string;
};
const mfgCerts = (
  JSON.parse(
    readFixture('mfg/unattributed-csharp-test__mfg-2006-12-signing-certs-2024-2025.json'),
  ) as {
    certificates: { certificate_base64: string }[];
  }
).certificates.map((c) => c.certificate_base64);

describe('parseEntraFederation (Graph internalDomainFederation)', () => {
  it.each([
    'graph/msgraph-docs__v1.0__domain-list-federationconfiguration__response.json',
    'graph/msgraph-docs__v1.0__internaldomainfederation-get__response.json',
    'graph/msgraph-docs__v1.0__domain-post-federationconfiguration__response-201.json',
    'graph/msgraph-docs__beta__domain-list-federationconfiguration__response.json',
  ])('reads %s whatever its wrapping', (file) => {
    const r = parseEntraFederation(JSON.parse(readFixture(file)));
    expect(r.ok && r.federation).toMatchObject({
      issuerUri: expect.stringContaining('/adfs/services/trust'),
      passiveSignInUri: 'https://sts.contoso.com/adfs/ls',
      slots: [
        { name: 'SigningCertificate', unreadable: expect.any(String) },
        { name: 'NextSigningCertificate' },
      ],
    });
  });

  it('keeps the documented "Success" and its 7-digit fraction', () => {
    const r = parseEntraFederation(
      JSON.parse(
        readFixture('graph/msgraph-docs__v1.0__internaldomainfederation-get__response.json'),
      ),
    );
    expect(r.ok && r.federation?.updateStatus).toEqual({
      result: 'Success',
      lastRun: new Date('2021-08-25T07:44:46.261Z'),
    });
  });

  it('decodes real certificates and accepts keys in any case', () => {
    const r = parseEntraFederation({
      IssuerURI: 'http://any.sts/B231A11F',
      SigningCertificate: backdoor.certificate_base64,
    });
    expect(r.ok && r.federation?.slots[0].cert?.thumbprintSha1).toBe(backdoor.sha1_thumbprint);
    expect(r.ok && r.federation?.slots[1].cert).toBeUndefined();
  });

  it('says an empty list means not federated, and refuses what is not a federation', () => {
    expect(parseEntraFederation({ value: [] })).toEqual({ ok: true, federation: undefined });
    expect(parseEntraFederation({ value: [{ id: 'x', displayName: 'no certs' }] }).ok).toBe(false);
    expect(parseEntraFederation('text').ok).toBe(false);
  });
});

describe('decodeCertificate', () => {
  it('reads the AADInternals backdoor certificate with serial number 0', () => {
    const r = decodeCertificate(backdoor.certificate_base64);
    expect(r.ok && r.cert).toMatchObject({
      thumbprintSha1: backdoor.sha1_thumbprint,
      serialNumber: '00',
      keyAlgorithm: 'RSA',
    });
  });

  it('accepts PEM armour and line breaks', () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${mfgCerts[0]!.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----`;
    expect(decodeCertificate(pem).ok).toBe(true);
  });

  it.each([
    ['the truncated Graph documentation placeholder', 'MIIE3jCCAsagAwIBAgIQQcyDaZz3MI'],
    ['text', 'not a certificate at all, just words'],
    ['base64 of garbage', Buffer.alloc(200, 7).toString('base64')],
  ])('refuses %s', (_name, text) => {
    expect(decodeCertificate(text).ok).toBe(false);
  });
});

describe('PowerShell ConvertTo-Json values', () => {
  it.each([
    ['/Date(1719878400000)/', '2024-07-02T00:00:00.000Z'],
    ['/Date(1719878400000+0200)/', '2024-07-02T00:00:00.000Z'],
    ['2024-07-02T00:00:00Z', '2024-07-02T00:00:00.000Z'],
    ['2024-07-02T02:00:00+02:00', '2024-07-02T00:00:00.000Z'],
  ])('reads the date %s', (text, iso) => {
    expect(parsePsDate(text)?.toISOString()).toBe(iso);
    expect(parsePsDate({ value: text, DisplayHint: 2 })?.toISOString()).toBe(iso);
  });

  it('refuses dates that are not dates, booleans and numbers that are not', () => {
    expect(parsePsDate('01.08.2024 15:57:51')).toBeUndefined();
    expect(parsePsDate(17)).toBeUndefined();
    expect([
      parsePsBoolean('True'),
      parsePsBoolean(false),
      parsePsBoolean(0),
      parsePsBoolean('yes'),
    ]).toEqual([true, false, false, undefined]);
    expect([parsePsNumber('20'), parsePsNumber(5), parsePsNumber('x')]).toEqual([20, 5, undefined]);
  });
});

describe('parseAdfsSnapshot (Get-AdfsProperties | ConvertTo-Json)', () => {
  it('reads auto-rollover and the thresholds as Windows PowerShell 5.1 writes them', () => {
    const r = parseAdfsSnapshot({
      AutoCertificateRollover: true,
      CertificateGenerationThreshold: 20,
      CertificatePromotionThreshold: 5,
      CertificateCriticalThreshold: 2,
      CertificateDuration: 365,
      HostName: 'fs.contoso.com',
      Identifier: 'http://fs.contoso.com/adfs/services/trust',
    });
    expect(r.ok && r.snapshot).toMatchObject({
      autoCertificateRollover: true,
      generationThresholdDays: 20,
      promotionThresholdDays: 5,
      criticalThresholdDays: 2,
      hostName: 'fs.contoso.com',
    });
  });

  it('reads Get-AdfsCertificate objects: IsPrimary, certificate by RawData bytes or fields', () => {
    const raw = Buffer.from(mfgCerts[0]!, 'base64');
    const r = parseAdfsSnapshot([
      { AutoCertificateRollover: 'False', CertificateGenerationThreshold: '30' },
      { CertificateType: 'Token-Signing', IsPrimary: true, Certificate: { RawData: [...raw] } },
      {
        CertificateType: 0,
        IsPrimary: false,
        Certificate: {
          Thumbprint: '5A4AE6D2F2164DDCAB1C156828F2594845533213',
          Subject: 'CN=ADFS Signing - adfs.lab.com',
          NotBefore: '/Date(1722527871000)/',
          NotAfter: '/Date(1754063871000)/',
        },
      },
      { CertificateType: 'Token-Decrypting', IsPrimary: true, Certificate: { RawData: [...raw] } },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.snapshot.autoCertificateRollover).toBe(false);
    expect(r.snapshot.generationThresholdDays).toBe(30);
    expect(r.snapshot.promotionThresholdDays).toBe(5);
    expect(r.snapshot.tokenSigning.map((t) => [t.isPrimary, t.cert.subject])).toEqual([
      [true, 'CN=Live ID STS Signing Public Key'],
      [false, 'CN=ADFS Signing - adfs.lab.com'],
    ]);
  });

  it('refuses JSON that is neither', () => {
    expect(parseAdfsSnapshot({ Name: 'x' }).ok).toBe(false);
  });

  it('ignores __proto__ keys instead of polluting objects', () => {
    const r = parseAdfsSnapshot(
      JSON.parse('{"__proto__": {"polluted": true}, "AutoCertificateRollover": true}'),
    );
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseExchangeTrust (Get-FederationTrust | ConvertTo-Json)', () => {
  it('reads the token issuer and org certificates, PowerShell 5.1 and 7 dates', () => {
    const r = parseExchangeTrust({
      Name: 'Microsoft Federation Gateway',
      TokenIssuerCertificate: { RawData: mfgCerts[0] },
      TokenIssuerPrevCertificate: {
        Thumbprint: 'ab'.repeat(20),
        Subject: 'CN=Live ID STS Signing Public Key',
        NotBefore: '2021-02-18T00:00:00Z',
        NotAfter: '2026-02-18T00:00:00Z',
      },
      OrgCertificate: {
        Thumbprint: 'CD'.repeat(20),
        Subject: 'CN=Federation',
        NotBefore: '/Date(1600000000000)/',
        NotAfter: '/Date(1757680000000)/',
      },
      TokenIssuerMetadataEpr: {
        AbsoluteUri:
          'https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml',
      },
    });
    expect(r.ok && r.trust).toMatchObject({
      name: 'Microsoft Federation Gateway',
      tokenIssuerCertificate: { subject: 'CN=Live ID STS Signing Public Key' },
      tokenIssuerPrevCertificate: { thumbprintSha1: 'AB'.repeat(20), thumbprintSha256: '' },
      orgCertificate: { thumbprintSha1: 'CD'.repeat(20) },
      tokenIssuerMetadataEpr: expect.stringContaining('2006-12'),
    });
  });

  it('refuses JSON that is not a federation trust', () => {
    expect(parseExchangeTrust([{ Name: 'x' }]).ok).toBe(false);
  });
});

describe('parseDomain', () => {
  it.each([
    ['Contoso.COM', 'contoso.com'],
    ['contoso.com.', 'contoso.com'],
    ['eu.sub.contoso.co.uk', 'eu.sub.contoso.co.uk'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ])('accepts %s as %s', (input, ascii) => {
    expect(parseDomain(input)).toMatchObject({ ok: true, ascii });
  });

  it.each([
    '',
    'localhost',
    '10.0.0.1',
    'https://contoso.com',
    'user@contoso.com',
    'contoso..com',
    '-bad.com',
    'bad-.com',
    'under_score.com',
    '*.contoso.com',
    `${'a'.repeat(64)}.com`,
    `${'a.'.repeat(130)}com`,
    'contoso.com/../etc',
    'contoso com',
  ])('refuses %j with a reason', (input) => {
    const r = parseDomain(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason.length).toBeGreaterThan(5);
  });

  it('shows the Unicode form back', () => {
    expect(parseDomain('xn--bcher-kva.example')).toMatchObject({ unicode: 'bücher.example' });
  });

  it('lists the domain and its parents', () => {
    expect(domainAndParents('a.b.contoso.com')).toEqual([
      'a.b.contoso.com',
      'b.contoso.com',
      'contoso.com',
    ]);
  });
});
