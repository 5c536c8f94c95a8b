import { domainToUnicode } from 'node:url';
import { RUNBOOKS } from '../engine/remedies';
import { SIGNER_METHOD_TEXT } from '../engine/signer';
import type { Assessment, Finding, Severity, Status } from '../engine/types';
import {
  CARD_BUDGET_BYTES,
  cardBytes,
  type AdaptiveCard,
  type CardTemplates,
} from './card-templates';
import { cardUrl, cardText, clip } from './escape';
import { FINDING_TITLES } from './finding-titles';
import { remedyBlocks } from './remedy-blocks';
import { EXCHANGE_KEY } from '../engine/subject';
import { buildTimelineModel } from './timeline-model';

export const BANNER_STYLE: Record<Status, string> = {
  ok: 'good',
  warning: 'warning',
  critical: 'attention',
  unknown: 'emphasis',
};
/**
 * Severity on a card is words and a symbol, on a container style: Teams' coloured text (warning,
 * good) is unreadable on white, and high contrast drops background colours (DESIGN §9).
 */
export const STATUS_STYLE: Record<Status, string> = {
  ok: 'good',
  warning: 'warning',
  critical: 'attention',
  unknown: 'emphasis',
};
const SEVERITY: Record<Severity, [string, string]> = {
  critical: ['✖ CRITICAL', 'attention'],
  warning: ['▲ WARNING', 'warning'],
  info: ['• info', 'default'],
};
const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export interface CheckCardOptions {
  now: Date;
  /** The explicit metadata URL the check used, carried by Re-check and Watch. */
  metadataUrl?: string;
  footer: string;
}

/** How much of each finding fits: everything, commands without inline base64, or fewer findings. */
interface Budget {
  inlineBase64: boolean;
  maxFindings: number;
}

const BASE64_LITERAL = /'(MII[A-Za-z0-9+/=]{200,})'/g;

/**
 * A long certificate literal becomes an expression that reads it on the AD FS server, so the command
 * stays exact and the card stays under Teams' size limit.
 */
function compactRemedy(remedy: string, thumbprint: string | undefined, adfs: boolean): string {
  return remedy.replace(BASE64_LITERAL, () =>
    adfs && thumbprint
      ? `([Convert]::ToBase64String((Get-AdfsCertificate -CertificateType Token-Signing | Where-Object Thumbprint -eq '${thumbprint}').Certificate.RawData))`
      : `'<base64 of the certificate ${thumbprint ?? ''}: run fedtrust check for the full command>'`,
  );
}

/**
 * The IdP's entityID, which admins compare with Entra's issuerUri and paste into commands: shown
 * exactly when it is an http(s) URI (the IdP's own identifier, like the metadata URL), else escaped.
 */
function identifier(entityId: string): string {
  return /^https?:\/\/[^\s]+$/i.test(entityId) ? cardUrl(entityId) : cardText(entityId);
}

function findingModel(f: Finding, adfs: boolean, budget: Budget) {
  const [label, labelStyle] = SEVERITY[f.severity];
  const remedy = budget.inlineBase64 ? f.remedy : compactRemedy(f.remedy, f.thumbprint, adfs);
  return {
    label: `${label} · ${FINDING_TITLES[f.code]} (${f.code})`,
    labelStyle,
    message: cardText(f.message),
    remedyBlocks: remedyBlocks(remedy),
  };
}

const TRUST_USAGE_TEXT: Record<NonNullable<Assessment['trustUsage']>, string> = {
  'in-use': 'in use (an organization relationship or sharing policy depends on it)',
  'fallback-only':
    'only a fallback: free/busy with Exchange Online goes through OAuth (IntraOrganizationConnector)',
  'not-in-use': 'not used by any organization relationship or sharing policy',
};

/** The on-premises switches of the hybrid app in words: feature, workflow, Entra read or not. */
function hybridState(h: NonNullable<Assessment['hybrid']>): string {
  const parts = [
    h.oauthInUse === false ? 'OAuth not in use (DAuth)' : undefined,
    h.feature ? `feature ${h.feature}` : undefined,
    h.workflow ? `${h.workflow === 'graph' ? 'Graph' : 'EWS'} workflow` : undefined,
    h.entraKnown ? 'Entra read' : "Entra's side not read",
    h.nextEffective
      ? `next certificate effective ${h.nextEffective.slice(0, 16).replace('T', ' ')} UTC`
      : undefined,
  ];
  return parts.filter((p) => p !== undefined).join(', ');
}

