import { domainToASCII, domainToUnicode } from 'node:url';

export type DomainResult =
  { ok: true; ascii: string; unicode: string } | { ok: false; reason: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Validates a DNS domain name as typed by an admin (DESIGN §4 step 1): IDN → punycode, lower case,
 * 253 characters, 1–63 per label, letters/digits/hyphens, at least two labels, no IP address.
 *
 * @example parseDomain('Bücher.example') // { ok: true, ascii: 'xn--bcher-kva.example', … }
 */
export function parseDomain(input: string): DomainResult {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '') return { ok: false, reason: 'no domain given' };
  if (trimmed.length > 253 * 4) return { ok: false, reason: 'domain is too long' };
  if (/[\s/:@?#\\*_%]/.test(trimmed)) {
    return {
      ok: false,
      reason: `"${clip(trimmed)}" is not a domain name (give only the name, like contoso.com)`,
    };
  }
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii) return { ok: false, reason: `"${clip(trimmed)}" is not a valid domain name` };
  if (ascii.length > 253) return { ok: false, reason: 'domain is longer than 253 characters' };
  const labels = ascii.split('.');
  if (labels.length < 2)
    return { ok: false, reason: `"${clip(trimmed)}" needs at least two labels, like contoso.com` };
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined)
    return { ok: false, reason: `"${clip(trimmed)}" has an invalid label "${clip(bad)}"` };
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) {
    return { ok: false, reason: `"${clip(trimmed)}" is an IP address, not a domain name` };
  }
  return { ok: true, ascii, unicode: domainToUnicode(ascii) };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The domain and each parent with at least two labels: a.b.contoso.com → b.contoso.com → contoso.com. */
export function domainAndParents(ascii: string): string[] {
  const labels = ascii.split('.');
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}
