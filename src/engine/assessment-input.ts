import type { AdfsSnapshot } from './adfs-snapshot';
import type { EntraFederation } from './entra-federation';
import type { ParsedMetadata } from './metadata-parser';
import type { SignatureCheck } from './signature';

export type MetadataProblemCode =
  'METADATA_BLOCKED' | 'METADATA_UNREACHABLE' | 'METADATA_INVALID' | 'METADATA_URL_UNKNOWN';

/** Why the IdP's metadata is not in hand (the sources say; rule 9 decides the severity). */
export interface MetadataProblem {
  code: MetadataProblemCode;
  detail: string;
  url?: string;
  /** Where the metadata was to be found: discovery, or the metadata URL itself (the default). */
  stage?: 'discovery' | 'metadata';
  /** Sweeps only: failed sweeps in a row, this one included. */
  failedSweepsInARow?: number;
}

/** Entra's side of the trust: unknown (no Graph), not federated, or the domain's configuration. */
export type EntraSide =
  | { kind: 'unknown'; reason: string }
  | { kind: 'not-federated'; detail: string }
  | {
      kind: 'federated';
      federation: EntraFederation;
      /** D: the federated Entra domain (the domain itself, or its federated parent). */
      federatedDomain: string;
    };

/** What the store remembers about an IdP's certificates (sweeps); absent for one-off checks. */
export interface CertificateHistory {
  /** SHA-1 thumbprint → ISO date it was first seen published. */
  firstSeen: Record<string, string>;
  /** Every SHA-1 thumbprint this IdP ever published. */
  published: string[];
}

/** Everything one domain check knows, gathered by the sources. The engine adds nothing but `now`. */
export interface DomainAssessmentInput {
  domain: string;
  now: Date;
  /** ALERT_LEAD_DAYS, or the conversation's `set lead`. */
  leadDays: number;
  mode: 'on-demand' | 'sweep';
  metadata?: { parsed: ParsedMetadata; url?: string; signature: SignatureCheck };
  metadataProblem?: MetadataProblem;
  /** Passive sign-in URL from discovery (realm discovery's AuthURL, or Graph). */
  passiveSignInUrl?: string;
  entra: EntraSide;
  adfs?: AdfsSnapshot;
  /** The admin's answer to "is auto-rollover on?" (`set autorollover`). */
  autoRolloverFact?: boolean;
  /** The IdP host's TLS certificate as the fetcher saw it. */
  tls?: { host: string; notAfter: Date };
  history?: CertificateHistory;
  /** Entra's configuration at the last sweep (rule 13). */
  previousEntra?: EntraFederation;
}
