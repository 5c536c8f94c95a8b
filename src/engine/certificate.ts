// @peculiar/x509 relies on the reflect-metadata polyfill; importing it here keeps the engine self-contained.
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { X509Certificate } from '@peculiar/x509';
import type { CertInfo } from './types';

const DAY_MS = 86_400_000;

/** Outcome of decoding untrusted certificate text. */
export type DecodeResult = { ok: true; cert: CertInfo } | { ok: false; reason: string };

/** Strips whitespace and PEM armour so base64 from XML, JSON or PowerShell compares equal. */
export function normalizeBase64(text: string): string {
  return text
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
    .trim();
}

function describeKey(cert: X509Certificate): { keyAlgorithm: string; keySize?: number } {
  const alg = cert.publicKey.algorithm as {
    name: string;
    modulusLength?: number;
    namedCurve?: string;
  };
  if (alg.modulusLength) return { keyAlgorithm: 'RSA', keySize: alg.modulusLength };
  if (alg.namedCurve) {
    const bits = Number(/(\d+)/.exec(alg.namedCurve)?.[1]);
    return {
      keyAlgorithm: `EC ${alg.namedCurve}`,
      keySize: Number.isFinite(bits) ? bits : undefined,
    };
  }
  return { keyAlgorithm: alg.name };
}

/**
 * Decodes one base64 (or PEM) certificate. Never throws: bad input is a result.
 * Thumbprints come from node:crypto over the DER (microseconds, DESIGN §8), not WebCrypto.
 *
 * @example decodeCertificate(xmlText).ok && cert.thumbprintSha1 // 'E3140DC2…'
 */
export function decodeCertificate(text: string): DecodeResult {
  const base64 = normalizeBase64(text);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length < 64) {
    return { ok: false, reason: 'not base64-encoded DER' };
  }
  const der = Buffer.from(base64, 'base64');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (error) {
    return { ok: false, reason: `not an X.509 certificate (${(error as Error).message})` };
  }
  return {
    ok: true,
    cert: {
      base64: der.toString('base64'),
      subject: cert.subject,
      issuer: cert.issuer,
      serialNumber: cert.serialNumber.toUpperCase(),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
      thumbprintSha256: createHash('sha256').update(der).digest('hex'),
      ...describeKey(cert),
      selfSigned: cert.subject === cert.issuer,
    },
  };
}

/**
 * Decodes certificates once per distinct text (real AD FS metadata repeats each 3–4 times).
 */
export function createCertificateDecoder(): (text: string) => DecodeResult {
  const seen = new Map<string, DecodeResult>();
  return (text) => {
    const key = normalizeBase64(text);
    let result = seen.get(key);
    if (!result) {
      result = decodeCertificate(key);
      seen.set(key, result);
    }
    return result;
  };
}

/** notBefore ≤ now < notAfter (DESIGN §4 "valid"). */
export function isValidAt(cert: Pick<CertInfo, 'notBefore' | 'notAfter'>, now: Date): boolean {
  return cert.notBefore.getTime() <= now.getTime() && now.getTime() < cert.notAfter.getTime();
}

/** d(c) = floor((c.notAfter − now) / 86 400 s) (DESIGN §4). Negative once expired. */
export function daysLeft(cert: Pick<CertInfo, 'notAfter'>, now: Date): number {
  return Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY_MS);
}

/** `date` shifted by a (possibly fractional or negative) number of days. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** `date` shifted by hours. */
export function addHours(date: Date, hours: number): Date {
  return new Date(date.getTime() + hours * 3_600_000);
}
