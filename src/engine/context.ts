import { ADFS_DEFAULTS, isSnapshotStale, type AdfsSnapshot } from './adfs-snapshot';
import { addDays, daysLeft } from './certificate';
import { determineSigner, type SignerChoice } from './signer';
import type { DomainAssessmentInput } from './assessment-input';
import type { EntraFederation, EntraSlot } from './entra-federation';
import type { CertInfo } from './types';

/** Facts every rule reads, derived once from the input (DESIGN §4 "Terms"). */
export interface RuleContext {
  input: DomainAssessmentInput;
  now: Date;
  /** D: the federated Entra domain, else the domain checked. */
  federatedDomain: string;
  generationDays: number;
  promotionDays: number;
  criticalDays: number;
  adfsShaped: boolean;
  /** Snapshot first, then the admin's answer; undefined = unknown. */
  autoRollover?: boolean;
  federation?: EntraFederation;
  /** The AD FS snapshot's token-signing certificates; none when the snapshot is stale. */
  adfsTokenSigning: AdfsSnapshot['tokenSigning'];
  /** IdP signing certificates: metadata (use signing or none) and snapshot, de-duplicated. */
  idpCerts: CertInfo[];
  signer?: SignerChoice;
  successor?: CertInfo;
  /** Whether the successor is held (without Entra's side: whenever it is published). */
  successorHeld: boolean;
  signerHeld: boolean;
  /** successor.notBefore + P, or signer.notAfter − (G − P) without a successor. */
  promotionAt?: Date;
  /** d(signer). */
  daysLeft?: number;
}

export function slotHolding(
  federation: EntraFederation | undefined,
  thumbprint: string,
): EntraSlot | undefined {
  return federation?.slots.find((s) => s.cert?.thumbprintSha1 === thumbprint);
}

function isAdfsShaped(input: DomainAssessmentInput): boolean {
  if (input.adfs) return true;
  if (
    input.metadata?.parsed.entityId
      .toLowerCase()
      .replace(/\/$/, '')
      .endsWith('/adfs/services/trust')
  )
    return true;
  const passive = [
    input.passiveSignInUrl,
    input.entra.kind === 'federated' ? input.entra.federation.passiveSignInUri : undefined,
  ];
  return passive.some((url) => {
    try {
      return url !== undefined && new URL(url).pathname.toLowerCase().startsWith('/adfs/');
    } catch {
      return false;
    }
  });
}

function unique(certs: CertInfo[]): CertInfo[] {
  const seen = new Set<string>();
  return certs.filter((c) => !seen.has(c.thumbprintSha1) && seen.add(c.thumbprintSha1));
}

/** Derives the rule context. Pure: same input, same context. */
export function buildRuleContext(input: DomainAssessmentInput): RuleContext {
  const { now } = input;
  // A stale snapshot still tells the configuration (auto-rollover, thresholds), which rarely
  // changes, but not which certificate is primary today.
  const adfs =
    input.adfs && isSnapshotStale(input.adfs, now)
      ? { ...input.adfs, tokenSigning: [] }
      : input.adfs;
  const generationDays = adfs?.generationThresholdDays ?? ADFS_DEFAULTS.generation;
  const promotionDays = adfs?.promotionThresholdDays ?? ADFS_DEFAULTS.promotion;
  const federation = input.entra.kind === 'federated' ? input.entra.federation : undefined;
  const idpCerts = unique([
    ...(input.metadata?.parsed.signingCerts ?? []),
    ...(adfs?.tokenSigning.map((t) => t.cert) ?? []),
  ]);
  const signer = determineSigner({
    idpCerts,
    adfs,
    signature: input.metadata?.signature,
    promotionDays,
    now,
  });
  const successors = signer ? idpCerts.filter((c) => c.notAfter > signer.cert.notAfter) : [];
  const successor = successors.reduce<CertInfo | undefined>(
    (a, b) => (!a || b.notBefore > a.notBefore ? b : a),
    undefined,
  );
  const held = (c: CertInfo): boolean =>
    federation ? slotHolding(federation, c.thumbprintSha1) !== undefined : true;
  let promotionAt: Date | undefined;
  if (successor) promotionAt = addDays(successor.notBefore, promotionDays);
  else if (signer) promotionAt = addDays(signer.cert.notAfter, -(generationDays - promotionDays));
  return {
    input,
    now,
    federatedDomain: input.entra.kind === 'federated' ? input.entra.federatedDomain : input.domain,
    generationDays,
    promotionDays,
    criticalDays: adfs?.criticalThresholdDays ?? ADFS_DEFAULTS.critical,
    adfsTokenSigning: adfs?.tokenSigning ?? [],
    adfsShaped: isAdfsShaped(input),
    autoRollover: adfs?.autoCertificateRollover ?? input.autoRolloverFact,
    federation,
    idpCerts,
    signer,
    successor,
    successorHeld: successor !== undefined && held(successor),
    signerHeld: signer !== undefined && federation !== undefined && held(signer.cert),
    promotionAt,
    daysLeft: signer ? daysLeft(signer.cert, now) : undefined,
  };
}
