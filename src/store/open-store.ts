import { resolve } from 'node:path';
import { openPostgresStore } from './postgres-store';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './store';

export type DatabaseLocation =
  /**
   * `journal`: from `?journal=delete` — SQLite's rollback journal instead of WAL, for a file on a
   * network share (App Service's /home), where WAL's shared memory does not work.
   */
  | { kind: 'sqlite'; path: string; journal: 'wal' | 'delete' }
  /** `schema`: from `?schema=name` (not a pg parameter: removed from the URL pg sees). */
  | { kind: 'postgres'; url: string; schema?: string };

/** Reads DATABASE_URL: `sqlite:<path>` or `postgres://…[?schema=name]`. */
export function parseDatabaseUrl(databaseUrl: string): DatabaseLocation {
  if (databaseUrl.startsWith('sqlite:')) {
    const [path = '', query = ''] = databaseUrl.slice('sqlite:'.length).split('?', 2);
    const journal = new URLSearchParams(query).get('journal') === 'delete' ? 'delete' : 'wal';
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path), journal };
  }
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { kind: 'postgres', url: url.toString(), schema };
}

/** DATABASE_URL fit for output: the password replaced. */
export function describeDatabaseUrl(databaseUrl: string): string {
  if (!URL.canParse(databaseUrl) || databaseUrl.startsWith('sqlite:')) return databaseUrl;
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

/** pg-boss's schema: beside the store's (`<schema>_jobs`), else `fedtrust_jobs`. */
export function jobsSchemaFor(location: { schema?: string }): string {
  return `${location.schema ?? 'fedtrust'}_jobs`;
}

/** Opens the store DATABASE_URL names, migrated to the latest schema. */
export async function openStore(
  databaseUrl: string,
  options: { onConnectionError?: (error: Error) => void } = {},
): Promise<Store> {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.kind === 'sqlite')
    return openSqliteStore(location.path, { journal: location.journal });
  return openPostgresStore(location.url, { schema: location.schema, ...options });
}
