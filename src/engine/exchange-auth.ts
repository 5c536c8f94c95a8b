import { parsePsCertificate } from './ps-certificate';
import {
  isObject,
  parsePsBoolean,
  parsePsDate,
  pick,
  pickString,
  type JsonObject,
} from './ps-json';
import type { CertInfo } from './types';

/**
 * The on-premises half of the Exchange hybrid OAuth trust (design/exchange-hybrid.md §2): what
 * collector 1.1's `exchangeAuth` block says — Get-AuthConfig's three slots, the public Auth
 * certificates one server holds, and the objects that say whether OAuth and the dedicated app are
 * configured. Read from a collector body, the block alone, or a pasted `Get-AuthConfig | ConvertTo-Json`.
 */

export type AuthSlot = 'Current' | 'Next' | 'Previous';

/** One slot's certificate as one server's store holds it. */
export interface ServerCertificate {
  slot: AuthSlot;
  thumbprint: string;
  foundOnServer: boolean;
  hasPrivateKey?: boolean;
}

/** What one reporting server sent (several servers' views coexist). */
export interface AuthServerView {
  computerName: string;
  receivedAt?: Date;
  collectedAt?: Date;
  /** ExSetup.exe's version on that server (the real build, hotfix level included). */
  exSetupVersion?: string;
  certificates: ServerCertificate[];
}

export interface AuthServerEntry {
  name: string;
  type: string;
  realm?: string;
  enabled: boolean;
  applicationIdentifier?: string;
}

export interface OrganizationRelationship {
  name: string;
  enabled: boolean;
  domainNames: string[];
  /** Any of free/busy, MailTips, photos, delivery reports, archive access on. */
  anyFeature: boolean;
  targetAutodiscoverEpr?: string;
}

export interface SettingOverride {
  name: string;
  componentName: string;
  sectionName: string;
  parameters: string[];
}

/** The Auth configuration of one Exchange organisation, slot facts from its newest snapshot. */
export interface ExchangeAuth {
  current?: string;
  next?: string;
  previous?: string;
  /** NextCertificateEffectiveDate. */
  effective?: Date;
  whenChanged?: Date;
  /** The newest snapshot's times; undefined for a file (taken as current). */
  collectedAt?: Date;
  receivedAt?: Date;
  /** Public certificates by thumbprint, from every server's snapshot. */
  certificates: CertInfo[];
  servers: AuthServerView[];
  organizationGuid?: string;
  authServers: AuthServerEntry[];
  partnerApplications: {
    name: string;
    applicationIdentifier: string;
    realm?: string;
    enabled: boolean;
  }[];
  intraOrganizationConnectors: { name: string; enabled: boolean }[];
  settingOverrides: SettingOverride[];
  /** Undefined when the file did not say (a pasted Get-AuthConfig). */
  hybridConfigured?: boolean;
  exchangeServers: { name: string; adminDisplayVersion: string; serverRole?: string }[];
  organizationRelationships: OrganizationRelationship[];
  sharingPolicies: { name: string; enabled: boolean; domains: string[] }[];
  /** Cmdlets that failed on the server (`errors`). */
  errors: string[];
  /** Only Get-AuthConfig was given (no configuration objects): OAuth and app facts are unknown. */
  slotsOnly: boolean;
}

export type ExchangeAuthParse = { ok: true; auth: ExchangeAuth } | { ok: false; reason: string };

const THUMBPRINT = /^[0-9A-F]{40}$/;

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function objects(value: unknown): JsonObject[] {
  return list(value).filter(isObject);
}

function strings(value: unknown): string[] {
  return list(value).flatMap((v) => (typeof v === 'string' && v.trim() !== '' ? [v.trim()] : []));
}

/** An enum as the collector casts it (a name), or as a hand-made 5.1 file writes it (a number). */
function enumText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function bool(obj: JsonObject, name: string): boolean {
  return parsePsBoolean(pick(obj, name)) ?? false;
}

/** A slot thumbprint: `""`, null and missing alike are "none". */
function slot(obj: JsonObject, name: string): string | undefined {
  const value = pickString(obj, name)?.toUpperCase();
  return value && THUMBPRINT.test(value) ? value : undefined;
}

/** A date the collector wrote, or a hand-made file's (a zone-less ISO date is UTC). */
function date(obj: JsonObject, name: string): Date | undefined {
  const value = pick(obj, name);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(value.trim()))
    return parsePsDate(`${value.trim()}Z`);
  return parsePsDate(value);
}

function serverCertificates(block: JsonObject): { views: ServerCertificate[]; certs: CertInfo[] } {
  const views: ServerCertificate[] = [];
  const certs: CertInfo[] = [];
  for (const item of objects(pick(block, 'authCertificates'))) {
    const name = pickString(item, 'Slot');
    const thumbprint = pickString(item, 'Thumbprint')?.toUpperCase();
    if ((name !== 'Current' && name !== 'Next' && name !== 'Previous') || !thumbprint) continue;
    const hasPrivateKey = parsePsBoolean(pick(item, 'HasPrivateKey'));
    views.push({
      slot: name,
      thumbprint,
      foundOnServer: bool(item, 'FoundOnServer'),
      ...(hasPrivateKey === undefined ? {} : { hasPrivateKey }),
    });
    const cert = parsePsCertificate(pick(item, 'Certificate'));
    if (cert && cert.thumbprintSha1 === thumbprint) certs.push(cert);
  }
  return { views, certs };
}

/**
 * Reads the Auth facts from a collector body (`exchangeAuth`), the block alone (`authConfig`), or
 * `Get-AuthConfig | Select-Object … | ConvertTo-Json` (the slots at the top level).
 */
