import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadSettings } from '../../../src/config';
import { isAppError } from '../../../src/errors';
import {
  describeDatabaseUrl,
  jobsSchemaFor,
  openStore,
  parseDatabaseUrl,
} from '../../../src/store/open-store';

describe('DATABASE_URL', () => {
  it('reads sqlite paths and PostgreSQL URLs, taking ?schema= out of what pg sees', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.db')).toEqual({
      kind: 'sqlite',
      path: resolve('./data/x.db'),
      journal: 'wal',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({
      kind: 'sqlite',
      path: ':memory:',
      journal: 'wal',
    });
    // App Service keeps /home on a network share, where WAL's shared memory does not work.
    expect(parseDatabaseUrl('sqlite:/home/data/fedtrust.db?journal=delete')).toEqual({
      kind: 'sqlite',
      path: '/home/data/fedtrust.db',
      journal: 'delete',
    });
    expect(() => loadSettings({ DATABASE_URL: 'sqlite:/x.db?journal=memory' })).toThrow(
      /DATABASE_URL: must be sqlite:<path>\[\?journal=wal\|delete\]/,
    );
    expect(
      parseDatabaseUrl('postgres://u:p@db.example.com:5432/fedtrust?sslmode=require&schema=ft'),
    ).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db.example.com:5432/fedtrust?sslmode=require',
      schema: 'ft',
    });
    expect(jobsSchemaFor({ schema: 'ft' })).toBe('ft_jobs');
    expect(jobsSchemaFor({})).toBe('fedtrust_jobs');
  });

  it('never prints the password', () => {
    expect(describeDatabaseUrl('postgres://fedtrust:s3cret@db.example.com/fedtrust')).toBe(
      'postgres://fedtrust:***@db.example.com/fedtrust',
    );
    expect(describeDatabaseUrl('sqlite:./data/fedtrust.db')).toBe('sqlite:./data/fedtrust.db');
  });

  it('refuses a schema that is not a plain PostgreSQL identifier', () => {
    expect(loadSettings({ DATABASE_URL: 'postgres://db/fedtrust?schema=ft_1' }).DATABASE_URL).toBe(
      'postgres://db/fedtrust?schema=ft_1',
    );
    try {
      loadSettings({ DATABASE_URL: 'postgres://db/fedtrust?schema=x";drop' });
      throw new Error('accepted');
    } catch (error) {
      expect(isAppError(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toContain('DATABASE_URL');
    }
  });
});

describe('the SQLite journal', () => {
  it('opens with the rollback journal when DATABASE_URL asks for it, WAL otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtrust-journal-'));
    for (const [query, mode] of [
      ['?journal=delete', 'delete'],
      ['', 'wal'],
    ] as const) {
      const file = join(dir, `${mode}.db`);
      const store = await openStore(`sqlite:${file}${query}`);
      await store.close();
      const db = new BetterSqlite3(file, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe(mode);
      db.close();
    }
  });
});
