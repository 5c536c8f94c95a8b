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
    'This IdP is not AD FS, so its metadata is not at a known path: give its metadata URL.',
};

/** How to give the metadata URL, in Teams and on the command line (the remedy serves both). */
const giveUrl = (domain: string) =>
  `In Teams: check fedtrust ${domain} metadata https://…; on the command line: fedtrust check ${domain} --metadata-url https://…`;

function remedyFor(problem: NonNullable<RuleContext['input']['metadataProblem']>, domain: string) {
  if (problem.stage === 'discovery')
    return `Realm discovery could not be reached from here: allow outbound HTTPS to it (LOGIN_BASE_URL), or give the metadata URL. ${giveUrl(domain)}`;
  const remedy = PROBLEM_REMEDY[problem.code] ?? '';
  return problem.code === 'METADATA_URL_UNKNOWN' ? `${remedy} ${giveUrl(domain)}` : remedy;
}

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
      remedy: remedyFor(problem, ctx.input.domain),
      runbook: RUNBOOKS.renew,
    });
  }
  const parsed = ctx.input.metadata?.parsed;
  if (parsed && parsed.signingCerts.length === 0) {
    // Read, but nothing to compare: say why rather than come out unknown with no finding.
    const why = parsed.undecodable.length > 0 ? ` (${parsed.undecodable.join('; ')})` : '';
    findings.push({
      code: 'METADATA_NO_SIGNING_CERT',
      severity: 'warning',
      message: `The metadata of ${parsed.entityId} lists no token-signing certificate that can be read${why}: fedtrust cannot tell what the IdP signs with, and Entra's poll finds nothing to take.`,
      remedy:
        'Check that the URL serves this IdP\'s own metadata, with a KeyDescriptor use="signing" holding its certificate as base64 X509Certificate; on AD FS: Get-AdfsCertificate -CertificateType Token-Signing.',
      runbook: RUNBOOKS.renew,
    });
  }
  const aggregate = parsed?.aggregate;
  if (parsed && aggregate) {
    const operator = ctx.input.metadata?.signature;
    const signedBy =
      operator?.status === 'operator'
        ? ` It is signed by its operator, ${operator.subject} (${operator.thumbprintSha1}): ${operator.verified ? 'the signature verifies' : `the signature does not verify${operator.reason && operator.reason !== 'the signature does not verify' ? ` (${operator.reason})` : ''}`}; that says nothing about the IdP's own keys.`
        : '';
    findings.push({
      code: 'METADATA_AGGREGATE',
      severity: 'info',
      message: `The metadata is a federation aggregate of ${aggregate.entityIds.length} entities; the one checked is ${parsed.entityId}.${signedBy}`,
      remedy: '',
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
