import { XMLParser } from 'fast-xml-parser';
import { createCertificateDecoder } from './certificate';
import type { CertInfo } from './types';

/** Larger than any real metadata (AD FS ≈ 80 KB); the fetcher caps downloads at 2 MiB. */
export const MAX_METADATA_CHARS = 4 * 1024 * 1024;

export interface MetadataEndpoint {
  role: string;
  kind: string;
  url: string;
}

/** What a federation metadata document says about its signing keys (DESIGN §4 step 3). */
export interface ParsedMetadata {
  /** SAML 2.0 / WS-Federation 2007 EntityDescriptor, or the MFG's 2006-12 FederationMetadata. */
  format: 'saml2' | 'wsfed-2006-12';
  entityId: string;
  /** ID attribute of the signed root element, when it has one. */
  rootId?: string;
  /** Role descriptor types in document order (RoleDescriptor xsi:type, or the element name). */
  roles: string[];
  /** IdP signing certificates: use="signing" or no use, every role, de-duplicated, document order. */
  signingCerts: CertInfo[];
  encryptionCerts: CertInfo[];
  endpoints: MetadataEndpoint[];
  /** WS-Federation passive requestor endpoint, or the SAML SSO endpoint. */
  passiveSignInUrl?: string;
  /** Whether the root carries an enveloped ds:Signature. */
  hasSignature: boolean;
  /** The X509Certificate in the root signature's KeyInfo (base64), when present. */
  signatureCertBase64?: string;
  /** Certificates that could not be decoded, with the reason (shown, never fatal). */
  undecodable: string[];
  /**
   * The document was a federation aggregate (`EntitiesDescriptor`, DESIGN §6) and this entity was taken
   * from it: the aggregate's entities and its own signature (usually the federation operator's).
   */
  aggregate?: {
    entityIds: string[];
    hasSignature: boolean;
    signatureCertBase64?: string;
    rootId?: string;
  };
}

/** An entity that issues tokens: a SAML IdP or a WS-Federation security token service. */
function isIdp(m: ParsedMetadata): boolean {
  return m.roles.some((r) => r === 'IDPSSODescriptor' || r.startsWith('SecurityTokenService'));
}

/**
 * The entity of an aggregate to check (DESIGN §6): the one whose entityID is Entra's issuerUri
 * (compared case-insensitively, ignoring a trailing `/`), else the first with an IdP role, else the
 * first. Exported for the check, which knows the issuerUri only after parsing.
 */
export function selectEntity(
  entities: ParsedMetadata[],
  issuerUri: string | undefined,
): ParsedMetadata | undefined {
  const same = (a: string, b: string) =>
    a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
  return (
    (issuerUri ? entities.find((e) => same(e.entityId, issuerUri)) : undefined) ??
    entities.find(isIdp) ??
    entities[0]
  );
}

export type MetadataParseResult =
  { ok: true; metadata: ParsedMetadata } | { ok: false; reason: string };

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

