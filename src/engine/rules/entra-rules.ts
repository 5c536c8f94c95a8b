import { addDays, daysLeft, isValidAt } from '../certificate';
import type { RuleContext } from '../context';
import type { EntraFederation } from '../entra-federation';
import { certLabel, day } from '../finding-helpers';
import { pushCertificateCommand, RUNBOOKS } from '../remedies';
import type { Finding } from '../types';
import { ENTRA_POLL_DAYS } from '../entra-poll';

const FINE_RESULTS = new Set(['success', 'nonewcertificatefound']);

/** Rule 7: slot hygiene — stale certificates and certificates the IdP never published. */
export function slotHygiene(ctx: RuleContext): Finding[] {
  const { federation, signer, now } = ctx;
  if (!federation) return [];
  const findings: Finding[] = [];
  const published = new Set([
    ...ctx.idpCerts.map((c) => c.thumbprintSha1),
    ...(ctx.input.history?.published ?? []),
  ]);
  const knowsPublished = ctx.input.metadata !== undefined || ctx.input.adfs !== undefined;
  for (const slot of federation.slots) {
    const other = federation.slots.find((s) => s !== slot);
    if (slot.unreadable) {
      findings.push({
        code: 'ENTRA_CERT_UNREADABLE',
        severity: 'info',
        message: `Entra's ${slot.name} does not hold a readable certificate (${slot.unreadable}).`,
        remedy: '',
      });
    }
    const cert = slot.cert;
    if (!cert) continue;
    if (
      cert.notAfter <= now &&
      signer &&
      other?.cert?.thumbprintSha1 === signer.cert.thumbprintSha1
    ) {
      findings.push({
        code: 'STALE_ENTRA_CERT',
        severity: 'info',
        message: `Entra's ${slot.name} still holds ${certLabel(cert)}, expired on ${day(cert.notAfter)}; harmless, the other slot holds the signer.`,
        remedy: '',
        thumbprint: cert.thumbprintSha1,
      });
    }
    if (knowsPublished && isValidAt(cert, now) && !published.has(cert.thumbprintSha1)) {
      findings.push({
        code: 'ENTRA_UNKNOWN_CERT',
        severity: 'warning',
        message: `Entra's ${slot.name} holds ${certLabel(cert)}, which this IdP does not publish and never published: staged by hand, or a backdoor — find out who set it.`,
        remedy: [
          `Check the Entra audit log (Set federation settings on domain ${ctx.federatedDomain}); if nobody can account for it, overwrite the slot:`,
          signer ? pushCertificateCommand(ctx, signer.cert, slot.name) : '',
        ]
          .join('\n')
          .trim(),
        runbook: RUNBOOKS.federationManagement,
        thumbprint: cert.thumbprintSha1,
      });
    }
  }
  return findings;
}

function normalizeIssuer(uri: string): string {
  return uri
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
}

/** Rule 8: Entra's issuerUri matches neither the entityID nor http://D/adfs/services/trust. */
export function issuerMismatch(ctx: RuleContext): Finding[] {
  const issuer = ctx.federation?.issuerUri;
  const entityId = ctx.input.metadata?.parsed.entityId;
  if (!issuer || !entityId) return [];
  const accepted = [entityId, `http://${ctx.federatedDomain}/adfs/services/trust`].map(
    normalizeIssuer,
  );
  if (accepted.includes(normalizeIssuer(issuer))) return [];
  return [
    {
      code: 'ISSUER_MISMATCH',
      severity: 'warning',
      message: `Entra expects issuer "${issuer}" but the IdP's entityID is "${entityId}": tokens will not be accepted for ${ctx.federatedDomain}.`,
      remedy: `Update-MgDomainFederationConfiguration -DomainId '${ctx.federatedDomain}' -InternalDomainFederationId '${ctx.federation?.id ?? '<id>'}' -IssuerUri '${entityId}'`,
      runbook: RUNBOOKS.graphUpdate,
    },
  ];
}

