import { z } from 'zod';
import { parseAdfsSnapshot } from '../engine/adfs-snapshot';
import { decodeCertificate } from '../engine/certificate';
import { parseExchangeTrust } from '../engine/exchange-trust';
import { isOrganizationName } from '../engine/organization';
import { parsePsDate } from '../engine/ps-json';
import type { SnapshotRecord } from '../store/store';

/**
 * What `collector/Send-FedTrustSnapshot.ps1` posts: the cmdlets' output as Windows PowerShell 5.1
 * or PowerShell 7 `ConvertTo-Json` writes it (dates `/Date(ms)/` or ISO 8601, enums as numbers or
 * names, a single object where a list has one item). Unknown properties are dropped, not stored.
 */

const text = (max: number) => z.string().max(max);
const psDate = z
  .string()
  .max(64)
  .refine((value) => parsePsDate(value) !== undefined, 'not a /Date(ms)/ or ISO 8601 date');
const enumValue = z.union([text(64), z.number().int()]);
const thumbprint = z.string().regex(/^[0-9A-Fa-f]{40}$/, 'not a SHA-1 thumbprint');
/** One item, or a list of them (ConvertTo-Json writes a lone item without brackets). */
const oneOrMany = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess(
    (v) => (Array.isArray(v) || v === null || v === undefined ? v : [v]),
    z.array(item).max(max),
  );

/**
 * A certificate the collector sends must be one (DESIGN §10): RawData, when given, decodes as X.509,
 * and the Thumbprint is the SHA-1 of it. Otherwise the field is named and nothing is stored.
 */
function certificateMatches(
  cert: { Thumbprint: string; RawData?: string | number[] },
  ctx: z.RefinementCtx,
): void {
  if (cert.RawData === undefined) return;
  const base64 =
    typeof cert.RawData === 'string' ? cert.RawData : Buffer.from(cert.RawData).toString('base64');
  const decoded = decodeCertificate(base64);
  if (!decoded.ok) {
    ctx.addIssue({ code: 'custom', path: ['RawData'], message: decoded.reason });
    return;
  }
  if (decoded.cert.thumbprintSha1 !== cert.Thumbprint.toUpperCase())
    ctx.addIssue({
      code: 'custom',
      path: ['Thumbprint'],
      message: `is not the SHA-1 of RawData (${decoded.cert.thumbprintSha1})`,
    });
}

export const certificateSchema = z
  .object({
    Thumbprint: thumbprint,
    NotBefore: psDate,
    NotAfter: psDate,
    Subject: text(1024).optional(),
    Issuer: text(1024).optional(),
    SerialNumber: text(128).optional(),
    // base64 (the collector's choice) or the byte array a plain ConvertTo-Json writes.
    RawData: z
      .union([
        z
          .string()
          .max(65_536)
          .regex(/^[A-Za-z0-9+/=\s]*$/, 'not base64'),
        z.array(z.number().int().min(0).max(255)).max(49_152),
      ])
      .optional(),
  })
  .superRefine(certificateMatches);

const optionalCert = certificateSchema.nullish();
const uri = z.union([text(2048), z.object({ AbsoluteUri: text(2048) })]).nullish();

export const federationTrustSchema = z.object({
  Name: text(256).optional(),
  TokenIssuerCertificate: optionalCert,
  TokenIssuerPrevCertificate: optionalCert,
  OrgCertificate: optionalCert,
  OrgPrevCertificate: optionalCert,
  OrgNextCertificate: optionalCert,
  TokenIssuerMetadataEpr: uri,
  TokenIssuerUri: uri,
  ApplicationUri: uri,
  WhenChanged: psDate.nullish(),
});

export const adfsPropertiesSchema = z.object({
  HostName: text(256).nullish(),
  Identifier: uri,
  AutoCertificateRollover: z.boolean(),
  CertificateGenerationThreshold: z.number().int().min(0).max(3650).optional(),
  CertificatePromotionThreshold: z.number().int().min(0).max(3650).optional(),
  CertificateCriticalThreshold: z.number().int().min(0).max(3650).optional(),
  CertificateDuration: z.number().int().min(0).max(36_500).optional(),
});

