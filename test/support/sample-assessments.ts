import { assessDomain } from '../../src/engine/assess-domain';
import { parseMetadata } from '../../src/engine/metadata-parser';
import { verifyMetadataSignature } from '../../src/engine/signature';
import type { Assessment, CertInfo, Finding, FindingCode } from '../../src/engine/types';
import { at, makeCert } from './certs';
import { readFixture } from './fixtures';
import { federated, federationOf, scenario } from './scenario';

export const NOW = new Date('2026-11-22T09:00:00Z');

/** The real AD FS metadata of sts.ait.dtu.dk, Entra holding its signer: a healthy check. */
export function healthyAssessment(): Assessment {
  const xml = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
  const parsed = parseMetadata(xml);
  if (!parsed.ok) throw new Error(parsed.reason);
  const signer = parsed.metadata.signingCerts[0]!;
  return assessDomain({
    domain: 'contoso.com',
    now: NOW,
    leadDays: 7,
    mode: 'on-demand',
    metadata: {
      parsed: parsed.metadata,
      url: 'https://sts.ait.dtu.dk/FederationMetadata/2007-06/FederationMetadata.xml',
      signature: verifyMetadataSignature(xml, parsed.metadata),
    },
    entra: federated(
      federationOf(signer, undefined, {
        issuerUri: 'http://contoso.com/adfs/services/trust',
        passiveSignInUri: 'https://sts.ait.dtu.dk/adfs/ls/',
      }),
    ),
  });
}

/** AD FS generated a successor 3 days ago that Entra has not picked up: a warning with a full remedy. */
export async function rolloverWarningAssessment(
  subject = 'CN=ADFS Signing - fs.contoso.com',
): Promise<Assessment> {
  const expiry = at(NOW, 17);
  const signer = (await makeCert(subject, at(expiry, -365), expiry)).info;
  const next = (await makeCert(subject, at(expiry, -20), at(expiry, 345))).info;
  return assessDomain(
    scenario({
      now: NOW,
      published: [signer, next],
      signer,
      entra: federated(federationOf(signer)),
    }),
  );
}

/** The worst case a card must hold: 6 certificates and 20 findings, each with a full remedy. */
export async function worstCaseAssessment(): Promise<Assessment> {
  const certs: CertInfo[] = [];
  for (let i = 0; i < 6; i++)
    certs.push(
      (
        await makeCert(
          `CN=ADFS Signing - fs${i}.contoso.com`,
          at(NOW, -300 + i),
          at(NOW, 10 + i * 30),
        )
      ).info,
    );
  const base = assessDomain(
    scenario({
      now: NOW,
      published: certs.slice(0, 3),
      signer: certs[0],
      entra: federated(federationOf(certs[3], certs[4])),
    }),
  );
  const codes: FindingCode[] = [
    'SIGNER_NOT_IN_ENTRA',
    'NEXT_CERT_NOT_IN_ENTRA',
    'ENTRA_UNKNOWN_CERT',
    'ISSUER_MISMATCH',
    'TLS_CERT_EXPIRING',
  ];
  const findings: Finding[] = Array.from({ length: 20 }, (_, i) => ({
    code: codes[i % codes.length]!,
    severity: i < 4 ? 'critical' : i < 12 ? 'warning' : 'info',
    message: `Finding ${i + 1}: ${certs[i % 6]!.subject} (${certs[i % 6]!.thumbprintSha1}) needs attention before ${certs[i % 6]!.notAfter.toISOString().slice(0, 10)}.`,
    remedy: `Connect-MgGraph -Scopes 'Domain.ReadWrite.All'\nUpdate-MgDomainFederationConfiguration -DomainId 'contoso.com' -InternalDomainFederationId '6601d14b-d113-8f64-fda2-9b5ddda18ecc' -NextSigningCertificate '${certs[i % 6]!.base64}'`,
    runbook:
      'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-fed-o365-certs',
    thumbprint: certs[i % 6]!.thumbprintSha1,
  }));
  return {
    ...base,
    status: 'critical',
    findings,
    certificates: [
      ...base.certificates,
      ...certs.slice(5).map((c) => ({
        ...base.certificates[0]!,
        thumbprintSha1: c.thumbprintSha1,
        signer: false,
      })),
    ].slice(0, 6),
  };
}
