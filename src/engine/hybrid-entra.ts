import { createHash } from 'node:crypto';
import { decodeCertificate, normalizeBase64 } from './certificate';
import { isObject, parsePsBoolean, pick, pickString, unwrapList, type JsonObject } from './ps-json';
import type { CertInfo } from './types';

/**
 * Entra's half of the Exchange hybrid OAuth trust (design/exchange-hybrid.md §3): the dedicated
 * app's keyCredentials, its service principal and consent, and the legacy first-party service
 * principal — parsed from Graph's raw JSON (never an SDK model, which mangles customKeyIdentifier).
 */

/** "Office 365 Exchange Online", the legacy first-party app and the resource of full_access_as_app. */
export const EXCHANGE_ONLINE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
/** Microsoft Graph's own app (the Graph workflow's resource). */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** full_access_as_app on Office 365 Exchange Online. */
export const FULL_ACCESS_AS_APP = 'dc890d15-9560-4a4c-9b7f-a736ec74ec40';
/** The Graph workflow's application permissions (resolved to ids by value, never hard-coded). */
export const GRAPH_WORKFLOW_ROLES = [
  'Calendars.Read',
  'MailboxSettings.Read',
  'MailTips.ReadBasic.All',
  'ProfilePhoto.Read.All',
] as const;
/** The dedicated app's display name prefix: `ExchangeServerApp-<organization guid>`. */
export const HYBRID_APP_PREFIX = 'ExchangeServerApp-';

export interface KeyCredential {
  keyId: string;
  type: string;
  displayName?: string;
  start?: Date;
  end?: Date;
  customKeyIdentifier?: string;
  /** The certificate this key holds (SHA-1, upper-case hex), when it can be told; else unknown. */
  thumbprint?: string;
  /** customKeyIdentifier names one certificate and `key` holds another (§3.4). */
  spoofed: boolean;
  /** The certificate itself, when `key` was returned. */
  cert?: CertInfo;
}

export interface PasswordCredential {
  keyId: string;
  displayName?: string;
  end?: Date;
}

export interface EntraApplication {
  id: string;
  appId: string;
  displayName: string;
  keyCredentials: KeyCredential[];
  passwordCredentials: PasswordCredential[];
}

export interface EntraServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  accountEnabled: boolean;
  keyCredentials: KeyCredential[];
  passwordCredentials: PasswordCredential[];
}

export interface AppRoleAssignment {
  appRoleId: string;
  resourceId: string;
  /** The service principal the role is assigned to. */
  principalId?: string;
}

/** What Graph said about the hybrid app, or why it could not be read. */
export type HybridEntra =
  | { kind: 'unknown'; reason: string }
  | {
      kind: 'known';
      /** The dedicated app; absent when none was found. */
      app?: EntraApplication;
      /** How it was found. */
      foundBy?: 'auth-server' | 'name' | 'permission' | 'file';
      /** Its service principal; absent when it has none (no consent possible). */
      appServicePrincipal?: EntraServicePrincipal;
      /** Its service principal's appRoleAssignments (empty without a principal); undefined: not read. */
      assignments?: AppRoleAssignment[];
      /** Office 365 Exchange Online's service principal id (the resource of full_access_as_app). */
      exchangeOnlineSpId?: string;
      /** Microsoft Graph's service principal and the Graph workflow's role ids by value. */
      microsoftGraph?: { spId: string; roleIds: Record<string, string> };
      /** The legacy first-party service principal; absent when not read. */
      legacyServicePrincipal?: EntraServicePrincipal;
    };

const HEX40 = /^[0-9A-Fa-f]{40}$/;

function isoDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** customKeyIdentifier as a thumbprint: 40 hex characters, or base64 of exactly 20 bytes. */
function identifierThumbprint(cki: string | undefined): string | undefined {
  if (!cki) return undefined;
  if (HEX40.test(cki)) return cki.toUpperCase();
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(cki)) {
    const bytes = Buffer.from(cki, 'base64');
    if (bytes.length === 20) return bytes.toString('hex').toUpperCase();
  }
  return undefined;
}

/**
 * One keyCredential, matched as design §3.4 says: SHA-1 of `key` first; else customKeyIdentifier
 * as hex; else its 20 base64-decoded bytes; else unknown. `key` and a disagreeing identifier
 * make a spoofed key (unknown).
 */
export function parseKeyCredential(json: JsonObject): KeyCredential {
  const cki = pickString(json, 'customKeyIdentifier');
  const claimed = identifierThumbprint(cki);
  const raw = pickString(json, 'key');
  let cert: CertInfo | undefined;
  let keyThumbprint: string | undefined;
  if (raw) {
    const decoded = decodeCertificate(raw);
    if (decoded.ok) {
      cert = decoded.cert;
      keyThumbprint = decoded.cert.thumbprintSha1;
    } else {
      keyThumbprint = createHash('sha1')
        .update(Buffer.from(normalizeBase64(raw), 'base64'))
        .digest('hex')
        .toUpperCase();
    }
  }
  const spoofed =
    keyThumbprint !== undefined &&
    cki !== undefined &&
    HEX40.test(cki) &&
    claimed !== keyThumbprint;
  return {
    keyId: pickString(json, 'keyId') ?? '',
    type: pickString(json, 'type') ?? '',
    displayName: pickString(json, 'displayName'),
    start: isoDate(pick(json, 'startDateTime')),
    end: isoDate(pick(json, 'endDateTime')),
    ...(cki ? { customKeyIdentifier: cki } : {}),
    thumbprint: spoofed ? undefined : (keyThumbprint ?? claimed),
    spoofed,
    ...(cert && !spoofed ? { cert } : {}),
  };
}