function checkCardModel(a: Assessment, options: CheckCardOptions, budget: Budget) {
  const unicode = titleOf(a);
  const findings = [...a.findings].sort((x, y) => RANK[x.severity] - RANK[y.severity]);
  const shown = findings.slice(0, budget.maxFindings);
  const runbook = findings.find((f) => f.runbook)?.runbook ?? RUNBOOKS.renew;
  const idp = a.idp;
  const facts = [
    a.signer
      ? {
          title: 'Signer',
          value: cardText(`${a.signer.thumbprintSha1}: ${SIGNER_METHOD_TEXT[a.signer.method]}`),
        }
      : undefined,
    idp?.entityId ? { title: 'entityID', value: identifier(idp.entityId) } : undefined,
    idp?.metadataUrl ? { title: 'Metadata', value: cardUrl(idp.metadataUrl) } : undefined,
    a.adfs
      ? {
          title: 'AD FS snapshot',
          value: cardText(
            `${a.adfs.hostName ?? 'AD FS'}${a.adfs.receivedAt ? `, received ${a.adfs.receivedAt.slice(0, 16).replace('T', ' ')} UTC${a.adfs.stale ? ' (stale)' : ''}` : ''}: auto-rollover ${a.autoRollover ?? 'unknown'}, generation ${a.adfs.generationDays} days before expiry, promotion ${a.adfs.promotionDays} days after`,
          ),
        }
      : undefined,
    a.exchange
      ? {
          title: 'Exchange snapshot',
          value: cardText(
            `${a.exchange.organization}${a.exchange.computerName ? ` from ${a.exchange.computerName}` : ''}${a.exchange.receivedAt ? `, received ${a.exchange.receivedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`,
          ),
        }
      : undefined,
    a.hybrid
      ? {
          title: 'Hybrid app',
          value: cardText(
            `${a.hybrid.appName}${a.hybrid.appId ? ` (appId ${a.hybrid.appId})` : ''}: ${hybridState(a.hybrid)}`,
          ),
        }
      : undefined,
    a.trustUsage
      ? { title: 'Federation trust', value: cardText(TRUST_USAGE_TEXT[a.trustUsage]) }
      : undefined,
    a.entraUpdate
      ? {
          title: "Entra's last poll",
          value: cardText(
            `${a.entraUpdate.result}${a.entraUpdate.lastRun ? ` on ${a.entraUpdate.lastRun.slice(0, 10)}` : ''}: ${a.entraUpdate.explanation}`,
          ),
        }
      : undefined,
  ].filter((f) => f !== undefined);
  return {
    title: `${cardText(unicode)} — ${a.status.toUpperCase()}`,
    headline: headline(a, findings),
    bannerStyle: BANNER_STYLE[a.status],
    idpLine: idp?.entityId
      ? `IdP ${identifier(idp.entityId)}${a.subject.kind === 'mfg' ? '' : idp.adfsShaped ? ' (AD FS)' : ' (third-party)'}`
      : '',
    findings: shown.map((f) => findingModel(f, idp?.adfsShaped ?? false, budget)),
    omitted:
      findings.length > shown.length
        ? `${findings.length - shown.length} more finding(s) did not fit on this card: run ${cliCommand(a)} for the full list.`
        : '',
    timeline: buildTimelineModel(a, options.now),
    certificates: a.certificates.map((c) => ({
      source: c.source,
      role: c.signer ? `${c.role} (signs now)` : c.role,
      roleWeight: c.signer ? 'Bolder' : 'Default',
      subject: cardText(clip(c.subject, 80)),
      thumbprint: c.thumbprintSha1,
      validTo: c.notAfter.slice(0, 10),
      days: String(c.daysLeft),
    })),
    facts,
    recheckData: actionData(a, options),
    askAutoRollover: a.autoRollover === 'unknown',
    autoRolloverOn: { domain: a.domain, value: 'on' },
    autoRolloverOff: { domain: a.domain, value: 'off' },
    runbook,
    footer: options.footer,
  };
}

/** The CLI command that shows the same assessment in full. */
function cliCommand(a: Assessment): string {
  const { subject } = a;
  if (subject.kind === 'mfg') return 'fedtrust mfg';
  if (subject.kind === 'exchange-hybrid') return 'fedtrust exchange';
  return `fedtrust check ${subject.domain}`;
}

/** The card's subject: the domain (in Unicode), or whose Exchange trust it is. */
function titleOf(a: Assessment): string {
  const { subject } = a;
  if (subject.kind === 'domain') return domainToUnicode(subject.domain);
  if (subject.kind === 'exchange-hybrid') return `Exchange hybrid app of ${subject.organization}`;
  return subject.organization
    ? `Exchange trust of ${subject.organization}`
    : 'Microsoft Federation Gateway';
}

/** What Re-check and Watch carry: the domain (and its explicit URL), or `exchange` (and the organisation). */
function actionData(a: Assessment, options: CheckCardOptions): Record<string, string> {
  const { subject } = a;
  if (subject.kind === 'mfg' || subject.kind === 'exchange-hybrid')
    return {
      domain: EXCHANGE_KEY,
      ...(subject.organization ? { organization: subject.organization } : {}),
    };
  return {
    domain: subject.domain,
    ...(options.metadataUrl ? { metadataUrl: options.metadataUrl } : {}),
  };
}

function headline(a: Assessment, sorted: Finding[]): string {
  const loud = sorted.filter((f) => f.severity !== 'info');
  const [worst] = loud;
  if (!worst) return statusHeadline(a);
  const more = loud.length > 1 ? ` (+${loud.length - 1} more)` : '';
  return `${FINDING_TITLES[worst.code]}${more}`;
}

function statusHeadline(a: Assessment): string {
  switch (a.status) {
    case 'ok':
      return a.findings.some((f) => f.code === 'NOT_FEDERATED')
        ? 'No federation trust to check.'
        : 'Nothing is due.';
    case 'unknown':
      return 'Not enough is known to decide: see the findings.';
    case 'warning':
    case 'critical':
      return 'See the findings.';
  }
}

/**
 * The check result card: verdict banner, findings with their remedy, timeline, certificate table
 * (details), and Re-check / Watch / Runbook / Details. Kept under Teams' size limit: long certificate
 * literals become AD FS expressions first, then the least severe findings are left out (and counted).
 */
export function renderCheckCard(
  templates: CardTemplates,
  a: Assessment,
  options: CheckCardOptions,
): AdaptiveCard {
  const budgets: Budget[] = [
    { inlineBase64: true, maxFindings: Infinity },
    { inlineBase64: false, maxFindings: Infinity },
    ...[12, 8, 5, 3, 1].map((n) => ({ inlineBase64: false, maxFindings: n })),
  ];
  let card: AdaptiveCard = {};
  for (const budget of budgets) {
    card = templates.expand('check-result', checkCardModel(a, options, budget));
    if (cardBytes(card) <= CARD_BUDGET_BYTES) return card;
  }
  return card;
}
