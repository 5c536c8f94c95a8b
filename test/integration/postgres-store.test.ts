import { openPostgresStore } from '../../src/store/postgres-store';
import { dropSchemas, TEST_DATABASE_URL, testSchema, withPostgres } from '../support/postgres';
import { describeStoreContract } from '../support/store-contract';

/** The store contract on the real PostgreSQL, each test in a fresh schema. */
withPostgres('the store contract on PostgreSQL', () => {
  const schemas: string[] = [];
  describeStoreContract('PostgreSQL', () =>
    openPostgresStore(TEST_DATABASE_URL, { schema: testSchema(schemas), maxConnections: 3 }),
  );
  afterAll(() => dropSchemas(schemas));
});
