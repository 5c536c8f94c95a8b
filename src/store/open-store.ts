import { resolve } from 'node:path';
import { openPostgresStore } from './postgres-store';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './store';

/** Opens the store DATABASE_URL names (sqlite:<path> or postgres://…), migrated to the latest schema. */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    return openSqliteStore(path === ':memory:' ? path : resolve(path));
  }
  return openPostgresStore(databaseUrl);
}