export function parseExchangeAuth(
  json: unknown,
  meta: { computerName?: string; receivedAt?: Date; collectedAt?: Date } = {},
): ExchangeAuthParse {
  if (!isObject(json)) return { ok: false, reason: 'not a JSON object' };
  const body = isObject(pick(json, 'exchangeAuth')) ? json : undefined;
  const block = body ? (pick(json, 'exchangeAuth') as JsonObject) : json;
  const nested = pick(block, 'authConfig');
  const config = isObject(nested) ? nested : block;
  if (
    pick(config, 'CurrentCertificateThumbprint') === undefined &&
    pick(config, 'NextCertificateThumbprint') === undefined
  )
    return {
      ok: false,
      reason:
        "no Auth configuration (exchangeAuth.authConfig or Get-AuthConfig's CurrentCertificateThumbprint) found",
    };
  const current = slot(config, 'CurrentCertificateThumbprint');
  const { views, certs } = serverCertificates(block);
  const collectedAt =
    meta.collectedAt ?? (body ? parsePsDate(pick(body, 'collectedAt')) : undefined);
  const computerName = meta.computerName ?? (body ? pickString(body, 'computerName') : undefined);
  const exSetupVersion = pickString(block, 'exSetupVersion');
  const slotsOnly = !isObject(nested);
  const auth: ExchangeAuth = {
    current,
    next: slot(config, 'NextCertificateThumbprint'),
    previous: slot(config, 'PreviousCertificateThumbprint'),
    effective: date(config, 'NextCertificateEffectiveDate'),
    whenChanged: date(config, 'WhenChangedUTC'),
    collectedAt,
    receivedAt: meta.receivedAt,
    certificates: certs,
    servers: computerName
      ? [
          {
            computerName,
            receivedAt: meta.receivedAt,
            collectedAt,
            ...(exSetupVersion ? { exSetupVersion } : {}),
            certificates: views,
          },
        ]
      : [],
    organizationGuid: pickString(block, 'organizationGuid')?.toLowerCase(),
    authServers: objects(pick(block, 'authServers')).map((s) => ({
      name: pickString(s, 'Name') ?? '',
      type: enumText(pick(s, 'Type')),
      realm: pickString(s, 'Realm'),
      enabled: bool(s, 'Enabled'),
      applicationIdentifier: pickString(s, 'ApplicationIdentifier'),
    })),
    partnerApplications: objects(pick(block, 'partnerApplications')).map((p) => ({
      name: pickString(p, 'Name') ?? '',
      applicationIdentifier: pickString(p, 'ApplicationIdentifier') ?? '',
      realm: pickString(p, 'Realm'),
      enabled: bool(p, 'Enabled'),
    })),
    intraOrganizationConnectors: objects(pick(block, 'intraOrganizationConnectors')).map((c) => ({
      name: pickString(c, 'Name') ?? '',
      enabled: bool(c, 'Enabled'),
    })),
    settingOverrides: objects(pick(block, 'settingOverrides')).map((o) => ({
      name: pickString(o, 'Name') ?? '',
      componentName: pickString(o, 'ComponentName') ?? '',
      sectionName: pickString(o, 'SectionName') ?? '',
      parameters: strings(pick(o, 'Parameters')),
    })),
    hybridConfigured: slotsOnly ? undefined : parsePsBoolean(pick(block, 'hybridConfigured')),
    exchangeServers: objects(pick(block, 'exchangeServers')).map((s) => ({
      name: pickString(s, 'Name') ?? '',
      adminDisplayVersion: pickString(s, 'AdminDisplayVersion') ?? '',
      serverRole: pickString(s, 'ServerRole'),
    })),
    organizationRelationships: objects(pick(block, 'organizationRelationships')).map((r) => ({
      name: pickString(r, 'Name') ?? '',
      enabled: bool(r, 'Enabled'),
      domainNames: strings(pick(r, 'DomainNames')),
      anyFeature: [
        'FreeBusyAccessEnabled',
        'MailTipsAccessEnabled',
        'PhotosEnabled',
        'DeliveryReportEnabled',
        'ArchiveAccessEnabled',
      ].some((name) => bool(r, name)),
      targetAutodiscoverEpr: pickString(r, 'TargetAutodiscoverEpr'),
    })),
    sharingPolicies: objects(pick(block, 'sharingPolicies')).map((p) => ({
      name: pickString(p, 'Name') ?? '',
      enabled: bool(p, 'Enabled'),
      domains: strings(pick(p, 'Domains')),
    })),
    errors: strings(pick(block, 'errors')),
    slotsOnly,
  };
  if (!current && !auth.next)
    return { ok: false, reason: 'the Auth configuration names no current or next certificate' };
  return { ok: true, auth };
}

/**
 * One organisation's Auth facts from each reporting server's latest snapshot (design §2.5): the
 * slots and configuration from the newest, every server's own certificate view, every public
 * certificate any of them sent.
 */
export function mergeExchangeAuth(snapshots: ExchangeAuth[]): ExchangeAuth | undefined {
  const time = (a: ExchangeAuth) => (a.collectedAt ?? a.receivedAt ?? new Date(0)).getTime();
  const sorted = [...snapshots].sort((a, b) => time(b) - time(a));
  const newest = sorted[0];
  if (!newest) return undefined;
  const certificates = new Map<string, CertInfo>();
  for (const s of sorted) for (const c of s.certificates) certificates.set(c.thumbprintSha1, c);
  return {
    ...newest,
    receivedAt: newest.receivedAt,
    certificates: [...certificates.values()],
    servers: sorted.flatMap((s) => s.servers),
  };
}
