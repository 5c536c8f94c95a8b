import { iso, type Db } from './sql-helpers';
import type { SignatureCheck } from '../engine/signature';
import type { StoredValidators } from './store';

/**
 * The validators of `url`, when an earlier answer had any and the document they validate is still kept
 * (the document itself is not read: on a 304 the reader may already hold what it made of it).
 */
export async function getValidators(
  db: Db,
  url: string,
): Promise<Omit<StoredValidators, 'body'> | undefined> {
  const row = await db
    .selectFrom('url_validators as v')
    .select(['v.etag', 'v.last_modified', 'v.status', 'v.final_url', 'v.content_hash'])
    .where('v.url', '=', url)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('http_documents as d')
          .select('d.hash')
          .whereRef('d.hash', '=', 'v.content_hash'),
      ),
    )
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ...(row.etag === null ? {} : { etag: row.etag }),
    ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
    status: row.status,
    url: row.final_url,
    hash: row.content_hash,
  };
}

/** A kept document by its content hash. */
export async function getDocument(db: Db, hash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('http_documents')
    .select('body')
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row?.body;
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
    // Most answers are a document already kept for another URL: the 70 KB is written only once.
    const kept = await db
      .selectFrom('http_documents')
      .select('hash')
      .where('hash', '=', entry.hash)
      .executeTakeFirst();
    if (!kept)
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
    if (!stillNamed) {
      await db.deleteFrom('http_documents').where('hash', '=', previous.content_hash).execute();
      await db
        .deleteFrom('signature_checks')
        .where('content_hash', '=', previous.content_hash)
        .execute();
    }
  }
}

/** The kept outcome of checking a document's signature. */
export async function getSignatureCheck(db: Db, key: string): Promise<SignatureCheck | undefined> {
  const row = await db
    .selectFrom('signature_checks')
    .select('result_json')
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? (JSON.parse(row.result_json) as SignatureCheck) : undefined;
}

/** Keeps the outcome of checking a document's signature (the same bytes always check the same). */
export async function saveSignatureCheck(
  db: Db,
  key: string,
  contentHash: string,
  check: SignatureCheck,
  now: Date,
): Promise<void> {
  await db
    .insertInto('signature_checks')
    .values({
      key,
      content_hash: contentHash,
      result_json: JSON.stringify(check),
      checked_at: iso(now),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}
