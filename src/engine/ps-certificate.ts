import { decodeCertificate } from './certificate';
import { isObject, parsePsDate, pick, pickString } from './ps-json';
import type { CertInfo } from './types';

function rawDataBase64(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && raw.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) {
    return Buffer.from(raw as number[]).toString('base64');
  }
  return undefined;
}

/**
 * Reads a certificate as PowerShell's ConvertTo-Json writes an X509Certificate2 (Thumbprint,
 * NotBefore, NotAfter, Subject, RawData as bytes or base64), or a bare base64 string. With RawData
 * the DER is decoded; without it the listed fields are used and the SHA-256 stays unknown ('').
 */
export function parsePsCertificate(value: unknown): CertInfo | undefined {
  if (typeof value === 'string') {
    const decoded = decodeCertificate(value);
    return decoded.ok ? decoded.cert : undefined;
  }
  if (!isObject(value)) return undefined;
  const inner = pick(value, 'Certificate');
  if (isObject(inner)) return parsePsCertificate(inner);
  const raw = rawDataBase64(pick(value, 'RawData'));
  if (raw) {
    const decoded = decodeCertificate(raw);
    if (decoded.ok) return decoded.cert;
  }
  const thumbprint = pickString(value, 'Thumbprint');
  const notBefore = parsePsDate(pick(value, 'NotBefore'));
  const notAfter = parsePsDate(pick(value, 'NotAfter'));
  if (!thumbprint || !/^[0-9a-f]{40}$/i.test(thumbprint) || !notBefore || !notAfter)
    return undefined;
  const subject = pickString(value, 'Subject') ?? '';
  return {
    base64: '',
    subject,
    issuer: pickString(value, 'Issuer') ?? '',
    serialNumber: pickString(value, 'SerialNumber') ?? '',
    notBefore,
    notAfter,
    thumbprintSha1: thumbprint.toUpperCase(),
    thumbprintSha256: '',
    keyAlgorithm: 'unknown',
    selfSigned: subject !== '' && subject === pickString(value, 'Issuer'),
  };
}
