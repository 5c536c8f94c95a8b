import { addDays, addHours } from '../certificate';
import type { RuleContext } from '../context';
import { certLabel, day, maxSeverity, severityAt } from '../finding-helpers';
import { GENERATE_ADFS_CERT, pushCertificateCommand, RUNBOOKS } from '../remedies';
import type { Finding, Severity } from '../types';
import { ENTRA_POLL_DAYS } from '../entra-poll';

/** Rule 1: the signer is in neither Entra slot — sign-in is failing now. */
export function signerNotInEntra(ctx: RuleContext): Finding[] {
  if (!ctx.signer || !ctx.federation || ctx.signerHeld) return [];
  const { cert } = ctx.signer;
  return [
    {
      code: 'SIGNER_NOT_IN_ENTRA',
      severity: 'critical',
      message: `The IdP signs tokens with ${certLabel(cert)}, which Entra holds in neither slot: sign-in for every domain of this IdP fails now.`,
      remedy: pushCertificateCommand(ctx, cert),
      runbook: RUNBOOKS.graphUpdate,
      thumbprint: cert.thumbprintSha1,
    },
  ];
}

/** Rule 2: the signer has expired. */
export function certExpired(ctx: RuleContext): Finding[] {
  if (!ctx.signer || ctx.signer.cert.notAfter > ctx.now) return [];
  const { cert } = ctx.signer;
  const remedy = ctx.adfsShaped
    ? `Follow the emergency rotation runbook on the primary AD FS server, then give Entra the new certificate:\n${GENERATE_ADFS_CERT}`
    : 'Issue a new signing certificate in the IdP, activate it, then give Entra its base64 with Update-MgDomainFederationConfiguration.';
  return [
    {
      code: 'CERT_EXPIRED',
      severity: 'critical',
      message: `The token-signing certificate ${certLabel(cert)} expired on ${day(cert.notAfter)}: tokens it signs are refused.`,
      remedy,
      runbook: ctx.adfsShaped ? RUNBOOKS.emergency : RUNBOOKS.renew,
      thumbprint: cert.thumbprintSha1,
    },
  ];
}

/** Rule 3: AD FS with auto-rollover on or unknown — promotion is ahead. */
export function adfsAutoRollover(ctx: RuleContext): Finding[] {
  const { signer, successor, promotionAt, now } = ctx;
  if (!signer || !promotionAt || !ctx.adfsShaped || ctx.autoRollover === false) return [];
  const criticalFrom = addHours(promotionAt, -24);
  if (successor && !ctx.successorHeld) {
    const severity = severityAt(now, [
      [new Date(0), 'info'],
      [addHours(successor.notBefore, 48), 'warning'],
      [criticalFrom, 'critical'],
    ]) as Severity;
    return [
      {
        code: 'NEXT_CERT_NOT_IN_ENTRA',
        severity,
        message: `AD FS published the next certificate ${certLabel(successor)} but Entra has not picked it up; AD FS promotes it on ${day(promotionAt)}.`,
        remedy: pushCertificateCommand(ctx, successor),
        runbook: RUNBOOKS.renew,
        thumbprint: successor.thumbprintSha1,
      },
    ];
  }
  if (!successor) {
    // Once the signer has expired, CERT_EXPIRED (rule 2) says it all.
    if (signer.cert.notAfter <= now) return [];
    const generation = addDays(signer.cert.notAfter, -ctx.generationDays);
    const severity = severityAt(now, [
      [generation, 'info'],
      [addHours(generation, 48), 'warning'],
      [criticalFrom, 'critical'],
    ]);
    if (!severity) return [];
    return [
      {
        code: 'CERT_EXPIRING',
        severity,
        message:
          severity === 'info'
            ? `AD FS should generate the next certificate now (${ctx.generationDays} days before ${day(signer.cert.notAfter)}); none is published yet.`
            : `AD FS has not generated the next certificate: auto-rollover may be off. ${certLabel(signer.cert)} expires on ${day(signer.cert.notAfter)}.`,
        remedy: `On the primary AD FS server: Get-AdfsProperties | Select-Object AutoCertificateRollover\n${GENERATE_ADFS_CERT}\nThen give Entra the new certificate (it appears in this check once published).`,
        runbook: RUNBOOKS.renew,
        thumbprint: signer.cert.thumbprintSha1,
      },
    ];
  }
  return [
    {
      code: 'ROLLOVER_PENDING',
      severity: 'info',
      message: ctx.federation
        ? `Entra already holds the next certificate ${certLabel(successor)}; AD FS promotes it on ${day(promotionAt)}. Healthy.`
        : `AD FS publishes the next certificate ${certLabel(successor)} and promotes it on ${day(promotionAt)}.`,
      remedy: '',
      thumbprint: successor.thumbprintSha1,
    },
  ];
}

