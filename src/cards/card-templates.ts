import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';

export type CardName = 'check-result' | 'summary' | 'message' | 'help' | 'alert';
export type AdaptiveCard = Record<string, unknown>;

/** The directory of the JSON templates (cards/ at the package root). */
export const CARDS_DIR = join(__dirname, '..', '..', 'cards');

/**
 * The card templates, each parsed once at start-up (DESIGN §8: building a Template costs ~24 ms, expanding
 * a cached one ~5 ms).
 */
export class CardTemplates {
  private readonly templates = new Map<CardName, ACData.Template>();

  constructor(dir: string = CARDS_DIR) {
    for (const name of ['check-result', 'summary', 'message', 'help', 'alert'] as const) {
      const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as object;
      this.templates.set(name, new ACData.Template(json));
    }
  }

  expand(name: CardName, data: object): AdaptiveCard {
    const template = this.templates.get(name);
    if (!template) throw new RangeError(`no card template ${name}`);
    return template.expand({ $root: data }) as AdaptiveCard;
  }
}

/** Size of a card as Teams counts it (UTF-8 bytes of the JSON). */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Teams refuses messages over ~28 KB; cards stay under this with room for the activity envelope. */
export const CARD_BUDGET_BYTES = 26 * 1024;
