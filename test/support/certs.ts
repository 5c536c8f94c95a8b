import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { decodeCertificate } from '../../src/engine/certificate';
import type { CertInfo } from '../../src/engine/types';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** The RSA key and signature algorithm of AD FS's token-signing certificates. */
export const TEST_RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
let keysPromise: Promise<CryptoKeyPair> | undefined;

/** One RSA key pair per test process: generating keys is the slow part, certificates are cheap. */
export function testKeys(): Promise<CryptoKeyPair> {
  keysPromise ??= webcrypto.subtle.generateKey(TEST_RSA, true, [
    'sign',
    'verify',
  ]) as Promise<CryptoKeyPair>;
  return keysPromise;
}

let serial = 1;

export interface GeneratedCert {
  info: CertInfo;
  x509: x509.X509Certificate;
  keys: CryptoKeyPair;
}

/** A self-signed certificate with the given subject and validity, as AD FS would make one. */
export async function makeCert(
  subject: string,
  notBefore: Date,
  notAfter: Date,
): Promise<GeneratedCert> {
  const keys = await testKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(16, '0'),
    name: subject,
    notBefore,
    notAfter,
    signingAlgorithm: TEST_RSA,
    keys,
  });
  const decoded = decodeCertificate(cert.toString('base64'));
  if (!decoded.ok) throw new Error(decoded.reason);
  return { info: decoded.cert, x509: cert, keys };
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export function at(base: Date, days: number, hours = 0): Date {
  return new Date(base.getTime() + days * DAY + hours * HOUR);
}
