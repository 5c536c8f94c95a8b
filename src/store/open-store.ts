import { resolve } from 'node:path';
import { AppError } from '../errors';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './store';

/** Opens the store DATABASE_URL names, migrated to the latest schema. */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    return openSqliteStore(path === ':memory:' ? path : resolve(path));
  }
  throw new AppError(
    'CONFIG_INVALID',
    'DATABASE_URL: PostgreSQL arrives with the scale-out release; use sqlite:./data/fedtrust.db for now',
  );
}
