import { ENTRA_POLL_DAYS } from '../engine/entra-poll';
import { displayName, type WatchTarget } from '../engine/subject';
import type { AdaptiveCard, CardTemplates } from './card-templates';
import { cardUrl } from './escape';
import { renderMessageCard } from './other-cards';

/** The answer to `watch …` and the Watch button. */
export function renderWatchCard(
  templates: CardTemplates,
  target: WatchTarget,
  result: 'added' | 'updated',
): AdaptiveCard {
  const verb = result === 'added' ? 'Watching' : 'Still watching';
  if (target.kind === 'exchange')
    return renderMessageCard(
      templates,
      `${verb} Exchange hybrid: the hybrid app and the federation trust`,
      [
        "This conversation gets an alert before an organisation's dedicated hybrid app lacks the Exchange Auth certificate (a staged next certificate not uploaded, the current one missing, an Auth certificate expiring with no successor), for unknown credentials on the app and keys left on the shared Exchange Online principal.",
        "And, while the federation trust is in use: when the Microsoft Federation Gateway rotates its signing certificate and the trust has not refreshed, when a collector snapshot goes stale, and before the trust's OrgCertificate expires.",
        'Both are read from the collector (collector/README.md) and Graph; an alert resolves at the first sweep where it no longer holds.',
        'Type unwatch exchange to stop.',
      ],
      'good',
    );
  return renderMessageCard(
    templates,
    `${verb} ${target.domain}`,
    [
      `This conversation gets an alert before ${target.domain}'s token-signing certificate breaks sign-in: warnings before the ${ENTRA_POLL_DAYS}-day deadline when renewal is manual, before promotion when Entra lacks the next certificate, and at once when the trust is broken.`,
      target.metadataUrl
        ? { markdown: `Metadata: ${cardUrl(target.metadataUrl)}` }
        : 'The identity provider is found by discovery.',
      'Type watchlist to see what is watched, unwatch ‹domain› to stop.',
    ],
    'good',
  );
}

/** The answer to `unwatch …`. */
export function renderUnwatchCard(
  templates: CardTemplates,
  target: WatchTarget,
  removed: boolean,
): AdaptiveCard {
  return renderMessageCard(
    templates,
    removed
      ? `Stopped watching ${displayName(target)}`
      : `${displayName(target)} was not watched here`,
    [
      removed
        ? 'No more alerts for it in this conversation.'
        : 'Type watchlist to see what is watched.',
    ],
    removed ? 'emphasis' : 'warning',
  );
}

/** The answer to `set autorollover` and to the check card's question. */
export function renderAutoRolloverCard(
  templates: CardTemplates,
  domain: string,
  value: boolean,
): AdaptiveCard {
  return renderMessageCard(
    templates,
    `Auto-rollover for ${domain}: ${value ? 'on' : 'off'}`,
    [
      value
        ? 'AD FS renews the token-signing certificate itself; fedtrust watches that Entra picks up the successor.'
        : `Renewal is manual: fedtrust warns before the ${ENTRA_POLL_DAYS}-day deadline.`,
    ],
    'good',
  );
}

/** The answer to `set lead <days>`. */
export function renderLeadCard(templates: CardTemplates, days: number): AdaptiveCard {
  return renderMessageCard(
    templates,
    `Lead set to ${days} days here`,
    [
      `Certificates renewed by hand (auto-rollover off, or a third-party IdP) are flagged in this conversation ${ENTRA_POLL_DAYS + days} days before they expire; Entra's ${ENTRA_POLL_DAYS}-day deadline and the critical alerts do not change.`,
    ],
    'good',
  );
}

/** The answer to `set oncall …`: who is mentioned now, or why nobody was set. */
export function renderOncallCard(
  templates: CardTemplates,
  outcome: { set: { kind: 'user' | 'tag'; name: string } } | { cleared: true } | { missing: true },
): AdaptiveCard {
  if ('set' in outcome)
    return renderMessageCard(
      templates,
      'On-call set',
      [
        `Critical alerts that nobody acknowledged mention ${outcome.set.kind === 'tag' ? 'the tag ' : ''}${outcome.set.name} in their thread when they re-notify: Teams notifies ${outcome.set.kind === 'tag' ? 'everyone with the tag' : 'them'}.`,
      ],
      'good',
    );
  if ('cleared' in outcome)
    return renderMessageCard(
      templates,
      'On-call cleared',
      ['Re-notifications mention nobody here until someone says set oncall @name again.'],
      'emphasis',
    );
  return renderMessageCard(
    templates,
    'Mention the on-call',
    [
      'Type set oncall, then @ and pick the person or the tag from the list Teams offers: only a real mention notifies anyone, a typed name does not.',
      'set oncall off clears it.',
    ],
    'warning',
  );
}

/** A card action that cannot be carried out (forged, stale, or not this conversation's): nothing changed. */
export function renderInvalidActionCard(templates: CardTemplates, why: string): AdaptiveCard {
  return renderMessageCard(
    templates,
    'That card action is not valid',
    [why, 'Nothing was changed.'],
    'attention',
  );
}
