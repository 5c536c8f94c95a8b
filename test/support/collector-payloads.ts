import type { CertInfo } from '../../src/engine/types';

/** A generated certificate, or one read from a fixture. */
export type AnyCert = { info: CertInfo };

/**
 * Bodies exactly as collector/Send-FedTrustSnapshot.ps1 sends them: its ordered hashtables through
 * `ConvertTo-Json -Depth 6 -Compress`. Windows PowerShell 5.1 writes DateTime as "\/Date(ms)\/"
 * (slashes escaped); PowerShell 7 writes ISO 8601 with the local offset.
 */
export type PsEdition = '5.1' | '7';

function psDate(date: Date, edition: PsEdition): string {
  if (edition === '5.1') return `\\/Date(${date.getTime()})\\/`;
  // A Windows server two hours east of UTC, as PowerShell 7 writes a Local DateTime.
  const local = new Date(date.getTime() + 2 * 3_600_000).toISOString().replace('Z', '');
  return `${local.slice(0, 19)}+02:00`;
}

/** ConvertTo-CertInfo in the script. */
export function certInfo(cert: AnyCert | undefined, edition: PsEdition): unknown {
  if (!cert) return null;
  return {
    Subject: cert.info.subject,
    Issuer: cert.info.issuer,
    SerialNumber: cert.info.serialNumber,
    Thumbprint: cert.info.thumbprintSha1,
    NotBefore: `@@${psDate(cert.info.notBefore, edition)}@@`,
    NotAfter: `@@${psDate(cert.info.notAfter, edition)}@@`,
    RawData: cert.info.base64,
  };
}

export interface TrustCerts {
  tokenIssuer?: AnyCert;
  tokenIssuerPrev?: AnyCert;
  org?: AnyCert;
  orgPrev?: AnyCert;
  orgNext?: AnyCert;
  metadataEpr?: string;
}

export interface AdfsFacts {
  hostName: string;
  autoRollover: boolean;
  generation?: number;
  promotion?: number;
  certificates: { cert: AnyCert; isPrimary: boolean }[];
}

export const MFG_URL =
  'https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml';

/** The script's body for an Exchange server, an AD FS server, or a server with both. */
export function scriptBody(options: {
  organization: string;
  edition?: PsEdition;
  computerName?: string;
  trust?: TrustCerts;
  adfs?: AdfsFacts;
  collectedAt?: Date;
}): string {
  const edition = options.edition ?? '5.1';
  const body: Record<string, unknown> = {
    organization: options.organization,
    computerName: options.computerName ?? 'EX01',
    collectedAt: (options.collectedAt ?? new Date()).toISOString().replace('Z', '0000Z'),
    collectorVersion: '1.0',
  };
  const t = options.trust;
  if (t) {
    body.federationTrust = [
      {
        Name: 'Microsoft Federation Gateway',
        TokenIssuerMetadataEpr: t.metadataEpr ?? MFG_URL,
        TokenIssuerUri: 'urn:federation:MicrosoftOnline',
        ApplicationUri: 'FYDIBOHF25SPDLT.contoso.com',
        TokenIssuerCertificate: certInfo(t.tokenIssuer, edition),
        TokenIssuerPrevCertificate: certInfo(t.tokenIssuerPrev, edition),
        OrgCertificate: certInfo(t.org, edition),
        OrgPrevCertificate: certInfo(t.orgPrev, edition),
        OrgNextCertificate: certInfo(t.orgNext, edition),
      },
    ];
  }
  const a = options.adfs;
  if (a) {
    body.adfsProperties = {
      HostName: a.hostName,
      Identifier: `http://${a.hostName}/adfs/services/trust`,
      AutoCertificateRollover: a.autoRollover,
      CertificateGenerationThreshold: a.generation ?? 20,
      CertificatePromotionThreshold: a.promotion ?? 5,
      CertificateCriticalThreshold: 2,
      CertificateDuration: 365,
    };
    body.adfsCertificates = a.certificates.map((c) => ({
      CertificateType: 'Token-Signing',
      IsPrimary: c.isPrimary,
      Thumbprint: c.cert.info.thumbprintSha1,
      Certificate: certInfo(c.cert, edition),
    }));
  }
  // JSON.stringify would escape the backslash of "\/": splice the dates in as PowerShell writes them.
  return JSON.stringify(body).replace(
    /"@@(.*?)@@"/g,
    (_m, date: string) => `"${date.replace(/\\\\/g, '\\')}"`,
  );
}