/** The first element `name` below `node`; an empty element (parsed as '') counts as present. */
function firstElement(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const first: unknown = value[0];
  return first !== null && typeof first === 'object' ? (first as XmlNode) : {};
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object') {
    const value = (node as XmlNode)['#text'];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** Every X509Certificate text below a KeyInfo-like node, in order. */
function certificateTexts(keyInfoHolder: XmlNode): string[] {
  const out: string[] = [];
  const visit = (node: XmlNode): void => {
    for (const [key, value] of Object.entries(node)) {
      if (!Array.isArray(value)) continue;
      for (const item of value as unknown[]) {
        if (key === 'X509Certificate') {
          const t = text(item);
          if (t) out.push(t);
        } else if (item && typeof item === 'object') visit(item as XmlNode);
      }
    }
  };
  visit(keyInfoHolder);
  return out;
}

/** Every Address / Location below an endpoint element. */
function endpointUrls(node: XmlNode): string[] {
  const location = attr(node, 'Location');
  if (location) return [location];
  const urls: string[] = [];
  for (const epr of children(node, 'EndpointReference')) {
    for (const address of children(epr, 'Address')) {
      const t = text(address);
      if (t) urls.push(t);
    }
  }
  return urls;
}

/** Rejects what must never be parsed: DTDs and entity declarations (DESIGN §6). */
export function checkXmlSafety(xml: string): string | undefined {
  if (xml.length > MAX_METADATA_CHARS)
    return `document is larger than ${MAX_METADATA_CHARS} characters`;
  if (/<!DOCTYPE/i.test(xml)) return 'document has a DOCTYPE (refused: entity expansion)';
  if (/<!ENTITY/i.test(xml)) return 'document declares entities (refused)';
  return undefined;
}

class Collector {
  readonly signing: CertInfo[] = [];
  readonly encryption: CertInfo[] = [];
  readonly undecodable: string[] = [];
  private readonly decode = createCertificateDecoder();

  add(certText: string, use: 'signing' | 'encryption'): void {
    const result = this.decode(certText);
    if (!result.ok) {
      if (!this.undecodable.includes(result.reason)) this.undecodable.push(result.reason);
      return;
    }
    const list = use === 'signing' ? this.signing : this.encryption;
    if (!list.some((c) => c.thumbprintSha1 === result.cert.thumbprintSha1)) list.push(result.cert);
  }
}

function parseEntityDescriptor(entity: XmlNode): ParsedMetadata {
  const certs = new Collector();
  const roles: string[] = [];
  const endpoints: MetadataEndpoint[] = [];
  for (const [name, value] of Object.entries(entity)) {
    if (!name.endsWith('Descriptor') || !Array.isArray(value)) continue;
    for (const role of value as XmlNode[]) {
      const roleType = attr(role, 'type')?.replace(/^.*:/, '') ?? name;
      roles.push(roleType);
      for (const kd of children(role, 'KeyDescriptor')) {
        const use = attr(kd, 'use');
        const kind = use === 'encryption' ? 'encryption' : 'signing';
        if (use && use !== 'signing' && use !== 'encryption') continue;
        for (const c of certificateTexts(kd)) certs.add(c, kind);
      }
      for (const kind of [
        'PassiveRequestorEndpoint',
        'SingleSignOnService',
        'SecurityTokenServiceEndpoint',
      ]) {
        for (const ep of children(role, kind)) {
          for (const url of endpointUrls(ep)) endpoints.push({ role: roleType, kind, url });
        }
      }
    }
  }
  const signature = children(entity, 'Signature')[0];
  const passive =
    endpoints.find((e) => e.kind === 'PassiveRequestorEndpoint') ??
    endpoints.find((e) => e.kind === 'SingleSignOnService');
  return {
    format: 'saml2',
    entityId: attr(entity, 'entityID') ?? '',
    rootId: attr(entity, 'ID'),
    roles,
    signingCerts: certs.signing,
    encryptionCerts: certs.encryption,
    endpoints,
    passiveSignInUrl: passive?.url,
    hasSignature: signature !== undefined,
    signatureCertBase64: signature
      ? certificateTexts(signature)[0]?.replace(/\s+/g, '')
      : undefined,
    undecodable: certs.undecodable,
  };
}

/** The MFG's WS-Federation 2006-12 document: Federation/TokenSigningKeyInfo. */
function parseFederationMetadata2006(root: XmlNode): ParsedMetadata {
  const certs = new Collector();
  const endpoints: MetadataEndpoint[] = [];
  let entityId = '';
  for (const federation of children(root, 'Federation')) {
    for (const ki of children(federation, 'TokenSigningKeyInfo')) {
      for (const c of certificateTexts(ki)) certs.add(c, 'signing');
    }
    for (const ki of children(federation, 'TokenKeyTransferKeyInfo')) {
      for (const c of certificateTexts(ki)) certs.add(c, 'encryption');
    }
    entityId ||= text(children(federation, 'TokenIssuerName')[0]) ?? '';
    for (const ep of children(federation, 'TokenIssuerEndpoint')) {
      for (const url of [text(children(ep, 'Address')[0]), ...endpointUrls(ep)]) {
        if (url) endpoints.push({ role: 'Federation', kind: 'TokenIssuerEndpoint', url });
      }
    }
  }
  const signature = children(root, 'Signature')[0];
  return {
    format: 'wsfed-2006-12',
    entityId,
    rootId: attr(root, 'ID') ?? attr(root, 'Id'),
    roles: ['Federation'],
    signingCerts: certs.signing,
    encryptionCerts: certs.encryption,
    endpoints,
    hasSignature: signature !== undefined,
    signatureCertBase64: signature
      ? certificateTexts(signature)[0]?.replace(/\s+/g, '')
      : undefined,
    undecodable: certs.undecodable,
  };
}

/**
 * Parses federation metadata as AD FS, Entra ID, the MFG and third-party IdPs publish it.
 * Untrusted input: refuses DTDs/entities and documents that are not metadata, never throws.
 */
export function parseMetadata(
  xml: string,
  options: { issuerUri?: string } = {},
): MetadataParseResult {
  const body = xml.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { ok: false, reason: 'empty document (no root element)' };
  const unsafe = checkXmlSafety(body);
  if (unsafe) return { ok: false, reason: unsafe };
  let doc: XmlNode;
  try {
    doc = parser.parse(body, true) as XmlNode;
  } catch (error) {
    return {
      ok: false,
      reason: `not well-formed XML (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const entity = firstElement(doc, 'EntityDescriptor');
  if (entity) {
    const metadata = parseEntityDescriptor(entity);
    if (!metadata.entityId) return { ok: false, reason: 'EntityDescriptor has no entityID' };
    return { ok: true, metadata };
  }
  const aggregate = firstElement(doc, 'EntitiesDescriptor');
  if (aggregate !== undefined) {
    // Nested EntitiesDescriptors are flattened one level deep (InCommon, eduGAIN publish them flat).
    const entities = [
      ...children(aggregate, 'EntityDescriptor'),
      ...children(aggregate, 'EntitiesDescriptor').flatMap((g) => children(g, 'EntityDescriptor')),
    ]
      .map(parseEntityDescriptor)
      .filter((e) => e.entityId !== '');
    const chosen = selectEntity(entities, options.issuerUri);
    if (!chosen) return { ok: false, reason: 'EntitiesDescriptor holds no EntityDescriptor' };
    const signature = children(aggregate, 'Signature')[0];
    return {
      ok: true,
      metadata: {
        ...chosen,
        aggregate: {
          entityIds: entities.map((e) => e.entityId),
          hasSignature: signature !== undefined,
          signatureCertBase64: signature
            ? certificateTexts(signature)[0]?.replace(/\s+/g, '')
            : undefined,
          rootId: attr(aggregate, 'ID') ?? attr(aggregate, 'Id'),
        },
      },
    };
  }
  const federation = firstElement(doc, 'FederationMetadata');
  if (federation) return { ok: true, metadata: parseFederationMetadata2006(federation) };
  const root = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  return {
    ok: false,
    reason: root
      ? `not federation metadata (root element <${root}>)`
      : 'empty document (no root element)',
  };
}
