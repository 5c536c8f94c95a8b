import { addDays, isValidAt } from './certificate';
import type { AdfsSnapshot } from './adfs-snapshot';
import type { SignatureCheck } from './signature';
import type { CertInfo, SignerMethod } from './types';

export interface SignerChoice {
  cert: CertInfo;
  method: SignerMethod;
}

/** Human words for how the signer was found (the card says which way). */
export const SIGNER_METHOD_TEXT: Record<SignerMethod, string> = {
  'adfs-primary': 'the AD FS snapshot marks it IsPrimary',
  'metadata-signature': 'it signs the federation metadata (AD FS signs with its primary key)',
  'only-valid': 'it is the only valid signing certificate published',
  'rollover-order':
    'rollover order: the older certificate until the newest is promotion-old, then the newest',
  'last-expired': 'no published certificate is valid; this one expired last',
  'auth-config':
    "Get-AuthConfig's current certificate (the next one from its effective date + 12 h)",
};

/**
 * The certificate the IdP signs tokens with now (DESIGN §4 "signer"), in this order: the AD FS
 * snapshot's IsPrimary certificate; the KeyInfo certificate of the metadata's valid signature; the
 * only valid IdP signing certificate; among several valid, the one expiring first until the newest
 * one's notBefore + P days, then the newest. When none is valid, the one that expired last, so that
 * CERT_EXPIRED can say so.
 */
export function determineSigner(input: {
  idpCerts: CertInfo[];
  adfs?: AdfsSnapshot;
  signature?: SignatureCheck;
  promotionDays: number;
  now: Date;
}): SignerChoice | undefined {
  const primary = input.adfs?.tokenSigning.find((t) => t.isPrimary);
  if (primary) return { cert: primary.cert, method: 'adfs-primary' };
  if (input.signature?.status === 'valid') {
    const { thumbprintSha1 } = input.signature;
    const cert = input.idpCerts.find((c) => c.thumbprintSha1 === thumbprintSha1);
    if (cert) return { cert, method: 'metadata-signature' };
  }
  const valid = input.idpCerts.filter((c) => isValidAt(c, input.now));
  const [only] = valid;
  if (only && valid.length === 1) return { cert: only, method: 'only-valid' };
  if (only) {
    const firstExpiring = valid.reduce((a, b) => (b.notAfter < a.notAfter ? b : a));
    const newest = valid.reduce((a, b) => (b.notBefore > a.notBefore ? b : a));
    const promoted = addDays(newest.notBefore, input.promotionDays) <= input.now;
    return { cert: promoted ? newest : firstExpiring, method: 'rollover-order' };
  }
  const expired = input.idpCerts.filter((c) => c.notAfter <= input.now);
  if (expired.length === 0) return undefined;
  return {
    cert: expired.reduce((a, b) => (b.notAfter > a.notAfter ? b : a)),
    method: 'last-expired',
  };
}
