import type { Subject } from './subject';

/**
 * The engine's vocabulary. Everything here is plain data: the sources build it, the engine
 * derives an {@link Assessment} from it, the CLI and cards render it.
 */

/** A decoded X.509 certificate, as admins see it. */
export interface CertInfo {
  /** The DER bytes, base64 without line breaks (what Graph and PowerShell take). */
  base64: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-1 of the DER, upper-case hex: the thumbprint AD FS, Exchange and Entra show. */
  thumbprintSha1: string;
  /** SHA-256 of the DER, lower-case hex. */
  thumbprintSha256: string;
  keyAlgorithm: string;
  /** RSA modulus length or EC curve size in bits, when known. */
  keySize?: number;
  selfSigned: boolean;
}

export type Severity = 'info' | 'warning' | 'critical';
export type Status = 'ok' | 'warning' | 'critical' | 'unknown';

export type CertSource =
  | 'idp-metadata'
  | 'entra'
  | 'adfs'
  | 'mfg'
  | 'exchange-trust'
  | 'exchange-auth'
  | 'entra-app'
  | 'entra-legacy-sp';
export type CertRole =
  | 'signing'
  | 'next-signing'
  | 'encryption'
  | 'token-issuer'
  | 'token-issuer-prev'
  | 'org'
  | 'org-prev'
  | 'org-next'
  | 'auth-current'
  | 'auth-next'
  | 'auth-previous'
  | 'key-credential';

/** Stable finding codes of DESIGN §4 (a public interface: never rename one). */
export const FINDING_CODES = [
  'IN_SYNC',
  'GRAPH_NOT_CONFIGURED',
  'NOT_FEDERATED',
  'SIGNER_NOT_IN_ENTRA',
  'CERT_EXPIRED',
  'NEXT_CERT_NOT_IN_ENTRA',
  'CERT_EXPIRING',
  'ROLLOVER_PENDING',
  'AUTO_ROLLOVER_OFF',
  'MANUAL_RENEWAL_REQUIRED',
  'ENTRA_UPDATE_FAILED',
  'PROMOTION_PENDING',
  'PROMOTION_BEFORE_ENTRA_POLL',
  'STALE_ENTRA_CERT',
  'ENTRA_UNKNOWN_CERT',
  'ISSUER_MISMATCH',
  'METADATA_BLOCKED',
  'METADATA_UNREACHABLE',
  'METADATA_INVALID',
  'METADATA_NO_SIGNING_CERT',
  'METADATA_AGGREGATE',
  'METADATA_URL_UNKNOWN',
  'METADATA_SIGNATURE_INVALID',
  'TLS_CERT_EXPIRING',
  'ENTRA_CERT_UNREADABLE',
  'FEDERATION_SETTINGS_CHANGED',
  'MFG_CERT_NOT_IN_TRUST',
  'MFG_REFRESH_RECOMMENDED',
  'EXCHANGE_SNAPSHOT_STALE',
  'ORG_CERT_EXPIRING',
  'ORG_PREV_CERT_EXPIRED',
  'MFG_METADATA_URL_MISMATCH',
  'ADFS_SNAPSHOT_STALE',
  'MFG_TRUST_NOT_IN_USE',
  'EXCHANGE_SNAPSHOT_MISSING',
  'HYBRID_OAUTH_NOT_CONFIGURED',
  'HYBRID_APP_NOT_CONFIGURED',
  'HYBRID_APP_OVERRIDE_AMBIGUOUS',
  'HYBRID_APP_CONSENT_MISSING',
  'AUTH_CERT_NOT_IN_HYBRID_APP',
  'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP',
  'AUTH_ROLLOVER_PENDING',
  'AUTH_CERT_EXPIRING',
  'AUTH_CERT_EXPIRED',
  'AUTH_CERT_MISSING_ON_SERVER',
  'NEXT_AUTH_CERT_INVALID',
  'HYBRID_APP_KEY_EXPIRING',
  'HYBRID_APP_STALE_KEY',
  'HYBRID_APP_UNKNOWN_CREDENTIAL',
  'LEGACY_SP_HAS_KEYS',
  'HYBRID_SETTINGS_CHANGED',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** One line, plain text. */
  message: string;
  /** What to do: the exact command(s), or an empty string when nothing is due. */
  remedy: string;
  /** The Microsoft doc that explains the remedy. */
  runbook?: string;
  /** SHA-1 thumbprint of the certificate the finding is about, when there is one (alert identity). */
  thumbprint?: string;
}

export interface CertificateEntry {
  source: CertSource;
  role: CertRole;
  subject: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  signer: boolean;
}

export interface TimelineEvent {
  /** ISO 8601 UTC. */
  date: string;
  event: string;
  /** Machine-readable milestone, for cards. */
  kind:
    | 'today'
    | 'entra-poll'
    | 'admin-warning'
    | 'generation'
    | 'promotion'
    | 'forced-promotion'
    | 'expiry'
    | 'successor-seen';
}

/** How the signer was determined (DESIGN §4 "signer"), said on the card. */
export type SignerMethod =
  | 'adfs-primary'
  | 'metadata-signature'
  | 'only-valid'
  | 'rollover-order'
  | 'last-expired'
  | 'auth-config';

export interface Assessment {
  /** What was assessed. */
  subject: Subject;
  /** The subject's public name (`--json`'s "domain": the ASCII domain, or `mfg`): an interface. */
  domain: string;
  status: Status;
  findings: Finding[];
  certificates: CertificateEntry[];
  timeline: TimelineEvent[];
  signer?: { thumbprintSha1: string; method: SignerMethod };
  /** entityID and metadata URL: the IdP identity alerts are keyed on. */
  idp?: { entityId?: string; metadataUrl?: string; adfsShaped: boolean };
  /** AD FS AutoCertificateRollover as the engine used it (AD FS-shaped IdPs only). */
  autoRollover?: 'on' | 'off' | 'unknown';
  /** The AD FS snapshot the engine used (collector or --adfs-properties-file): where the facts came from. */
  adfs?: {
    hostName?: string;
    receivedAt?: string;
    generationDays: number;
    promotionDays: number;
    stale: boolean;
  };
  /** `check mfg` with a collector snapshot: whose Exchange trust this is, and how old the snapshot is. */
  exchange?: { organization: string; computerName?: string; receivedAt?: string };
  /** `check exchange`'s hybrid result: the dedicated app and the on-premises switches (rule group 14). */
  hybrid?: {
    appName: string;
    appId?: string;
    feature?: 'enabled' | 'disabled' | 'ambiguous';
    workflow?: 'ews' | 'graph';
    oauthInUse?: boolean;
    entraKnown: boolean;
    /** Rule 14.12's fingerprint (appId, keys, consent, override), compared sweep to sweep. */
    settings: string;
    nextEffective?: string;
    nextFirstSeen?: string;
  };
  /** The MFG trust's use (the rule-12 gate), when an Auth snapshot tells it. */
  trustUsage?: 'in-use' | 'fallback-only' | 'not-in-use';
  /** Entra's own account of its last metadata poll, explained. */
  entraUpdate?: { result: string; lastRun?: string; explanation: string };
}