function credentials(
  json: JsonObject,
): Pick<EntraApplication, 'keyCredentials' | 'passwordCredentials'> {
  const keys = pick(json, 'keyCredentials');
  const passwords = pick(json, 'passwordCredentials');
  return {
    keyCredentials: (Array.isArray(keys) ? keys : []).filter(isObject).map(parseKeyCredential),
    passwordCredentials: (Array.isArray(passwords) ? passwords : []).filter(isObject).map((p) => ({
      keyId: pickString(p, 'keyId') ?? '',
      displayName: pickString(p, 'displayName'),
      end: isoDate(pick(p, 'endDateTime')),
    })),
  };
}

/** A Graph object, bare or as the only item of `value` (a `$filter` answer). */
function single(json: unknown): JsonObject | undefined {
  const items = unwrapList(json);
  return items.length === 1 ? items[0] : undefined;
}

/** `GET /applications(appId='…')` (G1), or a list answer with one application. */
export function parseApplication(json: unknown): EntraApplication | undefined {
  const item = single(json);
  const id = item && pickString(item, 'id');
  const appId = item && pickString(item, 'appId');
  if (!item || !id || !appId) return undefined;
  // A service principal is not an application (Microsoft's first-party one least of all).
  const context = isObject(json) ? (pickString(json, '@odata.context') ?? '') : '';
  if (
    appId.toLowerCase() === EXCHANGE_ONLINE_APP_ID ||
    /servicePrincipals/i.test(context) ||
    pick(item, 'accountEnabled') !== undefined
  )
    return undefined;
  return { id, appId, displayName: pickString(item, 'displayName') ?? '', ...credentials(item) };
}

/** `GET /servicePrincipals(appId='…')` (G2, G3). */
export function parseServicePrincipal(json: unknown): EntraServicePrincipal | undefined {
  const item = single(json);
  const id = item && pickString(item, 'id');
  if (!item || !id) return undefined;
  return {
    id,
    appId: pickString(item, 'appId') ?? '',
    displayName: pickString(item, 'displayName') ?? '',
    accountEnabled: parsePsBoolean(pick(item, 'accountEnabled')) ?? true,
    ...credentials(item),
  };
}

/** `GET …/appRoleAssignments` (G3). */
export function parseAssignments(json: unknown): AppRoleAssignment[] {
  return unwrapList(json).flatMap((a) => {
    const appRoleId = pickString(a, 'appRoleId')?.toLowerCase();
    const resourceId = pickString(a, 'resourceId')?.toLowerCase();
    const principalId = pickString(a, 'principalId')?.toLowerCase();
    return appRoleId && resourceId
      ? [{ appRoleId, resourceId, ...(principalId ? { principalId } : {}) }]
      : [];
  });
}

/** Microsoft Graph's service principal (G3b): the Graph workflow's role ids by value. */
export function parseGraphRoles(
  json: unknown,
): { spId: string; roleIds: Record<string, string> } | undefined {
  const item = single(json);
  const spId = item && pickString(item, 'id');
  if (!item || !spId) return undefined;
  const roles = pick(item, 'appRoles');
  const roleIds: Record<string, string> = {};
  for (const role of (Array.isArray(roles) ? roles : []).filter(isObject)) {
    const value = pickString(role, 'value');
    const id = pickString(role, 'id');
    if (value && id && (GRAPH_WORKFLOW_ROLES as readonly string[]).includes(value))
      roleIds[value] = id.toLowerCase();
  }
  return { spId: spId.toLowerCase(), roleIds };
}

/** The holders of full_access_as_app that are service principals named `ExchangeServerApp-*` (G4). */
export function hybridAppHolders(json: unknown): { principalId: string; displayName: string }[] {
  return unwrapList(json).flatMap((a) => {
    const role = pickString(a, 'appRoleId')?.toLowerCase();
    const type = pickString(a, 'principalType');
    const principalId = pickString(a, 'principalId');
    const displayName = pickString(a, 'principalDisplayName') ?? '';
    return role === FULL_ACCESS_AS_APP &&
      type === 'ServicePrincipal' &&
      principalId &&
      displayName.startsWith(HYBRID_APP_PREFIX)
      ? [{ principalId, displayName }]
      : [];
  });
}

/** Whether a key holds certificate `thumbprint` and is in force at `at` (design §3.4 "held"). */
export function holds(key: KeyCredential, thumbprint: string, at: Date): boolean {
  return (
    key.type === 'AsymmetricX509Cert' &&
    !key.spoofed &&
    key.thumbprint === thumbprint &&
    (key.start === undefined || key.start.getTime() <= at.getTime()) &&
    (key.end === undefined || at.getTime() < key.end.getTime())
  );
}