export const adfsCertificateSchema = z.object({
  CertificateType: enumValue,
  IsPrimary: z.boolean(),
  Thumbprint: thumbprint.optional(),
  StoreLocation: enumValue.nullish(),
  StoreName: enumValue.nullish(),
  Certificate: certificateSchema,
});

/** An Auth slot: a thumbprint, or empty (`""` in 5.1, null in 7). */
const slotThumbprint = z.union([thumbprint, z.literal('')]).nullish();
const textList = (items: number, max = 256) => oneOrMany(text(max), items).nullish();

/**
 * Collector 1.1's `exchangeAuth` block (design/exchange-hybrid.md §2.5): Get-AuthConfig, the public
 * Auth certificates on this server, and the objects that say whether OAuth and the dedicated app
 * are configured. Never a private key: unknown properties (PrivateKey, Pfx …) are dropped.
 */
export const exchangeAuthSchema = z.object({
  authConfig: z.object({
    CurrentCertificateThumbprint: slotThumbprint,
    PreviousCertificateThumbprint: slotThumbprint,
    NextCertificateThumbprint: slotThumbprint,
    NextCertificateEffectiveDate: psDate.nullish(),
    ServiceName: text(64).nullish(),
    Realm: text(256).nullish(),
    WhenChangedUTC: psDate.nullish(),
  }),
  authCertificates: oneOrMany(
    z.object({
      Slot: z.enum(['Current', 'Next', 'Previous']),
      Thumbprint: thumbprint,
      FoundOnServer: z.boolean(),
      HasPrivateKey: z.boolean().nullish(),
      Certificate: certificateSchema.nullish(),
    }),
    3,
  ).nullish(),
  organizationGuid: z.string().uuid().nullish(),
  authServers: oneOrMany(
    z.object({
      Name: text(256),
      Type: enumValue,
      Realm: text(256).nullish(),
      Enabled: z.boolean(),
      ApplicationIdentifier: text(64).nullish(),
      DomainName: textList(64),
      AuthMetadataUrl: text(2048).nullish(),
    }),
    16,
  ).nullish(),
  partnerApplications: oneOrMany(
    z.object({
      Name: text(256),
      ApplicationIdentifier: text(64),
      Realm: text(256).nullish(),
      Enabled: z.boolean(),
    }),
    8,
  ).nullish(),
  intraOrganizationConnectors: oneOrMany(
    z.object({
      Name: text(256),
      Enabled: z.boolean(),
      TargetAddressDomains: textList(64),
      DiscoveryEndpoint: text(2048).nullish(),
    }),
    16,
  ).nullish(),
  settingOverrides: oneOrMany(
    z.object({
      Name: text(256),
      ComponentName: text(64),
      SectionName: text(128),
      Parameters: textList(16, 512),
      Server: textList(64),
    }),
    16,
  ).nullish(),
  hybridConfigured: z.boolean().nullish(),
  exSetupVersion: z
    .string()
    .regex(/^\d{1,2}\.\d{1,2}\.\d{1,5}\.\d{1,5}$/, 'not a build number (15.02.2562.017)')
    .nullish(),
  exchangeServers: oneOrMany(
    z.object({
      Name: text(256),
      AdminDisplayVersion: text(128),
      ServerRole: text(256).nullish(),
    }),
    256,
  ).nullish(),
  organizationRelationships: oneOrMany(
    z.object({
      Name: text(256),
      Enabled: z.boolean(),
      DomainNames: textList(256),
      FreeBusyAccessEnabled: z.boolean().nullish(),
      MailTipsAccessEnabled: z.boolean().nullish(),
      PhotosEnabled: z.boolean().nullish(),
      DeliveryReportEnabled: z.boolean().nullish(),
      ArchiveAccessEnabled: z.boolean().nullish(),
      TargetApplicationUri: text(2048).nullish(),
      TargetAutodiscoverEpr: text(2048).nullish(),
      TargetSharingEpr: text(2048).nullish(),
    }),
    64,
  ).nullish(),
  sharingPolicies: oneOrMany(
    z.object({
      Name: text(256),
      Enabled: z.boolean(),
      Default: z.boolean().nullish(),
      Domains: textList(64),
    }),
    64,
  ).nullish(),
  errors: oneOrMany(text(512), 20).nullish(),
});

