import { daysLeft } from '../certificate';
import type { RuleContext } from '../context';
import { day } from '../finding-helpers';
import { RUNBOOKS } from '../remedies';
import type { Finding } from '../types';

const PROBLEM_REMEDY: Record<string, string> = {
  METADATA_BLOCKED:
    'The address is private or not HTTPS. If this IdP is internal on purpose, add its host to OUTBOUND_ALLOW_PRIVATE; Entra cannot poll it either.',
  METADATA_UNREACHABLE:
    'Make the federation metadata reachable from the internet (Web Application Proxy), or check the host name.',
  METADATA_INVALID: 'Check that the URL serves the federation metadata document itself.',
  METADATA_URL_UNKNOWN:
    'This IdP is not AD FS: give its metadata URL, e.g. `watch <domain> metadata https://idp.example.com/metadata.xml`.',
};

/** Rule 9: the metadata could not be read, or its signature does not verify. */
export function reachability(ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const problem = ctx.input.metadataProblem;
  if (problem) {
    const settled = ctx.input.mode === 'on-demand' || (problem.failedSweepsInARow ?? 1) >= 2;
    findings.push({
      code: problem.code,
      severity: settled ? 'warning' : 'info',
      message: `${problem.detail}${problem.url ? ` (${problem.url})` : ''}${settled ? '' : ' — first failure, warning if the next sweep fails too'}`,
      remedy: PROBLEM_REMEDY[problem.code] ?? '',
      runbook: RUNBOOKS.renew,
    });
  }
  const signature = ctx.input.metadata?.signature;
  if (signature?.status === 'invalid') {
    findings.push({
      code: 'METADATA_SIGNATURE_INVALID',
      severity: 'warning',
      message: `The metadata's XML signature is invalid: ${signature.reason}. The document may have been altered.`,
      remedy:
        'Compare the published certificates with Get-AdfsCertificate -CertificateType Token-Signing on the IdP; find out what rewrites the document.',
      runbook: RUNBOOKS.renew,
    });
  }
  return findings;
}

/** Rule 10: the IdP host's TLS certificate. */
export function tlsExpiring(ctx: RuleContext): Finding[] {
  const tls = ctx.input.tls;
  if (!tls) return [];
  const d = daysLeft(tls, ctx.now);
  if (d > 30) return [];
  return [
    {
      code: 'TLS_CERT_EXPIRING',
      severity: d <= 7 ? 'critical' : 'warning',
      message: `The TLS certificate of ${tls.host} expires on ${day(tls.notAfter)} (${d} days): sign-in pages and metadata polling stop working then.`,
      remedy: `Renew the SSL certificate of ${tls.host}; on AD FS: Set-AdfsSslCertificate -Thumbprint <new>, and on each Web Application Proxy: Set-WebApplicationProxySslCertificate -Thumbprint <new>.`,
      runbook: RUNBOOKS.adfsCerts,
    },
  ];
}
