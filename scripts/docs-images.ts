/** `npm run docs:images`: copies the card and Playground screenshots the tests made into docs/images. */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const pictures = [
  'cards/alert-open.png',
  'cards/alert-acknowledged.png',
  'cards/check-ok.png',
  'cards/check-warning.png',
  'cards/check-worst-case.png',
  'cards/check-exchange.png',
  'cards/check-exchange-hybrid.png',
  'cards/summary-50.png',
  'clients/check-warning-light-320.png',
  'clients/check-warning-dark-540.png',
  'clients/alert-open-dark-320.png',
  'clients/alert-not-delivered-dark-320.png',
  'cards/help.png',
  'cards/error.png',
  'e2e/playground-check.png',
  'e2e/playground-acknowledged.png',
  'e2e/playground-escalation.png',
  'e2e/playground-exchange-hybrid.png',
];
mkdirSync(join(root, 'docs', 'images'), { recursive: true });
for (const picture of pictures) {
  const from = join(root, 'test-output', picture);
  if (!existsSync(from)) {
    process.stderr.write(`missing ${from}: run npm test first\n`);
    process.exitCode = 1;
    continue;
  }
  copyFileSync(from, join(root, 'docs', 'images', picture.replace('/', '-')));
}
