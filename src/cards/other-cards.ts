import { displayName } from '../engine/subject';
import { STATUS_ORDER } from '../engine/finding-helpers';
import type { Assessment } from '../engine/types';
import type { AdaptiveCard, CardTemplates } from './card-templates';
import { BANNER_STYLE, STATUS_STYLE } from './check-card';
import { cardText } from './escape';
import { FINDING_TITLES } from './finding-titles';

function nextMilestone(a: Assessment, now: Date): string {
  const next = a.timeline.find((t) => t.kind !== 'today' && new Date(t.date) > now);
  const worst =
    a.findings.find((f) => f.severity === 'critical') ??
    a.findings.find((f) => f.severity === 'warning');
  if (worst) return cardText(FINDING_TITLES[worst.code]);
  return next ? cardText(`${next.date.slice(0, 10)}: ${next.event}`) : '—';
}

/** One row per domain: status and next milestone; the worst first. */
export function renderSummaryCard(
  templates: CardTemplates,
  results: Assessment[],
  options: { now: Date; title: string; footer: string },
): AdaptiveCard {
  const sorted = [...results].sort(
    (a, b) =>
      STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
      a.domain.localeCompare(b.domain, 'en', { numeric: true }),
  );
  const worst = sorted[0]?.status ?? 'ok';
  const counts = STATUS_ORDER.map(
    (s) => [s, results.filter((r) => r.status === s).length] as const,
  ).filter(([, n]) => n > 0);
  return templates.expand('summary', {
    title: cardText(options.title),
    headline: counts.map(([s, n]) => `${n} ${s}`).join(' · ') || 'no federated domains',
    bannerStyle: BANNER_STYLE[worst],
    rows: sorted.map((r) => ({
      domain: cardText(displayName(r.subject)),
      status: r.status.toUpperCase(),
      statusStyle: STATUS_STYLE[r.status],
      milestone: nextMilestone(r, options.now),
    })),
    footer: options.footer,
  });
}

export type MessageStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

/** A command that lists the tenant's domains, asked for while Graph is not configured. */
export function renderNeedsGraphCard(
  templates: CardTemplates,
  command: string,
  meanwhile: string,
): AdaptiveCard {
  return renderMessageCard(
    templates,
    `${command} needs Microsoft Graph`,
    [
      'It lists the federated domains of the tenant: give the bot the application permission Domain.Read.All with admin consent (GRAPH_TENANT_ID, GRAPH_CLIENT_ID and a secret or certificate, or GRAPH_MANAGED_IDENTITY=true), then try again.',
      `Meanwhile: ${meanwhile}`,
    ],
    'warning',
  );
}

/** A line already written as card markdown (a checked URL as a link, see cardLink): not escaped. */
export interface MarkdownLine {
  markdown: string;
}

/** A short card: errors, refusals, progress ("checking…"), notices. Text lines are escaped. */
export function renderMessageCard(
  templates: CardTemplates,
  title: string,
  lines: (string | MarkdownLine)[],
  style: MessageStyle = 'emphasis',
): AdaptiveCard {
  return templates.expand('message', {
    title: cardText(title),
    lines: lines.map((l) => (typeof l === 'string' ? cardText(l) : l.markdown)),
    style,
  });
}

export const COMMANDS: { command: string; meaning: string }[] = [
  {
    command: 'check fedtrust ‹domain› [‹domain› …]',
    meaning: 'assessment card per domain (also: check ‹domain›)',
  },
  {
    command: 'check fedtrust ‹domain› metadata ‹https-url›',
    meaning: 'for IdPs discovery cannot find (Okta, Ping, Shibboleth …)',
  },
  {
    command: 'check fedtrust all',
    meaning: 'every federated domain of the tenant, one summary card (needs Graph)',
  },
  {
    command: 'check exchange [‹organisation›]',
    meaning:
      'the Exchange Auth certificate against the dedicated hybrid app, and the federation trust against MFG (also: check mfg)',
  },
  {
    command: 'watch ‹domain› [metadata ‹https-url›]',
    meaning: 'alerts here before the certificate breaks sign-in; unwatch ‹domain› stops',
  },
  {
    command: 'watch all',
    meaning:
      'every federated domain of the tenant, new ones added at each sweep; unwatch all stops (needs Graph)',
  },
  {
    command: 'watch exchange',
    meaning:
      'alerts here before the hybrid app lacks the Auth certificate, or a used federation trust misses an MFG rotation',
  },
  { command: 'watchlist', meaning: 'what is watched here, with status and the next milestone' },
  { command: 'alerts', meaning: 'open alerts for what is watched here' },
  {
    command: 'set autorollover ‹domain› on|off',
    meaning: 'tell fedtrust whether AD FS renews by itself',
  },
  { command: 'set lead ‹days›', meaning: 'how early manual renewals are flagged here (default 7)' },
  {
    command: 'set oncall @person|@tag',
    meaning:
      'who critical re-notifications mention (pick them from the @ list); set oncall off clears it',
  },
  { command: 'help', meaning: 'this card' },
];

export function renderHelpCard(templates: CardTemplates, footer: string): AdaptiveCard {
  return templates.expand('help', {
    intro:
      "Compares your IdP's token-signing certificates with what Microsoft Entra ID trusts and says what will break, when, and the exact fix.",
    // Our own text: not escaped (escaping is for what others control). Placeholders are ‹domain›, not
    // <domain>: Teams reads <…> as markup and drops it.
    commands: COMMANDS,
    footer,
  });
}
