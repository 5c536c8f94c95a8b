/**
 * Each domain's last assessment and the certificates each IdP published: the Store port's queries.
 */
import type { Kysely } from 'kysely';
import { parseAssessmentKey } from '../engine/subject';
import type { Assessment, Status } from '../engine/types';
import type { Database } from './schema';
import { iso } from './sql-helpers';
import type { StoredAssessment, SweepFacts } from './store';

type Db = Kysely<Database>;

/** A stored assessment row, decoded; rows written before assessments named their subject get it from the key. */
export function toAssessment(row: Database['assessments']): StoredAssessment {
  const assessment = JSON.parse(row.assessment_json) as Assessment;
  return {
    domain: row.domain,
    checkedAt: new Date(row.checked_at),
    status: row.status as Status,
    idpKey: row.idp_key ?? undefined,
    assessment: { ...assessment, subject: assessment.subject ?? parseAssessmentKey(row.domain) },
    entra: row.entra_json === null ? undefined : (JSON.parse(row.entra_json) as unknown),
    failedSweeps: row.failed_sweeps,
  };
}

export async function saveAssessment(db: Db, r: StoredAssessment): Promise<void> {
  const values = {
    checked_at: iso(r.checkedAt),
    status: r.status,
    idp_key: r.idpKey ?? null,
    assessment_json: JSON.stringify(r.assessment),
    entra_json: r.entra === undefined ? null : JSON.stringify(r.entra),
    failed_sweeps: r.failedSweeps,
  };
  await db
    .insertInto('assessments')
    .values({ domain: r.domain, ...values })
    .onConflict((oc) => oc.column('domain').doUpdateSet(values))
    .execute();
}

export async function getAssessment(db: Db, domain: string): Promise<StoredAssessment | undefined> {
  const row = await db
    .selectFrom('assessments')
    .selectAll()
    .where('domain', '=', domain)
    .executeTakeFirst();
  return row ? toAssessment(row) : undefined;
}

/** The last assessment's IdP, Entra configuration and failures in a row: not the assessment itself. */
export async function getSweepFacts(db: Db, domain: string): Promise<SweepFacts | undefined> {
  const row = await db
    .selectFrom('assessments')
    .select(['idp_key', 'entra_json', 'failed_sweeps'])
    .where('domain', '=', domain)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    idpKey: row.idp_key ?? undefined,
    entra: row.entra_json === null ? undefined : (JSON.parse(row.entra_json) as unknown),
    failedSweeps: row.failed_sweeps,
  };
}

export async function recordCertificates(
  db: Db,
  idpKey: string,
  thumbprints: string[],
  now: Date,
): Promise<string[]> {
  if (thumbprints.length === 0) return [];
  return db.transaction().execute(async (tx) => {
    const known = new Set(
      (
        await tx
          .selectFrom('certificate_history')
          .select('thumbprint')
          .where('idp_key', '=', idpKey)
          .where('thumbprint', 'in', thumbprints)
          .execute()
      ).map((r) => r.thumbprint),
    );
    const fresh = [...new Set(thumbprints)].filter((t) => !known.has(t));
    if (fresh.length > 0) {
      await tx
        .insertInto('certificate_history')
        .values(fresh.map((thumbprint) => ({ idp_key: idpKey, thumbprint, first_seen: iso(now) })))
        .onConflict((oc) => oc.columns(['idp_key', 'thumbprint']).doNothing())
        .execute();
    }
    return fresh;
  });
}

export async function certificateHistory(
  db: Db,
  idpKey: string,
): Promise<{ firstSeen: Record<string, string>; published: string[] }> {
  const rows = await db
    .selectFrom('certificate_history')
    .selectAll()
    .where('idp_key', '=', idpKey)
    .execute();
  return {
    firstSeen: Object.fromEntries(rows.map((r) => [r.thumbprint, r.first_seen])),
    published: rows.map((r) => r.thumbprint),
  };
}

export async function listAssessments(db: Db): Promise<StoredAssessment[]> {
  const rows = await db.selectFrom('assessments').selectAll().orderBy('domain').execute();
  return rows.map(toAssessment);
}
