import { iso, type Db } from './sql-helpers';
import type { StoredValidators } from './store';

/** The validators of `url` and the document they validate, when an earlier answer had any. */
export async function getValidators(db: Db, url: string): Promise<StoredValidators | undefined> {
  const row = await db
    .selectFrom('url_validators as v')
    .innerJoin('http_documents as d', 'd.hash', 'v.content_hash')
    .select(['v.etag', 'v.last_modified', 'v.status', 'v.final_url', 'v.content_hash', 'd.body'])
    .where('v.url', '=', url)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ...(row.etag === null ? {} : { etag: row.etag }),
    ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
    status: row.status,
    url: row.final_url,
    body: row.body,
    hash: row.content_hash,
  };
}

/**
 * Keeps (or, with none, forgets) the validators of `url`: one row per URL, replaced on each answer, and
 * the document once per content. A document no URL names any more is deleted. Without a transaction:
 * a racing writer can at worst leave a URL naming a deleted document, which reads as no validators
 * (one unconditional GET).
 */
export async function saveValidators(
  db: Db,
  url: string,
  entry: StoredValidators | undefined,
  now: Date,
): Promise<void> {
  const previous = await db
    .selectFrom('url_validators')
    .select('content_hash')
    .where('url', '=', url)
    .executeTakeFirst();
  if (entry) {
    await db
      .insertInto('http_documents')
      .values({ hash: entry.hash, body: entry.body, stored_at: iso(now) })
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
    const row = {
      etag: entry.etag ?? null,
      last_modified: entry.lastModified ?? null,
      status: entry.status,
      final_url: entry.url,
      content_hash: entry.hash,
      stored_at: iso(now),
    };
    await db
      .insertInto('url_validators')
      .values({ url, ...row })
      .onConflict((oc) => oc.column('url').doUpdateSet(row))
      .execute();
  } else if (previous) {
    await db.deleteFrom('url_validators').where('url', '=', url).execute();
  }
  if (previous && previous.content_hash !== entry?.hash) {
    const stillNamed = await db
      .selectFrom('url_validators')
      .select('url')
      .where('content_hash', '=', previous.content_hash)
      .limit(1)
      .executeTakeFirst();
    if (!stillNamed)
      await db.deleteFrom('http_documents').where('hash', '=', previous.content_hash).execute();
  }
}
