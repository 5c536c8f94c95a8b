import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The real, public fixtures (never edited), in the repository: test/fixtures (sources in SOURCES.md). */
export const FIXTURES = join(__dirname, '..', 'fixtures');

export function fixture(relative: string): string {
  return join(FIXTURES, relative);
}

export function readFixture(relative: string): string {
  return readFileSync(fixture(relative), 'utf8');
}
