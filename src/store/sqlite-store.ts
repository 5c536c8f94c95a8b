import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore, migrateToLatest } from './kysely-store';
import type { Database } from './schema';

/**
 * The embedded store (DATABASE_URL=sqlite:./data/fedtrust.db, created on first start): WAL journal
 * (or the rollback journal on a network share), foreign keys on, a busy timeout so a CLI sweep and the
 * bot can share the file. Migrated on open.
 */
export async function openSqliteStore(
  path: string,
  options: { journal?: 'wal' | 'delete' } = {},
): Promise<KyselyStore> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  database.pragma(`journal_mode = ${options.journal === 'delete' ? 'DELETE' : 'WAL'}`);
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  cacheStatements(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db);
  return new KyselyStore(db);
}

const CACHED_STATEMENTS = 500;

/**
 * Kysely prepares every query anew; a turn or a sweep runs the same few dozen statements over and
 * over, so each SQL text is prepared once and reused (better-sqlite3 statements are reusable, and
 * SQLite re-prepares one itself if the schema changed).
 */
function cacheStatements(database: BetterSqlite3.Database): void {
  const prepare = database.prepare.bind(database);
  const statements = new Map<string, BetterSqlite3.Statement>();
  database.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = prepare(source);
      statements.set(source, statement);
      if (statements.size > CACHED_STATEMENTS)
        statements.delete(statements.keys().next().value as string);
    }
    return statement;
  }) as typeof database.prepare;
}
