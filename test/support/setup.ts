import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { CardTemplates, CARDS_DIR, type CardName } from '../../src/cards/card-templates';
import { forEveryClient } from '../../src/cards/every-client';

// Every card a test renders is expanded by the compiled template and by adaptivecards-templating, and
// must come out the same (src/cards/fast-template.ts).
const official = new Map<string, ACData.Template>();
const expand = CardTemplates.prototype.expand;
CardTemplates.prototype.expand = function (this: CardTemplates, name: CardName, data: object) {
  const card = expand.call(this, name, data);
  let template = official.get(name);
  if (!template) {
    template = new ACData.Template(
      JSON.parse(readFileSync(join(CARDS_DIR, `${name}.json`), 'utf8')) as object,
    );
    official.set(name, template);
  }
  const expected = forEveryClient(template.expand({ $root: data }) as Record<string, unknown>);
  if (JSON.stringify(card) !== JSON.stringify(expected))
    throw new Error(
      `the compiled ${name} template differs from adaptivecards-templating:\n${JSON.stringify(card)}\n${JSON.stringify(expected)}`,
    );
  return card;
};
