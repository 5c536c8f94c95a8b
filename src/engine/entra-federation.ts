import { decodeCertificate } from './certificate';
import { parsePsDate, pick, pickString, unwrapList, isObject } from './ps-json';
import type { CertInfo } from './types';

/** One of Entra's two certificate slots (DESIGN §4 "Entra slots"). */
export interface EntraSlot {
  name: 'SigningCertificate' | 'NextSigningCertificate';
  cert?: CertInfo;
  /** Set when the slot holds text that is not a certificate. */
  unreadable?: string;
}

/** Graph internalDomainFederation, the parts the engine uses. */
export interface EntraFederation {
  id?: string;
  displayName?: string;
  issuerUri?: string;
  metadataExchangeUri?: string;
  passiveSignInUri?: string;
  activeSignInUri?: string;
  signOutUri?: string;
  federatedIdpMfaBehavior?: string;
  preferredAuthenticationProtocol?: string;
  slots: [EntraSlot, EntraSlot];
  updateStatus?: { result: string; lastRun?: Date };
}

export type EntraParseResult =
  { ok: true; federation: EntraFederation } | { ok: false; reason: string };

function slot(name: EntraSlot['name'], value: unknown): EntraSlot {
  if (typeof value !== 'string' || value.trim() === '') return { name };
  const decoded = decodeCertificate(value);
  return decoded.ok ? { name, cert: decoded.cert } : { name, unreadable: decoded.reason };
}

/**
 * Parses Graph's federationConfiguration answer tolerantly: a list response, `{value: {…}}`, or one
 * object; property names in any case (DESIGN §4 step 4). An empty list means "not federated".
 */
export function parseEntraFederation(
  json: unknown,
): EntraParseResult | { ok: true; federation: undefined } {
  if (!isObject(json) && !Array.isArray(json))
    return { ok: false, reason: 'not a JSON object or list' };
  const items = unwrapList(json);
  const item = items.find(
    (i) => pick(i, 'issuerUri') !== undefined || pick(i, 'signingCertificate') !== undefined,
  );
  if (!item) {
    if (items.length === 0) return { ok: true, federation: undefined };
    return {
      ok: false,
      reason: 'no internalDomainFederation object (issuerUri, signingCertificate) found',
    };
  }
  const status = pick(item, 'signingCertificateUpdateStatus');
  const result = isObject(status) ? pickString(status, 'certificateUpdateResult') : undefined;
  return {
    ok: true,
    federation: {
      id: pickString(item, 'id'),
      displayName: pickString(item, 'displayName'),
      issuerUri: pickString(item, 'issuerUri'),
      metadataExchangeUri: pickString(item, 'metadataExchangeUri'),
      passiveSignInUri: pickString(item, 'passiveSignInUri'),
      activeSignInUri: pickString(item, 'activeSignInUri'),
      signOutUri: pickString(item, 'signOutUri'),
      federatedIdpMfaBehavior: pickString(item, 'federatedIdpMfaBehavior'),
      preferredAuthenticationProtocol: pickString(item, 'preferredAuthenticationProtocol'),
      slots: [
        slot('SigningCertificate', pick(item, 'signingCertificate')),
        slot('NextSigningCertificate', pick(item, 'nextSigningCertificate')),
      ],
      updateStatus: result
        ? {
            result,
            lastRun: isObject(status) ? parsePsDate(pick(status, 'lastRunDateTime')) : undefined,
          }
        : undefined,
    },
  };
}
