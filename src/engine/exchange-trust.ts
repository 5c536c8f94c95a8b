import { parsePsCertificate } from './ps-certificate';
import { pick, pickString, pickUri, unwrapList } from './ps-json';
import type { CertInfo } from './types';

/** `Get-FederationTrust | ConvertTo-Json`, the parts that break free/busy. */
export interface ExchangeTrust {
  name?: string;
  tokenIssuerCertificate?: CertInfo;
  tokenIssuerPrevCertificate?: CertInfo;
  orgCertificate?: CertInfo;
  orgPrevCertificate?: CertInfo;
  orgNextCertificate?: CertInfo;
  tokenIssuerMetadataEpr?: string;
  /** When the snapshot was received; undefined for a file (taken as current). */
  receivedAt?: Date;
}

export type TrustParseResult = { ok: true; trust: ExchangeTrust } | { ok: false; reason: string };

/** Parses Windows PowerShell 5.1 or PowerShell 7 ConvertTo-Json output of Get-FederationTrust. */
export function parseExchangeTrust(json: unknown): TrustParseResult {
  const item = unwrapList(json).find(
    (i) =>
      pick(i, 'TokenIssuerCertificate') !== undefined || pick(i, 'OrgCertificate') !== undefined,
  );
  if (!item)
    return {
      ok: false,
      reason: 'no federation trust (TokenIssuerCertificate, OrgCertificate) found',
    };
  return {
    ok: true,
    trust: {
      name: pickString(item, 'Name'),
      tokenIssuerCertificate: parsePsCertificate(pick(item, 'TokenIssuerCertificate')),
      tokenIssuerPrevCertificate: parsePsCertificate(pick(item, 'TokenIssuerPrevCertificate')),
      orgCertificate: parsePsCertificate(pick(item, 'OrgCertificate')),
      orgPrevCertificate: parsePsCertificate(pick(item, 'OrgPrevCertificate')),
      orgNextCertificate: parsePsCertificate(pick(item, 'OrgNextCertificate')),
      tokenIssuerMetadataEpr: pickUri(item, 'TokenIssuerMetadataEpr'),
    },
  };
}
