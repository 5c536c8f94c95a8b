import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { iso } from './sql-helpers';
import type { SnapshotKind, SnapshotRecord } from './store';

type Db = Kysely<Database>;

function toSnapshot(row: Database['snapshots']): SnapshotRecord {
  return {
    organization: row.organization,
    kind: row.kind as SnapshotKind,
    sourceKey: row.source_key,
    computerName: row.computer_name ?? undefined,
    collectedAt: row.collected_at ? new Date(row.collected_at) : undefined,
    receivedAt: new Date(row.received_at),
    payload: JSON.parse(row.payload_json) as unknown,
  };
}

/** Keeps the latest snapshot per (organisation, kind, source): a newer one replaces it. */
export async function saveSnapshot(db: Db, s: SnapshotRecord): Promise<void> {
  const values = {
    computer_name: s.computerName ?? null,
    collected_at: s.collectedAt ? iso(s.collectedAt) : null,
    received_at: iso(s.receivedAt),
    payload_json: JSON.stringify(s.payload),
  };
  await db
    .insertInto('snapshots')
    .values({ organization: s.organization, kind: s.kind, source_key: s.sourceKey, ...values })
    .onConflict((oc) => oc.columns(['organization', 'kind', 'source_key']).doUpdateSet(values))
    .execute();
}

/** The latest snapshots, of one kind or all, ordered by organisation then source. */
export async function listSnapshots(db: Db, kind?: SnapshotKind): Promise<SnapshotRecord[]> {
  let query = db.selectFrom('snapshots').selectAll();
  if (kind) query = query.where('kind', '=', kind);
  const rows = await query.orderBy('organization').orderBy('kind').orderBy('source_key').execute();
  return rows.map(toSnapshot);
}
