import { domainToUnicode } from 'node:url';

/**
 * What an assessment is about (DESIGN §5): a federated domain, or the Exchange federation trust with
 * the Microsoft Federation Gateway — one organisation's (from its collector snapshot), or MFG's side
 * alone when no organisation has sent a trust yet.
 */
export type Subject = { kind: 'domain'; domain: string } | MfgSubject | HybridSubject;

/** One organisation's Exchange hybrid OAuth trust: its Auth certificate and dedicated app (rule 14). */
export type HybridSubject = { kind: 'exchange-hybrid'; organization: string };

/** The public name and key prefix of a hybrid result (`--json`'s "domain"). */
export const HYBRID_KEY = 'exchange-hybrid';

/** The Exchange federation trust of one organisation, or MFG's side alone (no organisation). */
export type MfgSubject = { kind: 'mfg'; organization?: string };

/**
 * What a conversation watches (`watch …`): a domain, with the metadata URL it was given, or every
 * organisation's Exchange trust (`watch exchange`).
 */
export type WatchTarget =
  { kind: 'domain'; domain: string; metadataUrl?: string } | { kind: 'exchange' };

/**
 * The store key of `watch exchange`, also what Exchange cards' actions carry as `domain` (posted cards
 * keep it). Not a domain name: it has no dot, so no domain collides with it.
 */
export const EXCHANGE_KEY = 'exchange';

/**
 * The watch row of `watch all` (every federated domain of the tenant). Not a target of its own: the
 * domains it brings are watched by name (src/use-cases/watch-all.ts). No domain is named `*`.
 */
export const WATCH_ALL_KEY = '*';

/** Every store and IdP key is built below, and only here. */

/** The key a watch is stored under (and an alert lists as an affected name): the domain, or `exchange`. */
export function watchKey(target: WatchTarget): string {
  return target.kind === 'domain' ? target.domain : EXCHANGE_KEY;
}

/** The watch target a stored key names (the inverse of {@link watchKey}). */
export function parseWatchKey(key: string, metadataUrl?: string): WatchTarget {
  if (key === EXCHANGE_KEY) return { kind: 'exchange' };
  return metadataUrl === undefined
    ? { kind: 'domain', domain: key }
    : { kind: 'domain', domain: key, metadataUrl };
}

/** What a watch is listed as (the watchlist's row): the domain, or MFG's side of the Exchange trust. */
export function subjectOfWatch(target: WatchTarget): Subject {
  return target.kind === 'domain' ? { kind: 'domain', domain: target.domain } : { kind: 'mfg' };
}

/**
 * The key a subject's latest assessment is stored under: the domain; `exchange:<organisation>` for an
 * organisation's trust; `exchange` for MFG's side alone (and the sweep's MFG read).
 */
export function assessmentKey(subject: Subject): string {
  if (subject.kind === 'domain') return subject.domain;
  if (subject.kind === 'exchange-hybrid') return `${HYBRID_KEY}:${subject.organization}`;
  return subject.organization ? `${EXCHANGE_KEY}:${subject.organization}` : EXCHANGE_KEY;
}

/** The subject a stored assessment key names (the inverse of {@link assessmentKey}). */
export function parseAssessmentKey(key: string): Subject {
  if (key === EXCHANGE_KEY) return { kind: 'mfg' };
  if (key.startsWith(`${HYBRID_KEY}:`))
    return { kind: 'exchange-hybrid', organization: key.slice(HYBRID_KEY.length + 1) };
  if (key.startsWith(`${EXCHANGE_KEY}:`))
    return { kind: 'mfg', organization: key.slice(EXCHANGE_KEY.length + 1) };
  return { kind: 'domain', domain: key };
}

/** The name `--json` and the stored assessment give a subject (a public interface: `mfg` for MFG). */
export function publicName(subject: Subject): string {
  if (subject.kind === 'exchange-hybrid') return HYBRID_KEY;
  return subject.kind === 'domain' ? subject.domain : 'mfg';
}

/**
 * The IdP an MFG subject's alerts are keyed on (DESIGN §4 "Alerts"): each organisation's trust is its
 * own alert source, `exchange:<organisation>|<MFG URL>`; MFG alone is `exchange|<MFG URL>`.
 */
export function mfgIdpKey(subject: MfgSubject, mfgMetadataUrl: string): string {
  return `${assessmentKey(subject)}|${mfgMetadataUrl}`;
}

/** The key MFG's certificate history is kept under (first seen, for rule 12's 48 h). */
export function mfgHistoryKey(mfgMetadataUrl: string): string {
  return `mfg|${mfgMetadataUrl}`;
}

/**
 * The IdP a domain's assessment belongs to: entityID and metadata URL (DESIGN §4 "Alerts"). When the
 * metadata could not be read the entityID is unknown: the IdP keeps the key it had (so its alerts can
 * resolve when the metadata is back), else it is keyed by its URL, or by the domain when even that is
 * unknown.
 */
export function domainIdpKey(
  domain: string,
  idp: { entityId?: string; metadataUrl?: string } | undefined,
  previousKey?: string,
): string {
  const url = idp?.metadataUrl;
  if (idp?.entityId && url) return `${idp.entityId}|${url}`;
  if (previousKey && (!url || previousKey.endsWith(`|${url}`))) return previousKey;
  return `?|${url ?? `domain:${domain}`}`;
}

/** The IdP a hybrid subject's alerts are keyed on: one alert source per organisation. */
export function hybridIdpKey(subject: HybridSubject): string {
  return assessmentKey(subject);
}

/** The key an organisation's Auth slot history is kept under (next first seen, stale keys). */
export function hybridHistoryKey(organization: string): string {
  return `${HYBRID_KEY}-auth|${organization.toLowerCase()}`;
}

/** A shared sweep's identity of a watch target within a run (a retried job counts once). */
export function targetRunKey(target: WatchTarget): string {
  return target.kind === 'domain'
    ? `${target.domain}|${target.metadataUrl ?? ''}`
    : `${EXCHANGE_KEY}|`;
}

/** How a subject or watch target reads in a listing: a domain in Unicode, or the Exchange trust. */
export function displayName(what: Subject | WatchTarget): string {
  if (what.kind === 'exchange-hybrid') return `Exchange hybrid app (${what.organization})`;
  return what.kind === 'domain' ? domainToUnicode(what.domain) : 'Exchange trust (MFG)';
}
