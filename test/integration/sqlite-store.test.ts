import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { describeStoreContract } from '../support/store-contract';

const dir = mkdtempSync(join(tmpdir(), 'fedtrust-store-'));
let n = 0;

describeStoreContract('SQLite file', () =>
  openSqliteStore(join(dir, `store-${++n}`, 'fedtrust.db')),
);
describeStoreContract('SQLite in memory', () => openSqliteStore(':memory:'));

describe('SQLite store on disk', () => {
  it('creates the file on first open and keeps data across reopenings (migrations run once)', async () => {
    const path = join(dir, 'reopen', 'fedtrust.db');
    const first = await openSqliteStore(path);
    await first.setAutoRollover('contoso.com', true, 'Ada', new Date('2026-11-22T10:00:00Z'));
    await first.close();
    const second = await openSqliteStore(path);
    expect(await second.getAutoRollover('contoso.com')).toBe(true);
    await second.close();
  });
});
