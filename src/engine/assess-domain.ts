import { buildRuleContext, type RuleContext } from './context';
import { daysLeft } from './certificate';
import {
  explainUpdateResult,
  entraUpdateFailed,
  issuerMismatch,
  settingsChanged,
  slotHygiene,
} from './rules/entra-rules';
import { reachability, tlsExpiring } from './rules/reachability-rules';
import {
  adfsAutoRollover,
  certExpired,
  manualRenewal,
  promotionBeforeEntraPoll,
  promotionPending,
  signerNotInEntra,
} from './rules/rollover-rules';
import { certLabel, day, worstSeverity } from './finding-helpers';
import { ADFS_SNAPSHOT_MAX_AGE_DAYS, isSnapshotStale } from './adfs-snapshot';
import type { DomainAssessmentInput } from './assessment-input';
import type {
  Assessment,
  CertificateEntry,
  CertInfo,
  CertRole,
  CertSource,
  Finding,
  Status,
} from './types';
import { buildTimeline } from './timeline';

export function certificateEntry(
  cert: CertInfo,
  source: CertSource,
  role: CertRole,
  now: Date,
  signer = false,
): CertificateEntry {
  return {
    source,
    role,
    subject: cert.subject,
    thumbprintSha1: cert.thumbprintSha1,
    thumbprintSha256: cert.thumbprintSha256,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    daysLeft: daysLeft(cert, now),
    signer,
  };
}

function certificates(ctx: RuleContext): CertificateEntry[] {
  const { input, now } = ctx;
  const signer = ctx.signer?.cert.thumbprintSha1;
  const out: CertificateEntry[] = [];
  for (const c of input.metadata?.parsed.signingCerts ?? []) {
    out.push(certificateEntry(c, 'idp-metadata', 'signing', now, c.thumbprintSha1 === signer));
  }
  for (const c of input.metadata?.parsed.encryptionCerts ?? [])
    out.push(certificateEntry(c, 'idp-metadata', 'encryption', now));
  for (const t of ctx.adfsTokenSigning) {
    out.push(
      certificateEntry(
        t.cert,
        'adfs',
        t.isPrimary ? 'signing' : 'next-signing',
        now,
        t.cert.thumbprintSha1 === signer,
      ),
    );
  }
  for (const slot of ctx.federation?.slots ?? []) {
    if (slot.cert)
      out.push(
        certificateEntry(
          slot.cert,
          'entra',
          slot.name === 'SigningCertificate' ? 'signing' : 'next-signing',
          now,
        ),
      );
  }
  return out;
}

/**
 * Verdict (DESIGN §4): critical if any finding is; else unknown when neither a signer nor Entra's
 * side is known; else warning if any finding is; else ok.
 */
export function verdict(findings: Finding[], signerKnown: boolean, entraKnown: boolean): Status {
  const worst = worstSeverity(findings);
  if (worst === 'critical') return 'critical';
  if (!signerKnown && !entraKnown) return 'unknown';
  return worst === 'warning' ? 'warning' : 'ok';
}

function contextFindings(ctx: RuleContext): Finding[] {
  const { entra, adfs } = ctx.input;
  const findings: Finding[] = [];
  if (entra.kind === 'unknown') {
    findings.push({
      code: 'GRAPH_NOT_CONFIGURED',
      severity: 'info',
      message: `Entra's side was not compared: ${entra.reason}`,
      remedy: '',
    });
  }
  if (adfs?.receivedAt && isSnapshotStale(adfs, ctx.now)) {
    findings.push({
      code: 'ADFS_SNAPSHOT_STALE',
      severity: 'info',
      message: `The last AD FS snapshot${adfs.hostName ? ` from ${adfs.hostName}` : ''} was received on ${day(adfs.receivedAt)}, more than ${ADFS_SNAPSHOT_MAX_AGE_DAYS} days ago: its auto-rollover setting and thresholds are used, its certificates are not.`,
      remedy:
        "Check the collector's scheduled task on the AD FS server (Send-FedTrustSnapshot.ps1) and its log.",
    });
  }
  return findings;
}

/**
 * Assesses one domain's federation trust: a pure function of what the sources gathered and `now`.
 * Applies the alert policy of DESIGN §4 rule by rule; each rule returns at most its own findings.
 */
export function assessDomain(input: DomainAssessmentInput): Assessment {
  if (input.entra.kind === 'not-federated') {
    return {
      subject: { kind: 'domain', domain: input.domain },
      domain: input.domain,
      status: 'ok',
      findings: [
        { code: 'NOT_FEDERATED', severity: 'info', message: input.entra.detail, remedy: '' },
      ],
      certificates: [],
      timeline: [{ date: input.now.toISOString(), event: 'Today', kind: 'today' }],
    };
  }
  const ctx = buildRuleContext(input);
  const hygiene = slotHygiene(ctx);
  const findings: Finding[] = [
    ...signerNotInEntra(ctx),
    ...certExpired(ctx),
    ...adfsAutoRollover(ctx),
    ...manualRenewal(ctx),
    ...promotionPending(ctx),
    ...promotionBeforeEntraPoll(ctx),
    ...entraUpdateFailed(ctx),
    ...hygiene,
    ...issuerMismatch(ctx),
    ...reachability(ctx),
    ...tlsExpiring(ctx),
    ...settingsChanged(
      ctx,
      hygiene.some((f) => f.code === 'ENTRA_UNKNOWN_CERT'),
    ),
    ...contextFindings(ctx),
  ];
  if (ctx.signer && ctx.signerHeld && !findings.some((f) => f.severity !== 'info')) {
    findings.unshift({
      code: 'IN_SYNC',
      severity: 'info',
      message: `Entra holds the signing certificate ${certLabel(ctx.signer.cert)}; nothing is due.`,
      remedy: '',
      thumbprint: ctx.signer.cert.thumbprintSha1,
    });
  }
  const status = ctx.federation?.updateStatus;
  return {
    subject: { kind: 'domain', domain: input.domain },
    domain: input.domain,
    status: verdict(findings, ctx.signer !== undefined, ctx.federation !== undefined),
    findings,
    certificates: certificates(ctx),
    timeline: buildTimeline(ctx),
    signer: ctx.signer
      ? { thumbprintSha1: ctx.signer.cert.thumbprintSha1, method: ctx.signer.method }
      : undefined,
    idp: {
      entityId: input.metadata?.parsed.entityId,
      metadataUrl: input.metadata?.url ?? input.metadataProblem?.url,
      adfsShaped: ctx.adfsShaped,
    },
    autoRollover: ctx.adfsShaped
      ? ctx.autoRollover === undefined
        ? 'unknown'
        : ctx.autoRollover
          ? 'on'
          : 'off'
      : undefined,
    entraUpdate: status
      ? {
          result: status.result,
          lastRun: status.lastRun?.toISOString(),
          explanation: explainUpdateResult(status.result),
        }
      : undefined,
    adfs: input.adfs
      ? {
          hostName: input.adfs.hostName,
          receivedAt: input.adfs.receivedAt?.toISOString(),
          generationDays: ctx.generationDays,
          promotionDays: ctx.promotionDays,
          stale: isSnapshotStale(input.adfs, input.now),
        }
      : undefined,
  };
}
