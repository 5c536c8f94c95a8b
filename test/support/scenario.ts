import type { AdfsSnapshot } from '../../src/engine/adfs-snapshot';
import type { DomainAssessmentInput, EntraSide } from '../../src/engine/assessment-input';
import type { EntraFederation } from '../../src/engine/entra-federation';
import type { ParsedMetadata } from '../../src/engine/metadata-parser';
import type { SignatureCheck } from '../../src/engine/signature';
import type { CertInfo } from '../../src/engine/types';

export function metadataOf(
  certs: CertInfo[],
  entityId = 'http://fs.contoso.com/adfs/services/trust',
): ParsedMetadata {
  return {
    format: 'saml2',
    entityId,
    roles: ['SecurityTokenServiceType'],
    signingCerts: certs,
    encryptionCerts: [],
    endpoints: [],
    passiveSignInUrl: 'https://fs.contoso.com/adfs/ls/',
    hasSignature: false,
    undecodable: [],
  };
}

export function federationOf(
  signing?: CertInfo,
  next?: CertInfo,
  extra: Partial<EntraFederation> = {},
): EntraFederation {
  return {
    id: '6601d14b-d113-8f64-fda2-9b5ddda18ecc',
    issuerUri: 'http://fs.contoso.com/adfs/services/trust',
    passiveSignInUri: 'https://fs.contoso.com/adfs/ls/',
    slots: [
      { name: 'SigningCertificate', cert: signing },
      { name: 'NextSigningCertificate', cert: next },
    ],
    ...extra,
  };
}

export function federated(federation: EntraFederation, federatedDomain = 'contoso.com'): EntraSide {
  return { kind: 'federated', federation, federatedDomain };
}

export function signedBy(cert: CertInfo | undefined): SignatureCheck {
  return cert ? { status: 'valid', thumbprintSha1: cert.thumbprintSha1 } : { status: 'absent' };
}

export function adfsSnapshot(overrides: Partial<AdfsSnapshot> = {}): AdfsSnapshot {
  return {
    autoCertificateRollover: true,
    generationThresholdDays: 20,
    promotionThresholdDays: 5,
    criticalThresholdDays: 2,
    tokenSigning: [],
    ...overrides,
  };
}

export interface ScenarioOptions {
  now: Date;
  published: CertInfo[];
  signer?: CertInfo;
  entra?: EntraSide;
  entityId?: string;
  leadDays?: number;
  extra?: Partial<DomainAssessmentInput>;
}

/** An assessment input for contoso.com, with sensible defaults for everything not under test. */
export function scenario(o: ScenarioOptions): DomainAssessmentInput {
  return {
    domain: 'contoso.com',
    now: o.now,
    leadDays: o.leadDays ?? 7,
    mode: 'on-demand',
    metadata: {
      parsed: metadataOf(o.published, o.entityId),
      url: 'https://fs.contoso.com/FederationMetadata/2007-06/FederationMetadata.xml',
      signature: signedBy(o.signer),
    },
    entra: o.entra ?? { kind: 'unknown', reason: 'Graph is not configured.' },
    ...o.extra,
  };
}
