import { randomUUID } from 'node:crypto';
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema';

/** A connection or a transaction: query helpers work inside either. */
export type Db = Kysely<Database> | Transaction<Database>;

/** PostgreSQL (shared by replicas) rather than SQLite: where the two dialects' SQL differs. */
export const isPostgres = (db: Db): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

export const iso = (d: Date): string => d.toISOString();
export const date = (s: string | null | undefined): Date | undefined =>
  s ? new Date(s) : undefined;

let sequence = 0;
/**
 * Delivery ids sort in creation order (time, then a per-process sequence), so an update is never
 * sent before the reply queued after it in the same transaction.
 */
export function orderedId(now: Date): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${now.getTime().toString().padStart(15, '0')}-${sequence.toString().padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
}

/** The columns of a new outbox row (a delivery or a notice delivery): due now, never tried, unclaimed. */
export function newOutboxRow(now: Date) {
  return {
    id: orderedId(now),
    state: 'pending',
    attempts: 0,
    next_attempt_at: iso(now),
    created_at: iso(now),
    sent_at: null,
    error: null,
    claimed_until: null,
  } as const;
}
