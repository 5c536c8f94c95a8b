import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { createCertificateDecoder } from './certificate';
import { checkXmlSafety, type ParsedMetadata } from './metadata-parser';

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Result of checking a metadata document's own enveloped signature. */
export type SignatureCheck =
  | { status: 'absent' }
  | { status: 'valid'; thumbprintSha1: string }
  | { status: 'invalid'; reason: string }
  /**
   * A federation aggregate signed with a key that is not the entity's own (DESIGN §6): the operator's
   * signature, verified or not — about the aggregate, not evidence for or against the IdP.
   */
  | {
      status: 'operator';
      verified: boolean;
      subject: string;
      thumbprintSha1: string;
      reason?: string;
    };

function toPem(base64: string): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

interface DomElementLike {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  childNodes: ArrayLike<DomElementLike>;
}

function rootSignature(root: DomElementLike): DomElementLike | undefined {
  for (let i = 0; i < root.childNodes.length; i++) {
    const node = root.childNodes[i];
    if (node?.nodeType === 1 && node.localName === 'Signature' && node.namespaceURI === DSIG_NS) {
      return node;
    }
  }
  return undefined;
}

/**
 * Verifies the root's enveloped XML signature (DESIGN §4 "Fixed formats"): with the certificate in
 * its KeyInfo, which must also be one of the document's signing certificates, and with a Reference
 * that covers the whole root element (no signature wrapping). Valid means cryptographically valid,
 * whatever the certificate's dates. For an aggregate, the aggregate's signature: by the entity's own
 * key it counts as the entity's; by another (the federation operator's) it is reported as the
 * operator's, verified or not.
 */
export function verifyMetadataSignature(xml: string, metadata: ParsedMetadata): SignatureCheck {
  const aggregate = metadata.aggregate;
  const signed = aggregate
    ? { has: aggregate.hasSignature, cert: aggregate.signatureCertBase64, rootId: aggregate.rootId }
    : { has: metadata.hasSignature, cert: metadata.signatureCertBase64, rootId: metadata.rootId };
  if (!signed.has) return { status: 'absent' };
  const keyCert = signed.cert;
  if (!keyCert)
    return { status: 'invalid', reason: 'the signature carries no X509Certificate in its KeyInfo' };
  const signer = metadata.signingCerts.find((c) => c.base64 === keyCert);
  if (!signer && !aggregate) {
    return {
      status: 'invalid',
      reason: "the signature key is not one of the document's signing certificates",
    };
  }
  const problem = checkRootSignature(xml, keyCert, signed.rootId);
  if (signer)
    return problem
      ? { status: 'invalid', reason: problem }
      : { status: 'valid', thumbprintSha1: signer.thumbprintSha1 };
  const operator = createCertificateDecoder()(keyCert);
  return {
    status: 'operator',
    verified: problem === undefined,
    subject: operator.ok ? operator.cert.subject : 'an undecodable certificate',
    thumbprintSha1: operator.ok ? operator.cert.thumbprintSha1 : '',
    ...(problem ? { reason: problem } : {}),
  };
}

/** Why the document root's signature does not verify with `keyCert`, or undefined when it does. */
function checkRootSignature(
  xml: string,
  keyCert: string,
  rootId: string | undefined,
): string | undefined {
  const body = xml.replace(/^\uFEFF/, '');
  if (checkXmlSafety(body)) return 'document refused';
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (m) => errors.push(String(m)),
      fatalError: (m) => errors.push(String(m)),
    },
  }).parseFromString(body, 'text/xml');
  const root = doc.documentElement as unknown as DomElementLike | null;
  const signatureNode = root ? rootSignature(root) : undefined;
  if (!root || !signatureNode || errors.length > 0)
    return 'the signature element could not be read';
  try {
    const sig = new SignedXml({ publicCert: toPem(keyCert), getCertFromKeyInfo: () => null });
    // Look the signed element up by the attribute that names the root only (xml-crypto scans the whole
    // document once per candidate attribute: three scans for Id, ID and id). Still safe against
    // wrapping: the root carries the referenced value under that attribute, and xml-crypto refuses a
    // value held by more than one element, so the element it verifies is the root.
    const element = root as unknown as { getAttribute(name: string): string | null };
    sig.idAttributes = [element.getAttribute('ID') === rootId ? 'ID' : 'Id'];
    sig.loadSignature(signatureNode as unknown as Node);
    const uris = sig.getReferences().map((r) => r.uri ?? '');
    const covers = uris.some((u) => u === '' || (rootId !== undefined && u === `#${rootId}`));
    if (!covers) return 'the signature does not cover the document root';
    if (!sig.checkSignature(body)) return 'the signature does not verify';
  } catch (error) {
    const message = (error as Error).message;
    return /digest/i.test(message)
      ? 'the document was changed after it was signed (digest mismatch)'
      : 'the signature value does not verify with its certificate';
  }
  return undefined;
}
