import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** The real PostgreSQL of this machine and CI (127.0.0.1:5432, database test, trust auth). */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Synchronous, because jest collects describe blocks synchronously. */
function reachable(): boolean {
  const probe =
    "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))";
  try {
    execFileSync(process.execPath, ['-e', probe, TEST_DATABASE_URL], {
      stdio: 'ignore',
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `define` when PostgreSQL answers. CI sets REQUIRE_POSTGRES=1 so the suite fails rather than
 * skips; elsewhere it skips with one line.
 */
export function withPostgres(what: string, define: () => void): void {
  if (reachable()) define();
  else if (process.env.REQUIRE_POSTGRES === '1')
    it(`${what} needs PostgreSQL (REQUIRE_POSTGRES=1)`, () => {
      throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} does not answer`);
    });
  else
    it.skip(`PostgreSQL at ${TEST_DATABASE_URL} does not answer: ${what} is skipped`, () =>
      undefined);
}

/** A fresh schema name per test; dropSchemas() removes them (and pg-boss's `<name>_jobs`). */
export function testSchema(schemas: string[]): string {
  const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  schemas.push(schema);
  return schema;
}

export async function dropSchemas(schemas: string[]): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  for (const schema of schemas) {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.query(`drop schema if exists "${schema}_jobs" cascade`);
  }
  await client.end();
}
