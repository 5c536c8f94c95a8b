import { displayName, parseWatchKey } from '../engine/subject';

/** How a watched name (a stored watch key) reads on a card: a domain in Unicode, or the Exchange trust. */
export function watchedName(key: string): string {
  return displayName(parseWatchKey(key));
}
