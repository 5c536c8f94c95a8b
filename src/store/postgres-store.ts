import { Kysely, PostgresDialect } from 'kysely';
import { Client, Pool } from 'pg';
import { KyselyStore, migrateToLatest } from './kysely-store';
import type { Database } from './schema';

/**
 * The shared store for several replicas (DATABASE_URL=postgres://…): the same schema, migrations and
 * queries as SQLite through Kysely. `schema`, when given, is created and set as every connection's
 * search_path (tests isolate themselves in one).
 */
export async function openPostgresStore(
  url: string,
  options: {
    schema?: string;
    maxConnections?: number;
    applicationName?: string;
    /** An idle connection lost (failover, restart, a terminated backend); the pool replaces it. */
    onConnectionError?: (error: Error) => void;
  } = {},
): Promise<KyselyStore> {
  const schema = options.schema?.replace(/[^a-z0-9_]/gi, '');
  if (schema) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${schema}"`);
    } catch (error) {
      // Replicas starting together race on "if not exists": the loser finds the schema made.
      const made = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
      if (made.rowCount !== 1) throw error;
    } finally {
      await client.end();
    }
  }
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // What a DBA sees in pg_stat_activity (and what a test can single out).
    application_name: options.applicationName ?? 'fedtrust-bot',
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // Without a listener, pg's pool turns a lost idle connection into an uncaught error that ends the
  // process (Azure's maintenance fails the server over): it is reported, and the next query reconnects.
  pool.on('error', (error) => options.onConnectionError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db, schema);
  return new KyselyStore(db, schema);
}
