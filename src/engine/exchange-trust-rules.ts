import { daysLeft } from './certificate';
import type { ExchangeTrust } from './exchange-trust';
import { certLabel, day } from './finding-helpers';
import { RUNBOOKS } from './remedies';
import type { Finding, Severity } from './types';

/** OrgCertificate lives 5 years; replacing it is a planned change, so a heads-up comes first (issue #5). */
export const ORG_CERT_HEADS_UP_DAYS = 90;

const NEW_ORG_CERT =
  "New-ExchangeCertificate -DomainName Federation -Services Federation -KeySize 2048 -PrivateKeyExportable $true -SubjectKeyIdentifier <ski>\nSet-FederationTrust -Identity 'Microsoft Federation Gateway' -Thumbprint <new thumbprint>\n# then, once it has replicated: Set-FederationTrust -Identity 'Microsoft Federation Gateway' -PublishFederationCertificate";

/** DESIGN §4 rule 12: info from 90 days, warning ≤ 60, critical ≤ 30 or expired; quiet with OrgNextCertificate. */
function orgSeverity(d: number): Severity | undefined {
  if (d <= 30) return 'critical';
  if (d <= 60) return 'warning';
  if (d <= ORG_CERT_HEADS_UP_DAYS) return 'info';
  return undefined;
}

/** `ORG_CERT_EXPIRING` and `ORG_PREV_CERT_EXPIRED` for one trust snapshot. */
export function orgCertificateFindings(trust: ExchangeTrust, now: Date): Finding[] {
  const findings: Finding[] = [];
  const org = trust.orgCertificate;
  const d = org ? daysLeft(org, now) : undefined;
  const severity = d === undefined ? undefined : orgSeverity(d);
  if (org && d !== undefined && severity && !trust.orgNextCertificate) {
    findings.push({
      code: 'ORG_CERT_EXPIRING',
      severity,
      message:
        d < 0
          ? `The federation trust's OrgCertificate ${certLabel(org)} expired on ${day(org.notAfter)}: the trust must be recreated.`
          : `The federation trust's OrgCertificate ${certLabel(org)} expires in ${d} days (${day(org.notAfter)}) and no OrgNextCertificate is staged${severity === 'info' ? ': plan the replacement' : ''}.`,
      remedy:
        d < 0
          ? 'Remove-FederationTrust, then New-FederationTrust with a new certificate (and update the domain proof TXT records if asked).'
          : NEW_ORG_CERT,
      runbook: RUNBOOKS.exchangeOrgCert,
      thumbprint: org.thumbprintSha1,
    });
  }
  const prev = trust.orgPrevCertificate;
  if (prev && prev.notAfter <= now) {
    findings.push({
      code: 'ORG_PREV_CERT_EXPIRED',
      severity: 'info',
      message: `The trust still references the previous OrgCertificate ${certLabel(prev)}, expired on ${day(prev.notAfter)}: EAC and the event log warn about it, but free/busy is not affected and the trust need not be rebuilt.`,
      remedy:
        '# Noise, not an outage. Exchange cannot delete a certificate the trust still references\n# (Get-FederationTrust | fl Org*Certificate), and there is no supported way to clear OrgPrevCertificate.\n# It leaves that slot at the next OrgCertificate replacement; remove the old certificate from the servers after that.',
      runbook: RUNBOOKS.exchangeOrgCert,
      thumbprint: prev.thumbprintSha1,
    });
  }
  return findings;
}

function normalUrl(url: string): string {
  return url.trim().toLowerCase().replace(/\/+$/, '');
}

/** The Microsoft Federation Gateway's worldwide metadata (DESIGN §1), what Exchange trusts refresh from. */
export const MFG_WORLDWIDE_METADATA_URL =
  'https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml';

/**
 * `TokenIssuerMetadataEpr` must be MFG's metadata (DESIGN §4 rule 12): a trust that refreshes from
 * another document never learns MFG's new certificates. MFG's own endpoint and MFG_METADATA_URL both
 * count, so pointing MFG_METADATA_URL at a mirror or proxy does not make healthy trusts warn.
 */
export function metadataEprFindings(
  trust: ExchangeTrust,
  expectedUrl: string | undefined,
): Finding[] {
  const epr = trust.tokenIssuerMetadataEpr;
  if (!epr || !expectedUrl) return [];
  const known = [MFG_WORLDWIDE_METADATA_URL, expectedUrl].map(normalUrl);
  if (known.includes(normalUrl(epr))) return [];
  const name = trust.name ?? 'Microsoft Federation Gateway';
  return [
    {
      code: 'MFG_METADATA_URL_MISMATCH',
      severity: 'warning',
      message: `The federation trust refreshes from ${epr}, not from the Microsoft Federation Gateway's metadata (${expectedUrl}): -RefreshMetadata will not pick up MFG's new certificates.`,
      remedy: `Set-FederationTrust -Identity '${name.replace(/'/g, "''")}' -MetadataUrl ${expectedUrl}\nGet-FederationTrust | Set-FederationTrust -RefreshMetadata`,
      runbook: RUNBOOKS.exchangeFreeBusy,
    },
  ];
}
