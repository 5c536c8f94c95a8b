import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { decodeCertificate } from '../../../src/engine/certificate';
import { TEST_RSA, testKeys } from '../../support/certs';

/**
 * decodeCertificate reads with node:crypto (the CLI starts without @peculiar/x509's ASN.1 stack);
 * @peculiar/x509, which earlier releases decoded with, is the independent oracle here: subjects,
 * issuers, serials, dates and keys read the same for the shapes real IdPs use and the awkward ones.
 */
async function issue(
  name: string,
  serialNumber: string,
  algorithm: RsaHashedKeyGenParams | EcKeyGenParams = TEST_RSA,
) {
  // The suite's RSA key pair (test/support/certs.ts); a fresh pair only for another algorithm.
  const keys =
    algorithm === TEST_RSA
      ? await testKeys()
      : await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber,
    name,
    notBefore: new Date('2025-03-01T08:00:00Z'),
    notAfter: new Date('2050-03-01T08:00:00Z'), // past 2049: GeneralizedTime
    signingAlgorithm: 'namedCurve' in algorithm ? { ...algorithm, hash: 'SHA-256' } : algorithm,
    keys,
  });
}

describe('decodeCertificate reads what @peculiar/x509 reads', () => {
  it.each([
    ['an AD FS token-signing subject', 'CN=ADFS Signing - fs.contoso.com', '1f'],
    [
      'several RDNs in encoded order',
      'C=US, O=Contoso Ltd, OU=Identity, CN=sts.contoso.com',
      '0a0b',
    ],
    ['an e-mail attribute', 'CN=idp, E=admin@contoso.com', '7fff'],
    ['a value with a comma and a plus', 'CN=Contoso\\, Inc. \\+ Fabrikam', '0100'],
    ['non-ASCII text', 'CN=Société Générale ✓, O=Ünïcode', '42'],
    ['a serial whose top bit needs a sign byte', 'CN=serial', '00ff00ff'],
    ['a negative serial', 'CN=negative', 'b1188cd2385e15984a938f580f448ad5'],
  ])('%s', async (_what, name, serialNumber) => {
    const cert = await issue(name, serialNumber);
    const decoded = decodeCertificate(cert.toString('base64'));
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.cert).toMatchObject({
      subject: cert.subject,
      issuer: cert.issuer,
      serialNumber: cert.serialNumber.toUpperCase(),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      keyAlgorithm: 'RSA',
      keySize: 2048,
      selfSigned: true,
    });
  });

  it.each([
    ['P-256', 256],
    ['P-384', 384],
  ] as const)('an EC %s key', async (namedCurve, bits) => {
    const cert = await issue('CN=ec', '05', { name: 'ECDSA', namedCurve });
    const decoded = decodeCertificate(cert.toString('base64'));
    expect(decoded).toMatchObject({
      ok: true,
      cert: { keyAlgorithm: `EC ${namedCurve}`, keySize: bits },
    });
  });

  it('refuses DER that is not a certificate with a fixed reason, not the library text', () => {
    const bogus = Buffer.alloc(300, 0x30).toString('base64');
    expect(decodeCertificate(bogus)).toEqual({
      ok: false,
      reason: 'not an X.509 certificate (its DER does not decode)',
    });
  });
});
