import { certificateEntry, verdict } from './assess-domain';
import { addDays, addHours, isValidAt } from './certificate';
import type { ExchangeTrust } from './exchange-trust';
import { publicName, type MfgSubject } from './subject';
import { metadataEprFindings, orgCertificateFindings } from './exchange-trust-rules';
import { certLabel, day, severityAt } from './finding-helpers';
import type { MetadataProblem } from './assessment-input';
import type { ParsedMetadata } from './metadata-parser';
import { RUNBOOKS } from './remedies';
import type { SignatureCheck } from './signature';
import type {
  Assessment,
  CertificateEntry,
  CertInfo,
  Finding,
  Severity,
  TimelineEvent,
} from './types';

/** A snapshot older than this says nothing about the trust now (DESIGN §4 rule 12). */
export const EXCHANGE_SNAPSHOT_MAX_AGE_HOURS = 26;

export interface MfgAssessmentInput {
  now: Date;
  mode: 'on-demand' | 'sweep';
  mfg?: { parsed: ParsedMetadata; url?: string; signature: SignatureCheck };
  mfgProblem?: MetadataProblem;
  trust?: ExchangeTrust;
  /** SHA-1 → ISO date an MFG certificate was first seen; without history, its notBefore. */
  firstSeen?: Record<string, string>;
  /** MFG_METADATA_URL: where the trust's TokenIssuerMetadataEpr should point. */
  expectedMetadataUrl?: string;
  /** The collector's organisation the trust belongs to: named in every message (alerts list it). */
  organization?: string;
  /**
   * Whether the trust carries anything, from the organisation's Auth snapshot (the rule-12 gate,
   * design/exchange-hybrid.md §4.1); undefined without one (a 1.0 collector): rule 12 as before.
   */
  trustUsage?: 'in-use' | 'fallback-only' | 'not-in-use';
}

/** Reading MFG's metadata is rule 9's, not the trust's: the gate leaves those findings alone. */
const READ_CODES: Finding['code'][] = [
  'METADATA_BLOCKED',
  'METADATA_UNREACHABLE',
  'METADATA_INVALID',
  'METADATA_URL_UNKNOWN',
  'METADATA_SIGNATURE_INVALID',
];

/**
 * Rule 12 applies only while the federation trust matters: when it is not used, or only a fallback
 * behind OAuth, every trust finding is info and says why, and MFG_TRUST_NOT_IN_USE states it.
 */
function gateByUsage(findings: Finding[], usage: MfgAssessmentInput['trustUsage']): Finding[] {
  if (usage !== 'fallback-only' && usage !== 'not-in-use') return findings;
  const why =
    usage === 'fallback-only'
      ? ' — not used for free/busy now (OAuth via the IntraOrganizationConnector)'
      : ' — no organization relationship or sharing policy uses it';
  const gated = findings.map((f) =>
    READ_CODES.includes(f.code)
      ? f
      : { ...f, severity: 'info' as const, message: `${f.message.replace(/\.$/, '')}${why}.` },
  );
  gated.push({
    code: 'MFG_TRUST_NOT_IN_USE',
    severity: 'info',
    message: `The federation trust is ${usage === 'fallback-only' ? 'only a fallback' : 'not used'}: MFG findings are informational.`,
    remedy: '',
  });
  return gated;
}

const REFRESH =
  'Get-FederationTrust | Set-FederationTrust -RefreshMetadata\nGet-FederationTrust | Set-FederationTrust -RefreshMetadata';
const REFRESH_NOTE = `${REFRESH}\n# Twice, so both TokenIssuerCertificate and TokenIssuerPrevCertificate refresh; schedule it daily.`;

function trustFindings(
  input: MfgAssessmentInput,
  trust: ExchangeTrust,
  signer?: CertInfo,
): Finding[] {
  const { now } = input;
  const held = new Set(
    [trust.tokenIssuerCertificate, trust.tokenIssuerPrevCertificate].flatMap((c) =>
      c ? [c.thumbprintSha1] : [],
    ),
  );
  const valid = (input.mfg?.parsed.signingCerts ?? []).filter((c) => isValidAt(c, now));
  if (valid.length === 0) return [];
  if (!valid.some((c) => held.has(c.thumbprintSha1))) {
    return [
      {
        code: 'MFG_CERT_NOT_IN_TRUST',
        severity: 'critical',
        message: `The Exchange federation trust holds none of the Microsoft Federation Gateway's current signing certificates: free/busy and MailTips fail ("Failed to validate delegation token").`,
        remedy: REFRESH_NOTE,
        runbook: RUNBOOKS.exchangeFreeBusy,
        thumbprint: valid[0]?.thumbprintSha1,
      },
    ];
  }
  return valid
    .filter((c) => !held.has(c.thumbprintSha1))
    .map((cert) => {
      const seen = new Date(input.firstSeen?.[cert.thumbprintSha1] ?? cert.notBefore.toISOString());
      let severity = severityAt(now, [
        [new Date(0), 'info'],
        [addHours(seen, 48), 'warning'],
        [addDays(seen, 7), 'critical'],
      ]) as Severity;
      if (signer?.thumbprintSha1 === cert.thumbprintSha1) severity = 'critical';
      return {
        code: 'MFG_REFRESH_RECOMMENDED' as const,
        severity,
        message: `The Microsoft Federation Gateway publishes ${certLabel(cert)} (since ${day(seen)}) and the Exchange trust does not hold it yet${severity === 'critical' ? ': refresh now, before MFG signs with it' : ''}.`,
        remedy: REFRESH_NOTE,
        runbook: RUNBOOKS.exchangeFreeBusy,
        thumbprint: cert.thumbprintSha1,
      };
    });
}