const organization = z
  .string()
  .trim()
  .refine(isOrganizationName, 'letters, digits, space, dot, dash, underscore (128 at most)');

export const collectorPayloadSchema = z.object({
  organization,
  computerName: text(256).optional(),
  collectedAt: psDate.optional(),
  collectorVersion: text(32).optional(),
  federationTrust: oneOrMany(federationTrustSchema, 8).nullish(),
  adfsProperties: adfsPropertiesSchema.nullish(),
  adfsCertificates: oneOrMany(adfsCertificateSchema, 16).nullish(),
  exchangeAuth: exchangeAuthSchema.nullish(),
});

export type CollectorPayload = z.infer<typeof collectorPayloadSchema>;

export type DecodedPayload =
  { ok: true; snapshots: SnapshotRecord[] } | { ok: false; problems: string[] };

function problemsOf(error: z.ZodError): string[] {
  return error.issues
    .slice(0, 20)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`);
}

function adfsRecord(
  payload: CollectorPayload,
  base: Omit<SnapshotRecord, 'kind' | 'sourceKey' | 'payload'>,
) {
  const properties = payload.adfsProperties ?? undefined;
  const certificates = payload.adfsCertificates ?? [];
  if (!properties && certificates.length === 0) return undefined;
  const parsed = parseAdfsSnapshot([...(properties ? [properties] : []), ...certificates]);
  if (!parsed.ok) return `adfs: ${parsed.reason}`;
  // The farm as the engine reads it (Identifier as a string or a System.Uri object).
  const { identifier, hostName } = parsed.snapshot;
  const sourceKey = identifier ?? hostName ?? base.computerName ?? 'AD FS';
  return { ...base, kind: 'adfs' as const, sourceKey, payload: { properties, certificates } };
}

/**
 * Validates a collector body and turns it into the snapshots to keep: one per federation trust, one
 * for the AD FS farm. Every problem is reported at once; nothing is kept when there is one.
 */
export function decodeCollectorPayload(body: unknown, receivedAt: Date): DecodedPayload {
  const result = collectorPayloadSchema.safeParse(body);
  if (!result.success) return { ok: false, problems: problemsOf(result.error) };
  const payload = result.data;
  const base = {
    organization: payload.organization,
    computerName: payload.computerName,
    collectedAt: payload.collectedAt ? parsePsDate(payload.collectedAt) : undefined,
    receivedAt,
  };
  const snapshots: SnapshotRecord[] = [];
  const problems: string[] = [];
  for (const [index, trust] of (payload.federationTrust ?? []).entries()) {
    const parsed = parseExchangeTrust(trust);
    if (!parsed.ok) problems.push(`federationTrust.${index}: ${parsed.reason}`);
    else
      snapshots.push({
        ...base,
        kind: 'exchange-trust',
        sourceKey: trust.Name ?? 'Microsoft Federation Gateway',
        payload: trust,
      });
  }
  if (payload.exchangeAuth) {
    // Stored as validated (unknown properties already dropped), one per reporting server.
    snapshots.push({
      ...base,
      kind: 'exchange-auth',
      sourceKey: payload.computerName ?? payload.exchangeAuth.organizationGuid ?? 'Exchange',
      payload: payload.exchangeAuth,
    });
  }
  const adfs = adfsRecord(payload, base);
  if (typeof adfs === 'string') problems.push(adfs);
  else if (adfs) snapshots.push(adfs);
  if (problems.length > 0) return { ok: false, problems };
  if (snapshots.length === 0)
    return {
      ok: false,
      problems: [
        'body: nothing to keep (no federationTrust, exchangeAuth, adfsProperties or adfsCertificates)',
      ],
    };
  return { ok: true, snapshots };
}
