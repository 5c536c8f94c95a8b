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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db);
  return new KyselyStore(db);
}