/** Rules 4 and 11: Entra's last metadata poll failed. */
export function entraUpdateFailed(ctx: RuleContext): Finding[] {
  const status = ctx.federation?.updateStatus;
  if (!status || FINE_RESULTS.has(status.result.toLowerCase())) return [];
  const { signer } = ctx;
  let severity: Finding['severity'] = 'info';
  if (signer && ctx.adfsShaped && ctx.autoRollover !== false) {
    const cycleStart = addDays(signer.cert.notAfter, -36);
    const currentCycle = status.lastRun !== undefined && status.lastRun >= cycleStart;
    const d = daysLeft(signer.cert, ctx.now);
    if (currentCycle || (d > ENTRA_POLL_DAYS && d <= ENTRA_POLL_DAYS + ctx.input.leadDays))
      severity = 'warning';
  }
  const when = status.lastRun ? ` on ${day(status.lastRun)}` : '';
  return [
    {
      code: 'ENTRA_UPDATE_FAILED',
      severity,
      message: `Entra could not read the federation metadata${when} (${status.result}): ${explainUpdateResult(status.result)}`,
      remedy:
        severity === 'warning'
          ? 'Entra will not pick up the successor by itself: publish the metadata to the internet (Web Application Proxy) or push the certificate with Update-MgDomainFederationConfiguration.'
          : '',
      runbook: RUNBOOKS.renew,
    },
  ];
}

const RESULT_TEXT: Record<string, string> = {
  success: 'Entra read the metadata successfully.',
  nonewcertificatefound:
    'Entra polled and found no new certificate — expected between 35 and 20 days before expiry with default AD FS settings, before AD FS generates the successor.',
  couldnotaccessremotehost:
    'Entra cannot reach the metadata: it is not published to the internet (or a firewall blocks Microsoft).',
  connectionerror:
    'Entra cannot reach the metadata: it is not published to the internet (or the connection fails).',
  unknownerror: 'Entra does not know why the update failed.',
  internalservererror: "Something went wrong on Microsoft's side.",
  novalidexistingcertfound: 'Entra found no valid existing signing certificate to roll from.',
  nostsauthurlfound: 'Entra has no STS sign-in URL for the domain.',
  nofederationprotocolfound: 'Entra has no federation protocol for the domain.',
  xmlparsingerror: 'Entra could not parse the metadata XML.',
  badrequest: 'The metadata endpoint answered 400 Bad Request.',
  unauthorized: 'The metadata endpoint answered 401 Unauthorized (it must be anonymous).',
  forbidden: 'The metadata endpoint answered 403 Forbidden (it must be anonymous).',
  notfound: 'The metadata endpoint answered 404 Not Found.',
  providererror: 'The IdP answered 500 Internal Server Error.',
};

/** Explains Graph's certificateUpdateResult (documented values in fixtures/graph), any case. */
export function explainUpdateResult(result: string): string {
  return (
    RESULT_TEXT[result.toLowerCase()] ??
    `Entra reported "${result}", a value Microsoft does not document.`
  );
}

function slotThumbs(f: EntraFederation): string {
  return f.slots.map((s) => s.cert?.thumbprintSha1 ?? s.unreadable ?? '-').join('/');
}

/** Rule 13: Entra's federation settings changed since the last sweep. */
export function settingsChanged(ctx: RuleContext, unknownCert: boolean): Finding[] {
  const before = ctx.input.previousEntra;
  const after = ctx.federation;
  if (!before || !after) return [];
  const fields: [string, string | undefined, string | undefined][] = [
    ['issuerUri', before.issuerUri, after.issuerUri],
    ['certificates', slotThumbs(before), slotThumbs(after)],
    ['passiveSignInUri', before.passiveSignInUri, after.passiveSignInUri],
    ['activeSignInUri', before.activeSignInUri, after.activeSignInUri],
    ['metadataExchangeUri', before.metadataExchangeUri, after.metadataExchangeUri],
    ['federatedIdpMfaBehavior', before.federatedIdpMfaBehavior, after.federatedIdpMfaBehavior],
  ];
  const changed = fields.filter(([, a, b]) => a !== b).map(([name]) => name);
  if (changed.length === 0) return [];
  return [
    {
      code: 'FEDERATION_SETTINGS_CHANGED',
      severity: unknownCert ? 'warning' : 'info',
      message: `Entra's federation settings for ${ctx.federatedDomain} changed since the last sweep: ${changed.join(', ')}.`,
      remedy: unknownCert
        ? 'Confirm the change with whoever made it (Entra audit log: Set federation settings on domain).'
        : '',
      runbook: RUNBOOKS.federationManagement,
    },
  ];
}
