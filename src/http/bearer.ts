import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented bearer token in constant time (hashes first, so lengths never leak). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
