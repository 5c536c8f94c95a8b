import { resolve } from 'node:path';
import { loadSettings } from '../../../src/config';
import { isAppError } from '../../../src/errors';
import {
  describeDatabaseUrl,
  jobsSchemaFor,
  parseDatabaseUrl,
} from '../../../src/store/open-store';

describe('DATABASE_URL', () => {
  it('reads sqlite paths and PostgreSQL URLs, taking ?schema= out of what pg sees', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.db')).toEqual({
      kind: 'sqlite',
      path: resolve('./data/x.db'),
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
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