/** Rule 4 (manual renewal): auto-rollover known off, or a third-party IdP, with no successor held. */
export function manualRenewal(ctx: RuleContext): Finding[] {
  const { signer, successor, daysLeft: d } = ctx;
  const manual = ctx.autoRollover === false || !ctx.adfsShaped;
  if (!signer || d === undefined || !manual || ctx.successorHeld) return [];
  const lead = ctx.input.leadDays;
  const byDeadline: Severity | undefined =
    d <= ENTRA_POLL_DAYS ? 'critical' : d <= ENTRA_POLL_DAYS + lead ? 'warning' : undefined;
  if (successor && !ctx.adfsShaped) {
    return [
      {
        code: 'NEXT_CERT_NOT_IN_ENTRA',
        severity: maxSeverity('warning', byDeadline),
        message: `The IdP publishes the next certificate ${certLabel(successor)} but Entra does not hold it: put it in the free slot before the IdP switches to it.`,
        remedy: pushCertificateCommand(ctx, successor),
        runbook: RUNBOOKS.graphUpdate,
        thumbprint: successor.thumbprintSha1,
      },
    ];
  }
  if (!byDeadline) return [];
  const adfsOff = ctx.adfsShaped;
  const remedy = successor
    ? pushCertificateCommand(ctx, successor)
    : adfsOff
      ? `On the primary AD FS server: ${GENERATE_ADFS_CERT}\nThen give Entra the new certificate (this check shows the command once it is published).`
      : 'Create the next signing certificate in the IdP, then give Entra its base64 with Update-MgDomainFederationConfiguration (this check shows the command once it is published).';
  return [
    {
      code: adfsOff ? 'AUTO_ROLLOVER_OFF' : 'MANUAL_RENEWAL_REQUIRED',
      severity: byDeadline,
      message: `${adfsOff ? 'Auto-rollover is off' : 'This IdP is renewed by hand'}: ${certLabel(signer.cert)} expires in ${d} days (${day(signer.cert.notAfter)}) and Entra holds no successor; Entra's own polling starts ${ENTRA_POLL_DAYS} days before expiry.`,
      remedy,
      runbook: RUNBOOKS.renew,
      thumbprint: signer.cert.thumbprintSha1,
    },
  ];
}

/** Rule 5: manual rollover, successor held but not active yet. */
export function promotionPending(ctx: RuleContext): Finding[] {
  const { signer, successor, daysLeft: d } = ctx;
  const manual = ctx.autoRollover === false || !ctx.adfsShaped;
  if (!signer || !successor || d === undefined || !manual || !ctx.federation || !ctx.successorHeld)
    return [];
  const severity: Severity = d <= 2 ? 'critical' : d <= 7 ? 'warning' : 'info';
  return [
    {
      code: 'PROMOTION_PENDING',
      severity,
      message: `Entra holds the next certificate ${certLabel(successor)}; activate it in the IdP before ${certLabel(signer.cert)} expires on ${day(signer.cert.notAfter)} (${d} days).`,
      remedy: ctx.adfsShaped
        ? `On the primary AD FS server: Set-AdfsCertificate -CertificateType Token-Signing -Thumbprint ${successor.thumbprintSha1} -IsPrimary`
        : 'Make the new certificate the active signing certificate in the IdP.',
      runbook: ctx.adfsShaped ? RUNBOOKS.adfsCerts : RUNBOOKS.renew,
      thumbprint: successor.thumbprintSha1,
    },
  ];
}

/** Rule 6: AD FS promotes before Entra's first poll. */
export function promotionBeforeEntraPoll(ctx: RuleContext): Finding[] {
  const adfs = ctx.input.adfs;
  if (!adfs || ctx.generationDays - ctx.promotionDays < 30) return [];
  return [
    {
      code: 'PROMOTION_BEFORE_ENTRA_POLL',
      severity: 'warning',
      message: `AD FS promotes a new certificate ${ctx.generationDays - ctx.promotionDays} days before expiry (generation ${ctx.generationDays}, promotion ${ctx.promotionDays}), before Entra first polls (30–35 days): every rollover breaks sign-in until Entra catches up.`,
      remedy:
        'On the primary AD FS server: Set-AdfsProperties -CertificateGenerationThreshold 20 -CertificatePromotionThreshold 5',
      runbook: RUNBOOKS.renew,
    },
  ];
}
