import { iso, type Db } from './sql-helpers';
import type { StoredValidators } from './store';

/** The validators of `url` and the document they validate, when an earlier answer had any. */
export async function getValidators(db: Db, url: string): Promise<StoredValidators | undefined> {
  const row = await db
    .selectFrom('http_validators')
    .selectAll()
    .where('url', '=', url)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ...(row.etag === null ? {} : { etag: row.etag }),
    ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
    status: row.status,
    url: row.final_url,
    body: row.body,
  };
}

/** Keeps (or, with none, forgets) the validators of `url`: one row per URL, replaced on each answer. */
export async function saveValidators(
  db: Db,
  url: string,
  entry: StoredValidators | undefined,
  now: Date,
): Promise<void> {
  if (!entry) {
    await db.deleteFrom('http_validators').where('url', '=', url).execute();
    return;
  }
  const row = {
    etag: entry.etag ?? null,
    last_modified: entry.lastModified ?? null,
    status: entry.status,
    final_url: entry.url,
    body: entry.body,
    stored_at: iso(now),
  };
  await db
    .insertInto('http_validators')
    .values({ url, ...row })
    .onConflict((oc) => oc.column('url').doUpdateSet(row))
    .execute();
}