function mfgCertificates(input: MfgAssessmentInput, signer?: CertInfo): CertificateEntry[] {
  const { now, trust } = input;
  const out = (input.mfg?.parsed.signingCerts ?? []).map((c) =>
    certificateEntry(c, 'mfg', 'signing', now, c.thumbprintSha1 === signer?.thumbprintSha1),
  );
  const roles = [
    ['token-issuer', trust?.tokenIssuerCertificate],
    ['token-issuer-prev', trust?.tokenIssuerPrevCertificate],
    ['org', trust?.orgCertificate],
    ['org-prev', trust?.orgPrevCertificate],
    ['org-next', trust?.orgNextCertificate],
  ] as const;
  for (const [role, cert] of roles)
    if (cert) out.push(certificateEntry(cert, 'exchange-trust', role, now));
  return out;
}

function mfgTimeline(input: MfgAssessmentInput): TimelineEvent[] {
  const events: TimelineEvent[] = [
    { date: input.now.toISOString(), event: 'Today', kind: 'today' },
  ];
  for (const c of input.mfg?.parsed.signingCerts ?? []) {
    const seen = input.firstSeen?.[c.thumbprintSha1] ?? c.notBefore.toISOString();
    events.push({
      date: seen,
      event: `MFG certificate ${c.thumbprintSha1.slice(0, 8)}… first seen`,
      kind: 'successor-seen',
    });
    events.push({
      date: c.notAfter.toISOString(),
      event: `MFG certificate ${c.thumbprintSha1.slice(0, 8)}… expires`,
      kind: 'expiry',
    });
  }
  const org = input.trust?.orgCertificate;
  if (org)
    events.push({
      date: org.notAfter.toISOString(),
      event: "The trust's OrgCertificate expires",
      kind: 'expiry',
    });
  return events.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * Assesses the Exchange federation trust against the Microsoft Federation Gateway (DESIGN §4 rule 12).
 * The MFG signer is the certificate that signs its metadata.
 */
export function assessMfg(input: MfgAssessmentInput): Assessment & { subject: MfgSubject } {
  const { now, trust } = input;
  const signature = input.mfg?.signature;
  const signer =
    signature?.status === 'valid'
      ? input.mfg?.parsed.signingCerts.find((c) => c.thumbprintSha1 === signature.thumbprintSha1)
      : undefined;
  const findings: Finding[] = [];
  if (input.mfgProblem) {
    const p = input.mfgProblem;
    const settled = input.mode === 'on-demand' || (p.failedSweepsInARow ?? 1) >= 2;
    findings.push({
      code: p.code,
      severity: settled ? 'warning' : 'info',
      message: `${p.detail}${p.url ? ` (${p.url})` : ''}`,
      remedy: 'Check MFG_METADATA_URL and outbound HTTPS from the bot.',
    });
  }
  if (signature?.status === 'invalid') {
    findings.push({
      code: 'METADATA_SIGNATURE_INVALID',
      severity: 'warning',
      message: `The MFG metadata's XML signature is invalid: ${signature.reason}.`,
      remedy: 'Check for a proxy that rewrites the document.',
    });
  }
  if (trust) {
    const ageHours = trust.receivedAt
      ? (now.getTime() - trust.receivedAt.getTime()) / 3_600_000
      : 0;
    if (ageHours > EXCHANGE_SNAPSHOT_MAX_AGE_HOURS) {
      findings.push({
        code: 'EXCHANGE_SNAPSHOT_STALE',
        severity: 'warning',
        message: `The last Exchange trust snapshot is ${Math.floor(ageHours)} hours old: the trust part is unknown.`,
        remedy:
          "Check the collector's scheduled task on the Exchange server (Send-FedTrustSnapshot.ps1) and its log.",
      });
    } else {
      findings.push(...trustFindings(input, trust, signer));
    }
    findings.push(...metadataEprFindings(trust, input.expectedMetadataUrl));
    findings.push(...orgCertificateFindings(trust, now));
  }
  const gated = gateByUsage(findings, input.trustUsage);
  if (input.organization) {
    for (const f of gated) f.message = `${input.organization}: ${f.message}`;
  }
  const known = input.mfg !== undefined || trust !== undefined;
  const subject: MfgSubject = input.organization
    ? { kind: 'mfg', organization: input.organization }
    : { kind: 'mfg' };
  return {
    subject,
    domain: publicName(subject),
    status: verdict(gated, known, known),
    findings: gated,
    certificates: mfgCertificates(input, signer),
    ...(input.trustUsage ? { trustUsage: input.trustUsage } : {}),
    timeline: mfgTimeline(input),
    signer: signer
      ? { thumbprintSha1: signer.thumbprintSha1, method: 'metadata-signature' }
      : undefined,
    idp: {
      entityId: input.mfg?.parsed.entityId,
      metadataUrl: input.mfg?.url ?? input.mfgProblem?.url,
      adfsShaped: false,
    },
  };
}
