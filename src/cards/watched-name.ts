import { domainToUnicode } from 'node:url';
import { EXCHANGE_WATCH } from '../checks/check-exchange';

/** How a watched name reads on a card: a domain in Unicode, or the Exchange trust (`watch exchange`). */
export function watchedName(name: string): string {
  return name === EXCHANGE_WATCH || name === 'mfg' ? 'Exchange trust (MFG)' : domainToUnicode(name);
}
