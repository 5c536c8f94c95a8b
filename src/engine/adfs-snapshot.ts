import { parsePsCertificate } from './ps-certificate';
import {
  isObject,
  parsePsBoolean,
  parsePsNumber,
  pick,
  pickString,
  pickUri,
  unwrapList,
} from './ps-json';
import type { CertInfo } from './types';

/** What AD FS says about itself (Get-AdfsProperties, Get-AdfsCertificate). */
export interface AdfsSnapshot {
  autoCertificateRollover?: boolean;
  /** CertificateGenerationThreshold, days before expiry (default 20). */
  generationThresholdDays: number;
  /** CertificatePromotionThreshold, days after generation (default 5). */
  promotionThresholdDays: number;
  /** CertificateCriticalThreshold, days before expiry (default 2). */
  criticalThresholdDays: number;
  hostName?: string;
  identifier?: string;
  tokenSigning: { cert: CertInfo; isPrimary: boolean }[];
  receivedAt?: Date;
}

export const ADFS_DEFAULTS = { generation: 20, promotion: 5, critical: 2 } as const;

/** A collector snapshot older than this no longer says which certificate is primary (issue #5). */
export const ADFS_SNAPSHOT_MAX_AGE_DAYS = 7;

/** Whether a received snapshot is too old to name the primary certificate (a file has no age). */
export function isSnapshotStale(snapshot: AdfsSnapshot, now: Date): boolean {
  return (
    snapshot.receivedAt !== undefined &&
    now.getTime() - snapshot.receivedAt.getTime() > ADFS_SNAPSHOT_MAX_AGE_DAYS * 86_400_000
  );
}

export type AdfsParseResult = { ok: true; snapshot: AdfsSnapshot } | { ok: false; reason: string };

function isTokenSigning(item: Record<string, unknown>): boolean {
  const type = pick(item, 'CertificateType');
  return type === 'Token-Signing' || type === 'TokenSigning' || type === 0 || type === '0';
}

function threshold(value: unknown, fallback: number): number {
  const n = parsePsNumber(value);
  return n !== undefined && n >= 0 && n <= 3650 ? n : fallback;
}

/**
 * Parses `Get-AdfsProperties | ConvertTo-Json`, optionally in a list with
 * `Get-AdfsCertificate | ConvertTo-Json` objects (the collector sends both).
 */
export function parseAdfsSnapshot(json: unknown): AdfsParseResult {
  const items = unwrapList(json);
  const props = items.find((i) => pick(i, 'AutoCertificateRollover') !== undefined);
  const certItems = items.filter((i) => pick(i, 'IsPrimary') !== undefined && isTokenSigning(i));
  if (!props && certItems.length === 0) {
    return {
      ok: false,
      reason: 'neither Get-AdfsProperties (AutoCertificateRollover) nor Get-AdfsCertificate output',
    };
  }
  const tokenSigning: AdfsSnapshot['tokenSigning'] = [];
  for (const item of certItems) {
    const cert = parsePsCertificate(
      isObject(pick(item, 'Certificate')) ? pick(item, 'Certificate') : item,
    );
    if (cert)
      tokenSigning.push({ cert, isPrimary: parsePsBoolean(pick(item, 'IsPrimary')) === true });
  }
  return {
    ok: true,
    snapshot: {
      autoCertificateRollover: parsePsBoolean(pick(props, 'AutoCertificateRollover')),
      generationThresholdDays: threshold(
        pick(props, 'CertificateGenerationThreshold'),
        ADFS_DEFAULTS.generation,
      ),
      promotionThresholdDays: threshold(
        pick(props, 'CertificatePromotionThreshold'),
        ADFS_DEFAULTS.promotion,
      ),
      criticalThresholdDays: threshold(
        pick(props, 'CertificateCriticalThreshold'),
        ADFS_DEFAULTS.critical,
      ),
      hostName: pickString(props, 'HostName'),
      identifier: pickUri(props, 'Identifier'),
      tokenSigning,
    },
  };
}
