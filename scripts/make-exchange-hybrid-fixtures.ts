/**
 * Writes test/fixtures/exchange-hybrid/: the synthetic Exchange hybrid fixtures of
 * design/exchange-hybrid.md §5.1 — collector bodies, Get-AuthConfig files and Graph answers for one
 * organisation ("contoso"), around real self-signed RSA-2048 certificates generated here with the
 * exact validity periods of the design's §4.3. Only public DER is written. Thumbprints cannot be
 * chosen, so every file uses the generated certificates' own; running this again replaces all of
 * them consistently (the committed files are one such run). `npx tsx scripts/make-exchange-hybrid-fixtures.ts`
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const OUT = join(__dirname, '..', 'test', 'fixtures', 'exchange-hybrid');
const AUTH_SUBJECT = 'CN=Microsoft Exchange Server Auth Certificate';
const ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

interface Cert {
  der: Buffer;
  base64: string;
  thumbprint: string;
  serial: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

async function selfSigned(subject: string, notBefore: string, notAfter: string): Promise<Cert> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: subject,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    signingAlgorithm: ALG,
    keys,
  });
  const der = Buffer.from(cert.rawData);
  return {
    der,
    base64: der.toString('base64'),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    serial: serial.toString('hex').toUpperCase(),
    subject,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
  };
}

type Edition = '5.1' | '7';
/** A DateTime as ConvertTo-Json writes it: 5.1 `/Date(ms)/`, 7 ISO with the server's offset (+01:00). */
function psDate(date: Date, edition: Edition): string {
  if (edition === '5.1') return `/Date(${date.getTime()})/`;
  const local = new Date(date.getTime() + 3_600_000).toISOString();
  return `${local.slice(0, 19)}+01:00`;
}
/** The collector's own dates (ConvertTo-UtcIso): `ToString('o')` of the UTC time. */
function utcIso(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function certInfo(c: Cert, edition: Edition) {
  return {
    Subject: c.subject,
    Issuer: c.subject,
    SerialNumber: c.serial,
    Thumbprint: c.thumbprint,
    NotBefore: psDate(c.notBefore, edition),
    NotAfter: psDate(c.notAfter, edition),
    RawData: c.base64,
  };
}

const ORG_GUID = '5d8ac7f9-3b2e-4c1a-9f0e-7a6b5c4d3e2f';
const TENANT = '9b1c3f2e-4a5d-4e6f-8a7b-1c2d3e4f5a6b';
const APP_ID = '3f4e5d6c-7b8a-4c9d-8e0f-1a2b3c4d5e6f';
const APP_OBJECT_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const APP_SP_ID = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
const EXO_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
const EXO_SP_ID = 'e0d1c2b3-a4f5-4e6d-8c7b-9a0f1e2d3c4b';
const MSGRAPH_SP_ID = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b';
const FULL_ACCESS = 'dc890d15-9560-4a4c-9b7f-a736ec74ec40';
const APP_NAME = `ExchangeServerApp-${ORG_GUID}`;

function write(name: string, value: unknown): void {
  writeFileSync(join(OUT, name), `${JSON.stringify(value, null, 2)}\n`);
}

interface Slots {
  current: Cert;
  next?: Cert;
  previous?: Cert;
  effective?: Date;
  whenChanged: Date;
}

function exchangeAuth(
  slots: Slots,
  edition: Edition,
  options: {
    ioc?: boolean;
    hybrid?: boolean;
    overrides?: { name: string; component: string; section: string; value: string }[];
    exSetupVersion?: string | null;
    servers?: { Name: string; AdminDisplayVersion: string; ServerRole: string }[];
    orgRels?: unknown[];
    sharing?: unknown[];
    found?: Partial<Record<'Current' | 'Next' | 'Previous', boolean>>;
    appIdOnAuthServer?: boolean;
  } = {},
) {
  const hybrid = options.hybrid ?? true;
  const ioc = options.ioc ?? true;
  const list: [string, Cert | undefined][] = [
    ['Current', slots.current],
    ['Next', slots.next],
    ['Previous', slots.previous],
  ];
  return {
    authConfig: {
      CurrentCertificateThumbprint: slots.current.thumbprint,
      PreviousCertificateThumbprint: slots.previous?.thumbprint ?? '',
      NextCertificateThumbprint: slots.next?.thumbprint ?? '',
      NextCertificateEffectiveDate: slots.effective ? utcIso(slots.effective) : null,
      ServiceName: EXO_APP_ID,
      Realm: '',
      WhenChangedUTC: utcIso(slots.whenChanged),
    },
    authCertificates: list.flatMap(([slot, cert]) => {
      if (!cert) return [];
      const found = options.found?.[slot as 'Current'] ?? true;
      return [
        {
          Slot: slot,
          Thumbprint: cert.thumbprint,
          FoundOnServer: found,
          HasPrivateKey: found ? true : null,
          Certificate: found ? certInfo(cert, edition) : null,
        },
      ];
    }),
    organizationGuid: ORG_GUID,
    authServers: hybrid
      ? [
          {
            Name: `EvoSts - ${TENANT}`,
            Type: 'AzureAD',
            Realm: TENANT,
            Enabled: true,
            ApplicationIdentifier: options.appIdOnAuthServer === false ? '' : APP_ID,
            DomainName: ['contoso.com', 'contoso.mail.onmicrosoft.com'],
            AuthMetadataUrl:
              'https://login.windows.net/contoso.onmicrosoft.com/federationmetadata/2007-06/federationmetadata.xml',
          },
        ]
      : [],
    partnerApplications: hybrid
      ? [{ Name: 'Exchange Online', ApplicationIdentifier: EXO_APP_ID, Realm: '', Enabled: true }]
      : [],
    intraOrganizationConnectors: hybrid
      ? [
          {
            Name: `HybridIOC - ${ORG_GUID}`,
            Enabled: ioc,
            TargetAddressDomains: ['contoso.mail.onmicrosoft.com'],
            DiscoveryEndpoint: 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc',
          },
        ]
      : [],
    settingOverrides: (
      options.overrides ??
      (hybrid
        ? [
            {
              name: 'EnableExchangeHybrid3PAppFeature',
              component: 'Global',
              section: 'ExchangeOnpremAsThirdPartyAppId',
              value: 'Enabled=true',
            },
          ]
        : [])
    ).map((o) => ({
      Name: o.name,
      ComponentName: o.component,
      SectionName: o.section,
      Parameters: [o.value],
      Server: [],
    })),
    hybridConfigured: hybrid,
    exSetupVersion:
      options.exSetupVersion === undefined ? '15.02.2562.017' : options.exSetupVersion,
    exchangeServers: options.servers ?? [
      { Name: 'EX01', AdminDisplayVersion: 'Version 15.2 (Build 2562.17)', ServerRole: 'Mailbox' },
    ],
    organizationRelationships:
      options.orgRels ??
      (hybrid
        ? [
            {
              Name: `On-premises to O365 - ${ORG_GUID}`,
              Enabled: true,
              DomainNames: ['contoso.mail.onmicrosoft.com'],
              FreeBusyAccessEnabled: true,
              MailTipsAccessEnabled: true,
              PhotosEnabled: true,
              DeliveryReportEnabled: true,
              ArchiveAccessEnabled: true,
              TargetApplicationUri: 'outlook.com',
              TargetAutodiscoverEpr:
                'https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc/WSSecurity',
              TargetSharingEpr: 'https://outlook.office365.com/EWS/Exchange.asmx',
            },
          ]
        : []),
    sharingPolicies: options.sharing ?? [
      {
        Name: 'Default Sharing Policy',
        Enabled: true,
        Default: true,
        Domains: ['Anonymous:CalendarSharingFreeBusyReviewer', '*:CalendarSharingFreeBusySimple'],
      },
    ],
  };
}

function body(computerName: string, collectedAt: Date, auth: unknown) {
  return {
    organization: 'contoso',
    computerName,
    collectedAt: utcIso(collectedAt),
    collectorVersion: '1.1',
    exchangeAuth: auth,
  };
}

function key(
  cert: Cert,
  options: { cki?: string | null; keyId: string; added: string; withKey?: boolean; end?: Date },
) {
  return {
    customKeyIdentifier: options.cki === undefined ? cert.thumbprint : options.cki,
    displayName: `Added by ConfigureExchangeHybridApplication.ps1 on ${options.added}`,
    endDateTime: (options.end ?? cert.notAfter).toISOString().replace('.000Z', 'Z'),
    key: options.withKey === false ? null : cert.base64,
    keyId: options.keyId,
    startDateTime: cert.notBefore.toISOString().replace('.000Z', 'Z'),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  };
}

function application(keyCredentials: unknown[], passwordCredentials: unknown[] = []) {
  return {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#applications(id,appId,displayName,createdDateTime,keyCredentials,passwordCredentials,requiredResourceAccess)/$entity',
    id: APP_OBJECT_ID,
    appId: APP_ID,
    displayName: APP_NAME,
    createdDateTime: '2025-08-14T12:01:37Z',
    keyCredentials,
    passwordCredentials,
    requiredResourceAccess: [
      { resourceAppId: EXO_APP_ID, resourceAccess: [{ id: FULL_ACCESS, type: 'Role' }] },
    ],
  };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const cur = await selfSigned(AUTH_SUBJECT, '2022-01-10T09:14:22Z', '2027-01-10T09:14:22Z');
  const next = await selfSigned(AUTH_SUBJECT, '2026-11-11T09:02:41Z', '2031-11-11T09:02:41Z');
  const old = await selfSigned(AUTH_SUBJECT, '2017-02-01T10:22:03Z', '2022-02-01T10:22:03Z');
  const lapsed = await selfSigned(AUTH_SUBJECT, '2021-06-01T08:00:00Z', '2026-06-01T08:00:00Z');
  const foreign = await selfSigned(
    'CN=contoso-mail-automation',
    '2026-01-05T00:00:00Z',
    '2028-01-05T00:00:00Z',
  );

  for (const [name, c] of Object.entries({ cur, next, old, lapsed, foreign }))
    writeFileSync(join(OUT, `cert-${name}.cer`), c.der);

  const steady = { current: cur, whenChanged: new Date('2022-01-10T09:20:11Z') };
  const staged = {
    current: cur,
    next,
    effective: new Date('2026-12-11T09:03:05Z'),
    whenChanged: new Date('2026-11-11T09:03:07Z'),
  };
  const promoted = { current: next, previous: cur, whenChanged: new Date('2026-12-11T18:41:09Z') };

  // 1–5: one server, both date forms.
  write(
    'collector-auth-steady.ps51.json',
    body('EX01', new Date('2026-11-01T06:00:04Z'), exchangeAuth(steady, '5.1')),
  );
  write(
    'collector-auth-next-staged.ps7.json',
    body('EX01', new Date('2026-12-07T06:00:04Z'), exchangeAuth(staged, '7')),
  );
  write(
    'collector-auth-promoted.json',
    body('EX01', new Date('2026-12-12T08:00:04Z'), exchangeAuth(promoted, '5.1')),
  );
  write(
    'collector-auth-expired.json',
    body(
      'EX01',
      new Date('2026-06-02T06:00:04Z'),
      exchangeAuth({ current: lapsed, whenChanged: new Date('2021-06-01T08:10:00Z') }, '5.1'),
    ),
  );
  write(
    'collector-auth-short-staging.json',
    body(
      'EX01',
      new Date('2026-12-21T10:00:04Z'),
      exchangeAuth(
        {
          current: cur,
          next,
          effective: new Date('2026-12-25T09:03:05Z'),
          whenChanged: new Date('2026-12-21T09:03:07Z'),
        },
        '5.1',
      ),
    ),
  );
  // 6: the next certificate is missing on EX02.
  const twoServers = [
    { Name: 'EX01', AdminDisplayVersion: 'Version 15.2 (Build 2562.17)', ServerRole: 'Mailbox' },
    { Name: 'EX02', AdminDisplayVersion: 'Version 15.2 (Build 2562.17)', ServerRole: 'Mailbox' },
  ];
  write(
    'collector-auth-missing-on-server.EX01.json',
    body(
      'EX01',
      new Date('2026-12-07T06:00:04Z'),
      exchangeAuth(staged, '5.1', { servers: twoServers }),
    ),
  );
  write(
    'collector-auth-missing-on-server.EX02.json',
    body(
      'EX02',
      new Date('2026-12-07T06:05:11Z'),
      exchangeAuth(staged, '5.1', { servers: twoServers, found: { Next: false } }),
    ),
  );
  // 7: DAuth only (IOC disabled) with a partner organisation relationship.
  const partner = {
    Name: 'Fabrikam',
    Enabled: true,
    DomainNames: ['fabrikam.com'],
    FreeBusyAccessEnabled: true,
    MailTipsAccessEnabled: false,
    PhotosEnabled: false,
    DeliveryReportEnabled: false,
    ArchiveAccessEnabled: false,
    TargetApplicationUri: 'FYDIBOHF25SPDLT.fabrikam.com',
    TargetAutodiscoverEpr:
      'https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc/WSSecurity',
    TargetSharingEpr: '',
  };
  const hybridOrgRel = exchangeAuth(steady, '5.1').organizationRelationships[0];
  write(
    'collector-dauth-only.json',
    body(
      'EX01',
      new Date('2026-11-01T06:00:04Z'),
      exchangeAuth(steady, '5.1', { ioc: false, overrides: [], orgRels: [hybridOrgRel, partner] }),
    ),
  );
  // 8: no hybrid at all.
  write(
    'collector-no-hybrid.json',
    body(
      'EX01',
      new Date('2026-11-01T06:00:04Z'),
      exchangeAuth(steady, '5.1', {
        hybrid: false,
        sharing: [
          {
            Name: 'Default Sharing Policy',
            Enabled: true,
            Default: true,
            Domains: ['Anonymous:CalendarSharingFreeBusyReviewer'],
          },
        ],
      }),
    ),
  );
  // 9: two overrides.
  const override = {
    name: 'EnableExchangeHybrid3PAppFeature',
    component: 'Global',
    section: 'ExchangeOnpremAsThirdPartyAppId',
    value: 'Enabled=true',
  };
  write(
    'collector-two-overrides.json',
    body(
      'EX01',
      new Date('2026-11-01T06:00:04Z'),
      exchangeAuth(steady, '5.1', {
        overrides: [override, { ...override, name: 'HybridApp2', value: 'Enabled=false' }],
      }),
    ),
  );
  // 10: Graph workflow.
  write(
    'collector-graph-workflow.json',
    body(
      'EX01',
      new Date('2026-11-01T06:00:04Z'),
      exchangeAuth(steady, '5.1', {
        exSetupVersion: '15.02.2562.041',
        overrides: [
          override,
          {
            name: 'EnableRouteThroughMSGraphFeature',
            component: 'SettingOverride',
            section: 'RouteThroughMSGraph',
            value: 'Enabled=true',
          },
        ],
      }),
    ),
  );
  // 11: EX02 on an old build; EX03 listed without a collector.
  const threeServers = [
    ...twoServers.slice(0, 1),
    { Name: 'EX02', AdminDisplayVersion: 'Version 15.2 (Build 1544.4)', ServerRole: 'Mailbox' },
    { Name: 'EX03', AdminDisplayVersion: 'Version 15.2 (Build 1748.10)', ServerRole: 'Mailbox' },
  ];
  write(
    'collector-old-build.EX01.json',
    body(
      'EX01',
      new Date('2026-11-01T06:00:04Z'),
      exchangeAuth(steady, '5.1', { servers: threeServers }),
    ),
  );
  write(
    'collector-old-build.json',
    body(
      'EX02',
      new Date('2026-11-01T06:02:31Z'),
      exchangeAuth(steady, '5.1', { servers: threeServers, exSetupVersion: '15.02.1544.014' }),
    ),
  );
  // 12: Get-AuthConfig | Select-Object … | ConvertTo-Json, pasted by an admin.
  write('authconfig-raw.ps51.json', {
    CurrentCertificateThumbprint: cur.thumbprint,
    PreviousCertificateThumbprint: '',
    NextCertificateThumbprint: next.thumbprint,
    NextCertificateEffectiveDate: psDate(staged.effective, '5.1'),
    WhenChangedUTC: psDate(staged.whenChanged, '5.1'),
  });
  write('authconfig-raw.ps7.json', {
    CurrentCertificateThumbprint: cur.thumbprint,
    PreviousCertificateThumbprint: '',
    NextCertificateThumbprint: next.thumbprint,
    NextCertificateEffectiveDate: psDate(staged.effective, '7'),
    // A zone-less ISO date (DateTimeKind Unspecified): read as UTC.
    WhenChangedUTC: staged.whenChanged.toISOString().slice(0, 19),
  });
  // 13: rejections.
  const base = body('EX01', new Date('2026-12-07T06:00:04Z'), exchangeAuth(staged, '5.1'));
  const withPrivate = structuredClone(base) as {
    exchangeAuth: { authCertificates: Record<string, unknown>[] };
  };
  withPrivate.exchangeAuth.authCertificates[0]!.PrivateKey = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC…';
  withPrivate.exchangeAuth.authCertificates[0]!.Pfx = 'MIIJqQIBAzCCCW8GCSqGSIb3DQEHAaCC…';
  write('reject-private-key.json', withPrivate);
  const nonHex = structuredClone(base) as { exchangeAuth: { authConfig: Record<string, unknown> } };
  nonHex.exchangeAuth.authConfig.NextCertificateThumbprint =
    'C41D0E2F5A6B7C8D9E0F1A2B3C4D5E6F7A8B9CZZ';
  write('reject-non-hex-thumbprint.json', nonHex);
  const five = structuredClone(base) as { exchangeAuth: { authCertificates: unknown[] } };
  five.exchangeAuth.authCertificates = [
    ...five.exchangeAuth.authCertificates,
    ...five.exchangeAuth.authCertificates,
    ...five.exchangeAuth.authCertificates,
  ].slice(0, 5);
  write('reject-five-certificates.json', five);
  writeFileSync(
    join(OUT, 'reject-proto.json'),
    JSON.stringify(base, null, 2).replace(
      '"authConfig": {',
      '"authConfig": {\n      "__proto__": { "polluted": true },',
    ),
  );

  // 14–17: the dedicated app (G1).
  const curKey = key(cur, {
    keyId: '0c7d4b1e-2f3a-4b5c-8d6e-7f8091a2b3c4',
    added: '08/14/2025 14:02:11',
  });
  const nextKey = key(next, {
    keyId: '6e5f4a3b-2c1d-4e0f-9a8b-7c6d5e4f3a2b',
    added: '11/12/2026 08:40:55',
  });
  write('graph-app-holds-current-and-next.json', application([curKey, nextKey]));
  write('graph-app-holds-current-only.json', application([curKey]));
  write('graph-app-holds-none.json', application([]));
  write(
    'graph-app-expired-and-prev.json',
    application([
      key(old, { keyId: '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091', added: '02/01/2017 11:30:00' }),
      curKey,
      nextKey,
    ]),
  );
  const rawThumb = Buffer.from(cur.thumbprint, 'hex').toString('base64');
  write(
    'graph-app-customkeyidentifier-variants.json',
    application([
      key(cur, { keyId: '11111111-1111-4111-8111-111111111111', added: 'upper', withKey: false }),
      key(cur, {
        keyId: '22222222-2222-4222-8222-222222222222',
        added: 'lower',
        cki: cur.thumbprint.toLowerCase(),
        withKey: false,
      }),
      key(cur, {
        keyId: '33333333-3333-4333-8333-333333333333',
        added: 'raw bytes',
        cki: rawThumb,
        withKey: false,
      }),
      key(cur, {
        keyId: '44444444-4444-4444-8444-444444444444',
        added: 'label',
        cki: 'Q049RXhjaGFuZ2U=',
        withKey: false,
      }),
      key(cur, {
        keyId: '55555555-5555-4555-8555-555555555555',
        added: 'null',
        cki: null,
        withKey: false,
      }),
    ]),
  );
  write(
    'graph-app-spoofed-key.json',
    application([
      curKey,
      {
        ...key(foreign, {
          keyId: '7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8',
          added: '03/03/2026 02:14:09',
        }),
        customKeyIdentifier: cur.thumbprint,
      },
    ]),
  );
  write(
    'graph-app-with-secret.json',
    application(
      [curKey],
      [
        {
          customKeyIdentifier: null,
          displayName: 'backup',
          endDateTime: '2027-06-01T00:00:00Z',
          hint: 'abc',
          keyId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
          secretText: null,
          startDateTime: '2026-06-01T00:00:00Z',
        },
      ],
    ),
  );
  // 18: G1b.
  write('graph-app-list-by-name.json', {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#applications(id,appId,displayName)',
    value: [{ id: APP_OBJECT_ID, appId: APP_ID, displayName: APP_NAME }],
  });
  write('graph-app-list-empty.json', {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#applications(id,appId,displayName)',
    value: [],
  });
  // 19: the app's service principal and its consent (G3, G3b).
  const appSp = {
    id: APP_SP_ID,
    appId: APP_ID,
    displayName: APP_NAME,
    accountEnabled: true,
    keyCredentials: [],
    passwordCredentials: [],
  };
  write('graph-app-sp.json', appSp);
  write('graph-app-sp-disabled.json', { ...appSp, accountEnabled: false });
  write('graph-app-sp-consent.json', {
    value: [
      {
        id: 'FdSJ3GCVTEqfn6c2PuxIQC1XBmYmXnNHrpKj1y2aUXc',
        appRoleId: FULL_ACCESS,
        createdDateTime: '2025-08-14T12:02:40.5218745Z',
        resourceDisplayName: 'Office 365 Exchange Online',
        resourceId: EXO_SP_ID,
      },
    ],
  });
  write('graph-app-sp-no-consent.json', { value: [] });
  const graphRoles = {
    'Calendars.Read': '798ee544-9d2d-430c-a058-570e29e34338',
    'MailboxSettings.Read': '40f97065-369a-49f4-947c-6a255697ae91',
    'MailTips.ReadBasic.All': 'a3ec8a3b-b6a5-4e8a-9b5e-3c2f7d2e1a4b',
    'ProfilePhoto.Read.All': '8a4ff8d2-5e1c-4c5a-9e47-0b1f2a3c4d5e',
  };
  write('graph-msgraph-approles.json', {
    id: MSGRAPH_SP_ID,
    appRoles: [
      ...Object.entries(graphRoles).map(([value, id]) => ({
        allowedMemberTypes: ['Application'],
        displayName: value,
        id,
        isEnabled: true,
        value,
      })),
      {
        allowedMemberTypes: ['Application'],
        displayName: 'Read all users',
        id: 'df021288-bdef-4463-88db-98f22de89214',
        isEnabled: true,
        value: 'User.Read.All',
      },
    ],
  });
  write('graph-app-graph-consent.json', {
    value: Object.values(graphRoles).map((id, i) => ({
      id: `gRaPhCoNsEnT${i}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
      appRoleId: id,
      createdDateTime: '2026-06-02T10:00:00Z',
      resourceDisplayName: 'Microsoft Graph',
      resourceId: MSGRAPH_SP_ID,
    })),
  });
  // 20: the legacy first-party service principal (G2).
  const legacy = (keyCredentials: unknown[]) => ({
    id: EXO_SP_ID,
    appId: EXO_APP_ID,
    displayName: 'Office 365 Exchange Online',
    keyCredentials,
    passwordCredentials: [],
  });
  const legacyCur = {
    ...key(cur, { keyId: '41f2e3d4-c5b6-4a79-8e1d-0f2a3b4c5d6e', added: '' }),
    displayName: null,
  };
  const legacyOld = {
    ...key(old, { keyId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', added: '' }),
    displayName: null,
  };
  write('graph-legacy-sp-with-keys.json', legacy([legacyCur, legacyOld]));
  write('graph-legacy-sp-expired-only.json', legacy([legacyOld]));
  write('graph-legacy-sp-clean.json', legacy([]));
  // 21: holders of full_access_as_app (G4), one page and two.
  const holders = [
    {
      id: 'FdSJ3GCVTEqfn6c2PuxIQC1XBmYmXnNHrpKj1y2aUXc',
      appRoleId: FULL_ACCESS,
      principalDisplayName: APP_NAME,
      principalId: APP_SP_ID,
      principalType: 'ServicePrincipal',
      createdDateTime: '2025-08-14T12:02:40.5218745Z',
    },
    {
      id: 'kQ2xZr9F3kaqTt0VwJm1bW8eY3cT5uKzR7sL2pQ4nX0',
      appRoleId: FULL_ACCESS,
      principalDisplayName: 'Contoso Archiver (EWS)',
      principalId: 'c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f',
      principalType: 'ServicePrincipal',
      createdDateTime: '2023-03-02T08:11:09Z',
    },
    {
      id: 'uSeRgRoUpAsSiGnMeNtAAAAAAAAAAAAAAAAAAAAAAAA',
      appRoleId: '00000000-0000-0000-0000-000000000000',
      principalDisplayName: 'Exchange Admins',
      principalId: 'd4e5f6a7-b8c9-4d0e-9f1a-3b4c5d6e7f80',
      principalType: 'Group',
      createdDateTime: '2020-01-01T00:00:00Z',
    },
  ];
  write('graph-exo-approleassignedto.json', { value: holders });
  write('graph-exo-approleassignedto.page1.json', {
    value: holders.slice(1),
    '@odata.nextLink': `https://graph.microsoft.com/v1.0/servicePrincipals/${EXO_SP_ID}/appRoleAssignedTo?$skiptoken=X%274453707402000100000017%27`,
  });
  write('graph-exo-approleassignedto.page2.json', { value: holders.slice(0, 1) });
  write('graph-holder-sp.json', { id: APP_SP_ID, appId: APP_ID, displayName: APP_NAME });
  // 22: no Application.Read.All.
  write('graph-403.json', {
    error: {
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
      innerError: {
        date: '2026-12-07T16:00:00',
        'request-id': '6f1b3c5d-2e4a-4b6c-8d0e-1f2a3b4c5d6e',
        'client-request-id': '6f1b3c5d-2e4a-4b6c-8d0e-1f2a3b4c5d6e',
      },
    },
  });
  write('ids.json', {
    organizationGuid: ORG_GUID,
    tenantId: TENANT,
    appId: APP_ID,
    appObjectId: APP_OBJECT_ID,
    appServicePrincipalId: APP_SP_ID,
    exchangeOnlineServicePrincipalId: EXO_SP_ID,
    microsoftGraphServicePrincipalId: MSGRAPH_SP_ID,
    thumbprints: Object.fromEntries(
      Object.entries({ cur, next, old, lapsed, foreign }).map(([n, c]) => [n, c.thumbprint]),
    ),
  });
}

void main();
