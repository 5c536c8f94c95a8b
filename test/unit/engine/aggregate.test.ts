import { webcrypto } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { assessDomain } from '../../../src/engine/assess-domain';
import { parseMetadata } from '../../../src/engine/metadata-parser';
import { verifyMetadataSignature } from '../../../src/engine/signature';
import { makeCert, testKeys } from '../../support/certs';
import { adfsMetadata } from '../../support/metadata-xml';
import { scenario } from '../../support/scenario';

/**
 * Federation aggregates (DESIGN §6, issue #12 item 7): an `EntitiesDescriptor` signed by the
 * federation's operator. The entity checked is the one Entra trusts (its issuerUri), else the IdP;
 * the operator's signature is reported as the operator's — verified or not — never as the IdP's
 * invalid signature. Signed here for real with xml-crypto and a generated operator certificate.
 */
const NOW = new Date('2026-12-07T00:00:00Z');
const CONTOSO = 'http://fs.contoso.com/adfs/services/trust';
const FABRIKAM = 'http://fs.fabrikam.com/adfs/services/trust';

async function pem(): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', (await testKeys()).privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function signedAggregate(signWith: 'operator' | 'contoso' = 'operator') {
  const valid = [new Date('2026-01-01T00:00:00Z'), new Date('2027-06-01T00:00:00Z')] as const;
  const contoso = await makeCert('CN=ADFS Signing - fs.contoso.com', ...valid);
  const fabrikam = await makeCert('CN=ADFS Signing - fs.fabrikam.com', ...valid);
  const operator = await makeCert('CN=Example Federation Metadata Signer', ...valid);
  const body = (xml: string) => xml.replace(/^<\?xml[^>]*\?>/, '');
  const sp = `<EntityDescriptor entityID="https://sp.example.org/shibboleth"><SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${operator.info.base64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor></SPSSODescriptor></EntityDescriptor>`;
  const unsigned = `<EntitiesDescriptor ID="_aggregate" Name="urn:example:federation" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">${sp}${body(adfsMetadata('fs.contoso.com', [contoso.info]))}${body(adfsMetadata('fs.fabrikam.com', [fabrikam.info]))}</EntitiesDescriptor>`;
  const sig = new SignedXml({
    privateKey: await pem(),
    publicCert: (signWith === 'operator' ? operator : contoso).x509.toString('pem'),
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: "/*[local-name(.)='EntitiesDescriptor']",
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(unsigned, {
    location: { reference: "/*[local-name(.)='EntitiesDescriptor']", action: 'prepend' },
  });
  return { xml: sig.getSignedXml(), contoso, fabrikam, operator };
}

describe('a federation aggregate signed by its operator', () => {
  it('checks the entity Entra trusts, else the first IdP — never the SP listed first', async () => {
    const { xml, contoso, fabrikam } = await signedAggregate();
    const first = parseMetadata(xml);
    expect(first.ok && first.metadata.entityId).toBe(CONTOSO);
    const byIssuer = parseMetadata(xml, { issuerUri: `${FABRIKAM}/`.toUpperCase() });
    if (!first.ok || !byIssuer.ok) throw new Error('not parsed');
    expect(byIssuer.metadata.entityId).toBe(FABRIKAM);
    expect(byIssuer.metadata.signingCerts.map((c) => c.thumbprintSha1)).toEqual([
      fabrikam.info.thumbprintSha1,
    ]);
    expect(first.metadata.signingCerts.map((c) => c.thumbprintSha1)).toEqual([
      contoso.info.thumbprintSha1,
    ]);
    expect(first.metadata.aggregate?.entityIds).toHaveLength(3);
  });

  it("reports the operator's signature as the operator's, verified, and no invalid signature of the IdP", async () => {
    const { xml, contoso, operator } = await signedAggregate();
    const parsed = parseMetadata(xml);
    if (!parsed.ok) throw new Error(parsed.reason);
    const signature = verifyMetadataSignature(xml, parsed.metadata);
    expect(signature).toEqual({
      status: 'operator',
      verified: true,
      subject: operator.info.subject,
      thumbprintSha1: operator.info.thumbprintSha1,
    });
    const input = scenario({ now: NOW, published: [contoso.info] });
    const a = assessDomain({
      ...input,
      metadata: { ...input.metadata!, parsed: parsed.metadata, signature },
    });
    const codes = a.findings.map((f) => f.code);
    expect(codes).toContain('METADATA_AGGREGATE');
    expect(codes).not.toContain('METADATA_SIGNATURE_INVALID');
    expect(a.findings.find((f) => f.code === 'METADATA_AGGREGATE')?.message).toContain(
      'the signature verifies',
    );
  });

  it('says when the operator signature does not verify, still not as the IdP’s', async () => {
    const { xml, contoso } = await signedAggregate();
    const altered = xml.replace('https://fs.contoso.com/adfs/ls/', 'https://evil.example/adfs/ls/');
    const parsed = parseMetadata(altered);
    if (!parsed.ok) throw new Error(parsed.reason);
    const signature = verifyMetadataSignature(altered, parsed.metadata);
    expect(signature).toMatchObject({ status: 'operator', verified: false });
    const input = scenario({ now: NOW, published: [contoso.info] });
    const a = assessDomain({
      ...input,
      metadata: { ...input.metadata!, parsed: parsed.metadata, signature },
    });
    expect(a.findings.map((f) => f.code)).not.toContain('METADATA_SIGNATURE_INVALID');
    expect(a.findings.find((f) => f.code === 'METADATA_AGGREGATE')?.message).toMatch(
      /the signature does not verify; that says nothing about the IdP/,
    );
  });

  it('counts an aggregate signed with the IdP’s own key as the IdP’s signature', async () => {
    const { xml, contoso } = await signedAggregate('contoso');
    const parsed = parseMetadata(xml);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(verifyMetadataSignature(xml, parsed.metadata)).toEqual({
      status: 'valid',
      thumbprintSha1: contoso.info.thumbprintSha1,
    });
    const altered = xml.replace('https://fs.contoso.com/adfs/ls/', 'https://evil.example/adfs/ls/');
    const again = parseMetadata(altered);
    if (!again.ok) throw new Error(again.reason);
    expect(verifyMetadataSignature(altered, again.metadata)).toMatchObject({ status: 'invalid' });
  });
});

describe('signature wrapping of an aggregate', () => {
  it('an outer aggregate naming the signed ID under Id, the signed original nested inside, is never verified', async () => {
    const { xml, contoso } = await signedAggregate('contoso');
    const attacker = await makeCert(
      'CN=ADFS Signing - attacker',
      new Date('2026-01-01T00:00:00Z'),
      new Date('2030-01-01T00:00:00Z'),
    );
    const signature = /<Signature[\s\S]*<\/Signature>/.exec(xml)![0];
    // The signed aggregate keeps ID="_aggregate"; its signature moves to an attacker root that names
    // the same value under Id, beside an entity offering the attacker's key with contoso's.
    const original = xml.replace(/^<\?xml[^>]*\?>/, '').replace(signature, '');
    const evil = adfsMetadata('fs.contoso.com', [contoso.info, attacker.info]).replace(
      /^<\?xml[^>]*\?>/,
      '',
    );
    const wrapped = `<EntitiesDescriptor Id="_aggregate" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">${signature}${evil}${original}</EntitiesDescriptor>`;
    const parsed = parseMetadata(wrapped, { issuerUri: CONTOSO });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.metadata.signingCerts.map((c) => c.thumbprintSha1)).toContain(
      attacker.info.thumbprintSha1,
    );
    const check = verifyMetadataSignature(wrapped, parsed.metadata);
    expect(check.status === 'valid' || (check.status === 'operator' && check.verified)).toBe(false);
  });
});
