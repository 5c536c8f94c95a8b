const ZWSP = '\u200b';

/**
 * Untrusted text (certificate subjects, URLs, error bodies) on a card (DESIGN §6). Adaptive Cards
 * markdown knows bold/italic (`*`, `_`), links (`[text](url)`) and lists at the start of a line; Teams
 * also turns `scheme://` and `www.` into links. A zero-width space after each of these breaks the
 * pattern invisibly, where a backslash escape might be shown literally.
 */
export function cardText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
      // An underscore inside a word (MFG_METADATA_URL) is never emphasis in markdown: left as it is,
      // so a setting's name copies exactly.
      .replace(/([*_[\]<>`~])/g, (c: string, _m: string, at: number, all: string) =>
        c === '_' &&
        /[\p{L}\p{N}]/u.test(all[at - 1] ?? '') &&
        /[\p{L}\p{N}]/u.test(all[at + 1] ?? '')
          ? c
          : `${c}${ZWSP}`,
      )
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`)
      .replace(/@/g, `@${ZWSP}`)
      .replace(/^(\s*)([-+]|\d+\.)(\s)/gm, `$1${ZWSP}$2$3`)
  );
}

/**
 * A URL the bot itself checked (an https metadata URL that was validated and fetched): shown exactly,
 * so it copies with no invisible character in it, and free to become a link in Teams — it is the
 * admin's own endpoint, not text someone else wrote. Characters markdown would read are
 * percent-encoded (the same URL to a browser).
 */
export function cardUrl(url: string): string {
  return url.replace(
    /[()[\]<>\s*`~\\]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Clips long text for a card cell, on a character boundary. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
