import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ACData from 'adaptivecards-templating';
import { forEveryClient } from './every-client';
import { compileTemplate } from './fast-template';

const CARD_NAMES = ['check-result', 'summary', 'message', 'help', 'alert'] as const;
export type CardName = (typeof CARD_NAMES)[number];
export type AdaptiveCard = Record<string, unknown>;

/** The directory of the JSON templates (cards/ at the package root). */
export const CARDS_DIR = join(__dirname, '..', '..', 'cards');

type Expander = (data: object) => AdaptiveCard;

/**
 * The card templates, each compiled once at start-up into a plain function (src/cards/fast-template.ts);
 * a template using more of the templating language than that compiles is expanded by
 * adaptivecards-templating (DESIGN §8: building a Template costs ~24 ms, expanding one ~5 ms).
 */
export class CardTemplates {
  private readonly expanders: Record<CardName, Expander>;

  constructor(dir: string = CARDS_DIR) {
    const load = (name: CardName): Expander => {
      const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as object;
      const fast = compileTemplate(json);
      if (fast) return fast as Expander;
      // Loaded only for a template that does not compile (adaptive-expressions is large).
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
      const templating = require('adaptivecards-templating') as typeof ACData;
      const official = new templating.Template(json);
      return (data) => official.expand({ $root: data }) as AdaptiveCard;
    };
    this.expanders = Object.fromEntries(CARD_NAMES.map((name) => [name, load(name)])) as Record<
      CardName,
      Expander
    >;
  }

  /** The card for `data`, made to read the same on every Teams client (src/cards/every-client.ts). */
  expand(name: CardName, data: object): AdaptiveCard {
    return forEveryClient(this.expanders[name](data));
  }
}

/** Size of a card as Teams counts it (UTF-8 bytes of the JSON). */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Teams refuses messages over ~28 KB; cards stay under this with room for the activity envelope. */
export const CARD_BUDGET_BYTES = 26 * 1024;
