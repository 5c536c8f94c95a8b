import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_TITLES } from '../../src/cards/finding-titles';
import { FINDING_CODES } from '../../src/engine/types';
import { ERROR_CODES } from '../../src/errors';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The codes in the first column of the README's findings table (a row may name several). */
function readmeFindingCodes(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('### Findings')[1]?.split('\n#')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!));
}

describe('the codes are documented, titled and used (fastify-style)', () => {
  it('lists every finding code in the README findings table, and only those', () => {
    expect([...readmeFindingCodes()].sort()).toEqual([...FINDING_CODES].sort());
  });

  it('gives every finding code a card title, and titles no other code', () => {
    expect(Object.keys(FINDING_TITLES).sort()).toEqual([...FINDING_CODES].sort());
  });

  it('has each finding code once', () => {
    expect(new Set(FINDING_CODES).size).toBe(FINDING_CODES.length);
  });

  it('raises or checks every error code of the catalogue somewhere outside it', () => {
    const code = sources(join(ROOT, 'src'))
      .filter((path) => !path.endsWith(join('src', 'errors.ts')))
      .map((path) => readFileSync(path, 'utf8'))
      .join('\n');
    const unused = Object.keys(ERROR_CODES).filter((c) => !code.includes(`'${c}'`));
    expect(unused).toEqual([]);
  });
});
