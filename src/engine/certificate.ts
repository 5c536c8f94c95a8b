import { createHash, X509Certificate } from 'node:crypto';
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

/** The NIST names admins know, for OpenSSL's curve names. */
const CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

function describeKey(cert: X509Certificate): { keyAlgorithm: string; keySize?: number } {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (details.modulusLength) return { keyAlgorithm: 'RSA', keySize: details.modulusLength };
  if (details.namedCurve) {
    const curve = CURVES[details.namedCurve] ?? details.namedCurve;
    const bits = Number(/(\d+)/.exec(curve)?.[1]);
    return { keyAlgorithm: `EC ${curve}`, keySize: Number.isFinite(bits) ? bits : undefined };
  }
  return { keyAlgorithm: key.asymmetricKeyType ?? 'unknown' };
}

/**
 * A DER element's content: [start, end) of the element at `at` (short and long length forms only, as
 * DER has; undefined when it does not fit in `der`).
 */
function element(der: Buffer, at: number): { tag: number; start: number; end: number } | undefined {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) return undefined;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] ?? NaN);
    start += bytes;
  }
  const end = start + length;
  return Number.isFinite(end) && end <= der.length ? { tag, start, end } : undefined;
}

/**
 * The serial number in hex, upper case: its DER bytes without the sign byte a positive serial needs
 * (a negative serial as its two's complement), as earlier releases showed it — not the signed integer
 * OpenSSL prints.
 */
function serialHex(der: Buffer): string | undefined {
  const certificate = element(der, 0);
  const tbs = certificate && element(der, certificate.start);
  if (!tbs) return undefined;
  let field = element(der, tbs.start);
  if (field?.tag === 0xa0) field = element(der, field.end); // [0] version
  if (field?.tag !== 0x02 || field.end <= field.start) return undefined;
  const signByte = field.end - field.start > 1 && der[field.start] === 0 ? 1 : 0;
  return der
    .subarray(field.start + signByte, field.end)
    .toString('hex')
    .toUpperCase();
}

/** A distinguished name as "CN=…, O=…" in the certificate's order (OpenSSL writes one per line). */
function distinguishedName(multiline: string): string {
  return multiline
    .split('\n')
    .map((rdn) => rdn.replace(/^emailAddress=/, 'E='))
    .join(', ');
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
  let serialNumber: string | undefined;
  let notBefore: Date;
  let notAfter: Date;
  try {
    cert = new X509Certificate(der);
    serialNumber = serialHex(der);
    notBefore = new Date(cert.validFrom);
    notAfter = new Date(cert.validTo);
  } catch {
    return { ok: false, reason: 'not an X.509 certificate (its DER does not decode)' };
  }
  if (!serialNumber || Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime()))
    return { ok: false, reason: 'not an X.509 certificate (its DER does not decode)' };
  const subject = distinguishedName(cert.subject);
  const issuer = distinguishedName(cert.issuer);
  return {
    ok: true,
    cert: {
      base64: der.toString('base64'),
      subject,
      issuer,
      serialNumber,
      notBefore,
      notAfter,
      thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
      thumbprintSha256: createHash('sha256').update(der).digest('hex'),
      ...describeKey(cert),
      selfSigned: subject === issuer,
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
