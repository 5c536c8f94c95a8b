import { parseDomain } from '../engine/domain';
import { ENTRA_POLL_DAYS } from '../engine/entra-poll';
import { isOrganizationName } from '../engine/organization';
import { EXCHANGE_KEY, type WatchTarget } from '../engine/subject';

/** What a user asked for, parsed from a Teams message (DESIGN §2). */
export type Command =
  | { kind: 'check'; domains: string[]; metadataUrl?: string }
  | { kind: 'check-all' }
  /** `check mfg` / `check exchange` [organisation]: MFG against the collector's trust snapshots. */
  | { kind: 'check-exchange'; organization?: string }
  | { kind: 'help' }
  | { kind: 'watch'; target: WatchTarget }
  | { kind: 'unwatch'; target: WatchTarget }
  /** `watch all` / `unwatch all`: every federated domain of the tenant (Graph). */
  | { kind: 'watch-all' }
  | { kind: 'unwatch-all' }
  | { kind: 'watchlist' }
  | { kind: 'alerts' }
  | { kind: 'set-autorollover'; domain: string; value: boolean }
  /** The person or tag is the mention entity of the activity (bot/turn-facts.ts), not the text. */
  | { kind: 'set-oncall'; clear?: true }
  | { kind: 'set-lead'; days: number }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unknown' };

export const MAX_DOMAINS_PER_MESSAGE = 10;
export const MAX_LEAD_DAYS = 90;

/** Removes Teams markup: <at>mentions</at>, other tags, entities, and collapses white space. */
export function plainText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/\s+/g, ' ')
    .trim();
}

function parseCheck(args: string[]): Command {
  const words = args[0]?.toLowerCase() === 'fedtrust' ? args.slice(1) : args;
  if (words.length === 0)
    return { kind: 'invalid', reason: 'Name a domain: `check fedtrust contoso.com`.' };
  if (words.length === 1 && words[0]!.toLowerCase() === 'all') return { kind: 'check-all' };
  if (['mfg', 'exchange'].includes(words[0]!.toLowerCase())) {
    const organization = words.slice(1).join(' ');
    if (!organization) return { kind: 'check-exchange' };
    if (!isOrganizationName(organization))
      return {
        kind: 'invalid',
        reason: `Say \`check ${words[0]!.toLowerCase()}\` or \`check ${words[0]!.toLowerCase()} ‹organisation›\` (the collector's -Organization).`,
      };
    return { kind: 'check-exchange', organization };
  }
  const at = words.findIndex((w) => w.toLowerCase() === 'metadata');
  const domainWords = at === -1 ? words : words.slice(0, at);
  let metadataUrl: string | undefined;
  if (at !== -1) {
    const rest = words.slice(at + 1);
    if (rest.length !== 1)
      return {
        kind: 'invalid',
        reason:
          'Give one URL after `metadata`: `check fedtrust contoso.com metadata https://idp.example.com/metadata.xml`.',
      };
    if (domainWords.length !== 1)
      return {
        kind: 'invalid',
        reason: 'A metadata URL describes one domain: name exactly one domain before `metadata`.',
      };
    metadataUrl = rest[0]!;
    if (!/^https:\/\/[^\s]+$/i.test(metadataUrl))
      return { kind: 'invalid', reason: 'The metadata URL must start with https://.' };
  }
  if (domainWords.length > MAX_DOMAINS_PER_MESSAGE) {
    return {
      kind: 'invalid',
      reason: `Check at most ${MAX_DOMAINS_PER_MESSAGE} domains per message (or \`check fedtrust all\`).`,
    };
  }
  const domains: string[] = [];
  for (const word of domainWords) {
    const domain = parseDomain(word);
    if (!domain.ok) return { kind: 'invalid', reason: domain.reason };
    if (!domains.includes(domain.ascii)) domains.push(domain.ascii);
  }
  return metadataUrl ? { kind: 'check', domains, metadataUrl } : { kind: 'check', domains };
}

