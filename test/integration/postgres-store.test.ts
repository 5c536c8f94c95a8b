import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openPostgresStore } from '../../src/store/postgres-store';
import { describeStoreContract } from '../support/store-contract';

/**
 * The store contract on the real PostgreSQL (127.0.0.1:5432, database test, trust auth), each test in
 * a fresh schema. CI sets REQUIRE_POSTGRES=1 so these fail rather than skip; elsewhere they skip with
 * one line when no server answers.
 */
const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Synchronous, because jest collects describe blocks synchronously. */
function reachable(): boolean {
  const probe =
    "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))";
  try {
    execFileSync(process.execPath, ['-e', probe, URL], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const available = reachable();
const schemas: string[] = [];

if (available) {
  describeStoreContract('PostgreSQL', () => {
    const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    schemas.push(schema);
    return openPostgresStore(URL, { schema, maxConnections: 3 });
  });

  afterAll(async () => {
    const client = new Client({ connectionString: URL });
    await client.connect();
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });
} else if (process.env.REQUIRE_POSTGRES === '1') {
  it('needs PostgreSQL (REQUIRE_POSTGRES=1)', () => {
    throw new Error(`PostgreSQL at ${URL} does not answer`);
  });
} else {
  it.skip(`PostgreSQL at ${URL} does not answer: the store contract on PostgreSQL is skipped`, () =>
    undefined);
}
