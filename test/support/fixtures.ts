import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared, real fixtures (never edited): ../shared/fixtures beside the repository. */
export const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures');

export function fixture(relative: string): string {
  return join(FIXTURES, relative);
}

export function readFixture(relative: string): string {
  return readFileSync(fixture(relative), 'utf8');
}