function parseWatch(verb: 'watch' | 'unwatch', args: string[]): Command {
  if (args[0]?.toLowerCase() === 'all') {
    return args.length === 1
      ? { kind: verb === 'watch' ? 'watch-all' : 'unwatch-all' }
      : { kind: 'invalid', reason: `\`${verb} all\` takes nothing more.` };
  }
  if (args[0]?.toLowerCase() === EXCHANGE_KEY) {
    return args.length === 1
      ? { kind: verb, target: { kind: 'exchange' } }
      : { kind: 'invalid', reason: `\`${verb} exchange\` takes nothing more.` };
  }
  const at = args.findIndex((w) => w.toLowerCase() === 'metadata');
  const names = at === -1 ? args : args.slice(0, at);
  if (names.length !== 1)
    return { kind: 'invalid', reason: `Name one domain: \`${verb} contoso.com\`.` };
  const domain = parseDomain(names[0]!);
  if (!domain.ok) return { kind: 'invalid', reason: domain.reason };
  if (verb === 'unwatch')
    return at === -1
      ? { kind: 'unwatch', target: { kind: 'domain', domain: domain.ascii } }
      : { kind: 'invalid', reason: '`unwatch` takes only the domain.' };
  if (at === -1) return { kind: 'watch', target: { kind: 'domain', domain: domain.ascii } };
  const url = args.slice(at + 1);
  if (url.length !== 1 || !/^https:\/\/\S+$/i.test(url[0]!))
    return { kind: 'invalid', reason: 'Give one https:// URL after `metadata`.' };
  return {
    kind: 'watch',
    target: { kind: 'domain', domain: domain.ascii, metadataUrl: url[0]! },
  };
}

function parseSet(args: string[]): Command {
  const what = args[0]?.toLowerCase();
  if (what === 'autorollover') {
    const domain = parseDomain(args[1] ?? '');
    const value = args[2]?.toLowerCase();
    if (!domain.ok || (value !== 'on' && value !== 'off') || args.length !== 3) {
      return {
        kind: 'invalid',
        reason: 'Say `set autorollover contoso.com on` or `… off` (AD FS AutoCertificateRollover).',
      };
    }
    return { kind: 'set-autorollover', domain: domain.ascii, value: value === 'on' };
  }
  if (what === 'oncall') {
    const rest = args.slice(1).map((w) => w.toLowerCase());
    if (rest.length === 1 && (rest[0] === 'off' || rest[0] === 'none'))
      return { kind: 'set-oncall', clear: true };
    return { kind: 'set-oncall' };
  }
  if (what === 'lead') {
    const days = Number(args[1]);
    if (args.length !== 2 || !Number.isInteger(days) || days < 0 || days > MAX_LEAD_DAYS) {
      return {
        kind: 'invalid',
        reason: `Say \`set lead 14\`: how many days before the ${ENTRA_POLL_DAYS}-day deadline a manual renewal is first flagged here (0 to ${MAX_LEAD_DAYS}).`,
      };
    }
    return { kind: 'set-lead', days };
  }
  return {
    kind: 'invalid',
    reason:
      'Say `set autorollover ‹domain› on|off`, `set lead ‹days›` or `set oncall @name` (or a @tag).',
  };
}

/**
 * Parses a message, case-insensitively, after Teams markup is removed:
 * `check fedtrust <domain>…`, `check <domain>…`, `check fedtrust <domain> metadata <https-url>`,
 * `check fedtrust all`, `check mfg|exchange [<organisation>]`, `watch`/`unwatch <domain>|exchange`,
 * `watchlist`, `alerts`, `set …`, `help`. Anything else is unknown (the bot answers with help).
 */
export function parseCommand(text: string): Command {
  const words = plainText(text).split(' ').filter(Boolean);
  const [first, ...args] = words;
  const verb = first?.toLowerCase();
  if (verb === undefined) return { kind: 'unknown' };
  if (verb === 'help' || verb === '?' || verb === '/help') return { kind: 'help' };
  if (verb === 'check') return parseCheck(args);
  if (verb === 'watch' || verb === 'unwatch') return parseWatch(verb, args);
  if (verb === 'watchlist' && args.length === 0) return { kind: 'watchlist' };
  if (verb === 'alerts' && args.length === 0) return { kind: 'alerts' };
  if (verb === 'set') return parseSet(args);
  return { kind: 'unknown' };
}
