import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { forEveryClient } from './every-client';

const CARD_NAMES = ['check-result', 'summary', 'message', 'help', 'alert'] as const;
export type CardName = (typeof CARD_NAMES)[number];
export type AdaptiveCard = Record<string, unknown>;

/** The directory of the JSON templates (cards/ at the package root). */
export const CARDS_DIR = join(__dirname, '..', '..', 'cards');

/**
 * The card templates, each parsed once at start-up (DESIGN §8: building a Template costs ~24 ms, expanding
 * a cached one ~5 ms).
 */
export class CardTemplates {
  private readonly templates: Record<CardName, ACData.Template>;

  constructor(dir: string = CARDS_DIR) {
    const load = (name: CardName) =>
      new ACData.Template(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as object);
    this.templates = Object.fromEntries(CARD_NAMES.map((name) => [name, load(name)])) as Record<
      CardName,
      ACData.Template
    >;
  }

  /** The card for `data`, made to read the same on every Teams client (src/cards/every-client.ts). */
  expand(name: CardName, data: object): AdaptiveCard {
    return forEveryClient(this.templates[name].expand({ $root: data }) as AdaptiveCard);
  }
}

/** Size of a card as Teams counts it (UTF-8 bytes of the JSON). */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Teams refuses messages over ~28 KB; cards stay under this with room for the activity envelope. */
export const CARD_BUDGET_BYTES = 26 * 1024;
