import { randomUUID } from 'node:crypto';
import { Migrator, type Kysely } from 'kysely';
import type { AlertRecord, AlertTransition } from '../engine/alert-plan';
import type { Status } from '../engine/types';
import {
  applyAlertTransition,
  catchUpPosts,
  postedTo,
  queueDelivery,
  toAlert,
  type LeadPolicy,
} from './alert-queries';
import { date, iso } from './sql-helpers';
import * as outbox from './outbox-queries';
import * as snapshots from './snapshot-queries';
import * as sweepRuns from './sweep-run-queries';
import { AppError } from '../errors';
import { migrationProvider } from './migrations';
import type { Database } from './schema';
import type {
  AuditEntry,
  ConversationRecord,
  DeliveryRecord,
  NoticeDelivery,
  SnapshotKind,
  SnapshotRecord,
  Store,
  StoredAssessment,
  WatchRecord,
} from './store';

/** A stored assessment row, decoded. */
function toAssessment(row: Database['assessments']): StoredAssessment {
  return {
    domain: row.domain,
    checkedAt: new Date(row.checked_at),
    status: row.status as Status,
    idpKey: row.idp_key ?? undefined,
    assessment: JSON.parse(row.assessment_json) as unknown,
    entra: row.entra_json === null ? undefined : (JSON.parse(row.entra_json) as unknown),
    failedSweeps: row.failed_sweeps,
  };
}

/** Applies the schema's migrations; throws STORE_FAILED with the reason when one fails. */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider,
    // PostgreSQL: keep the migration bookkeeping in the store's own schema, not in any schema that has it.
    ...(schema ? { migrationTableSchema: schema } : {}),
  }).migrateToLatest();
  if (error)
    throw new AppError('STORE_FAILED', `migration failed: ${(error as Error).message}`, {
      cause: error,
    });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The Store on Kysely: one query layer for SQLite and PostgreSQL. Alert transitions and their outbox
 * entries are written in one transaction; uniqueness is enforced by the schema.
 */
export class KyselyStore implements Store {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertConversation(r: ConversationRecord, now: Date): Promise<void> {
    const row = {
      id: r.id,
      reference_json: JSON.stringify(r.reference),
      scope: r.scope,
      tenant_id: r.tenantId ?? null,
      active: r.active ? 1 : 0,
      lead_days: r.leadDays ?? null,
      oncall: r.oncall ?? null,
      updated_at: iso(now),
    };
    await this.db
      .insertInto('conversations')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          reference_json: row.reference_json,
          scope: row.scope,
          tenant_id: row.tenant_id,
          active: row.active,
          lead_days: row.lead_days,
          oncall: row.oncall,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      reference: JSON.parse(row.reference_json) as Record<string, unknown>,
      scope: row.scope as ConversationRecord['scope'],
      tenantId: row.tenant_id ?? undefined,
      active: row.active === 1,
      leadDays: row.lead_days ?? undefined,
      oncall: row.oncall ?? undefined,
    };
  }

  async setConversationActive(id: string, active: boolean, now: Date): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ active: active ? 1 : 0, updated_at: iso(now) })
      .where('id', '=', id)
      .execute();
  }

  async addWatch(w: WatchRecord): Promise<'added' | 'updated'> {
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('watches')
        .select('domain')
        .where('conversation_id', '=', w.conversationId)
        .where('domain', '=', w.domain)
        .executeTakeFirst();
      if (existing) {
        await tx
          .updateTable('watches')
          .set({ metadata_url: w.metadataUrl ?? null })
          .where('conversation_id', '=', w.conversationId)
          .where('domain', '=', w.domain)
          .execute();
        return 'updated';
      }
      await tx
        .insertInto('watches')
        .values({
          conversation_id: w.conversationId,
          domain: w.domain,
          metadata_url: w.metadataUrl ?? null,
          created_by: w.createdBy ?? null,
          created_at: iso(w.createdAt),
        })
        .execute();
      return 'added';
    });
  }

  async removeWatch(conversationId: string, domain: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('watches')
      .where('conversation_id', '=', conversationId)
      .where('domain', '=', domain)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  private static toWatch(row: Database['watches']): WatchRecord {
    return {
      conversationId: row.conversation_id,
      domain: row.domain,
      metadataUrl: row.metadata_url ?? undefined,
      createdBy: row.created_by ?? undefined,
      createdAt: new Date(row.created_at),
    };
  }

  async listWatches(conversationId: string): Promise<WatchRecord[]> {
    const rows = await this.db
      .selectFrom('watches')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('domain')
      .execute();
    return rows.map((r) => KyselyStore.toWatch(r));
  }

  async listActiveWatches(): Promise<WatchRecord[]> {
    const rows = await this.db
      .selectFrom('watches')
      .innerJoin('conversations', 'conversations.id', 'watches.conversation_id')
      .selectAll('watches')
      .where('conversations.active', '=', 1)
      .orderBy('watches.domain')
      .execute();
    return rows.map((r) => KyselyStore.toWatch(r));
  }

  async setAutoRollover(
    domain: string,
    value: boolean | undefined,
    by: string | undefined,
    now: Date,
  ): Promise<void> {
    const auto = value === undefined ? null : value ? 1 : 0;
    await this.db
      .insertInto('domain_facts')
      .values({ domain, auto_rollover: auto, set_by: by ?? null, set_at: iso(now) })
      .onConflict((oc) =>
        oc
          .column('domain')
          .doUpdateSet({ auto_rollover: auto, set_by: by ?? null, set_at: iso(now) }),
      )
      .execute();
  }

  async getAutoRollover(domain: string): Promise<boolean | undefined> {
    const row = await this.db
      .selectFrom('domain_facts')
      .select('auto_rollover')
      .where('domain', '=', domain)
      .executeTakeFirst();
    return row?.auto_rollover === null || row === undefined ? undefined : row.auto_rollover === 1;
  }

  async saveAssessment(r: StoredAssessment): Promise<void> {
    const values = {
      checked_at: iso(r.checkedAt),
      status: r.status,
      idp_key: r.idpKey ?? null,
      assessment_json: JSON.stringify(r.assessment),
      entra_json: r.entra === undefined ? null : JSON.stringify(r.entra),
      failed_sweeps: r.failedSweeps,
    };
    await this.db
      .insertInto('assessments')
      .values({ domain: r.domain, ...values })
      .onConflict((oc) => oc.column('domain').doUpdateSet(values))
      .execute();
  }

  async getAssessment(domain: string): Promise<StoredAssessment | undefined> {
    const row = await this.db
      .selectFrom('assessments')
      .selectAll()
      .where('domain', '=', domain)
      .executeTakeFirst();
    return row ? toAssessment(row) : undefined;
  }

  async recordCertificates(idpKey: string, thumbprints: string[], now: Date): Promise<string[]> {
    if (thumbprints.length === 0) return [];
    return this.db.transaction().execute(async (tx) => {
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
          .values(
            fresh.map((thumbprint) => ({ idp_key: idpKey, thumbprint, first_seen: iso(now) })),
          )
          .onConflict((oc) => oc.columns(['idp_key', 'thumbprint']).doNothing())
          .execute();
      }
      return fresh;
    });
  }

  async certificateHistory(
    idpKey: string,
  ): Promise<{ firstSeen: Record<string, string>; published: string[] }> {
    const rows = await this.db
      .selectFrom('certificate_history')
      .selectAll()
      .where('idp_key', '=', idpKey)
      .execute();
    return {
      firstSeen: Object.fromEntries(rows.map((r) => [r.thumbprint, r.first_seen])),
      published: rows.map((r) => r.thumbprint),
    };
  }

  async listLiveAlerts(idpKeys?: string[]): Promise<AlertRecord[]> {
    if (idpKeys?.length === 0) return [];
    let query = this.db.selectFrom('alerts').selectAll().where('state', '<>', 'resolved');
    if (idpKeys) query = query.where('idp_key', 'in', idpKeys);
    return (await query.orderBy('opened_at').execute()).map(toAlert);
  }

  async getAlert(id: string) {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      ...toAlert(row),
      acknowledgedBy: row.acknowledged_by ?? undefined,
      acknowledgedAt: date(row.acknowledged_at),
      resolvedAt: date(row.resolved_at),
    };
  }

  /** Active conversations watching any of the domains. */

  /** Conversations that already have (or are about to get) the alert's card. */

  /** Card update everywhere it was posted (+ a reply when notifying); a post where it is new. */

  async applyAlertTransitions(
    transitions: AlertTransition[],
    now: Date,
    lead?: LeadPolicy,
  ): Promise<void> {
    if (transitions.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const t of transitions) await applyAlertTransition(tx, t, now, lead);
    });
  }

  catchUpPosts(now: Date, lead: LeadPolicy): Promise<number> {
    return this.db.transaction().execute((tx) => catchUpPosts(tx, now, lead));
  }

  async acknowledgeAlert(id: string, by: { name: string; aadObjectId?: string }, now: Date) {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('alerts')
        .select(['state'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return 'unknown' as const;
      if (row.state === 'resolved') return 'resolved' as const;
      if (row.state === 'acknowledged') return 'already' as const;
      await tx
        .updateTable('alerts')
        .set({
          state: 'acknowledged',
          acknowledged_by: by.name,
          acknowledged_by_aad: by.aadObjectId ?? null,
          acknowledged_at: iso(now),
          snoozed_until: null,
          updated_at: iso(now),
        })
        .where('id', '=', id)
        .execute();
      await tx
        .insertInto('audit_log')
        .values({
          id: randomUUID(),
          at: iso(now),
          actor: by.name,
          action: 'acknowledge',
          target: id,
          detail_json: JSON.stringify({ aadObjectId: by.aadObjectId }),
        })
        .execute();
      for (const conversation of await postedTo(tx, id))
        await queueDelivery(tx, id, conversation, 'update', now);
      return 'acknowledged' as const;
    });
  }

  async snoozeAlert(id: string, by: string, until: Date, now: Date) {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('alerts')
        .select(['state'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return 'unknown' as const;
      if (row.state === 'resolved') return 'resolved' as const;
      await tx
        .updateTable('alerts')
        .set({ state: 'snoozed', snoozed_until: iso(until), updated_at: iso(now) })
        .where('id', '=', id)
        .execute();
      await tx
        .insertInto('audit_log')
        .values({
          id: randomUUID(),
          at: iso(now),
          actor: by,
          action: 'snooze',
          target: id,
          detail_json: JSON.stringify({ until: iso(until) }),
        })
        .execute();
      for (const conversation of await postedTo(tx, id))
        await queueDelivery(tx, id, conversation, 'update', now);
      return 'snoozed' as const;
    });
  }

  pendingDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]> {
    return outbox.pendingDeliveries(this.db, now, limit);
  }

  markDelivered(id: string, activityId: string | undefined, now: Date): Promise<void> {
    return outbox.markDelivered(this.db, id, activityId, now);
  }

  markDeliveryFailed(id: string, error: string, retryAt: Date | undefined): Promise<void> {
    return outbox.markFailed(this.db, 'deliveries', id, error, retryAt);
  }

  postedActivityId(alertId: string, conversationId: string): Promise<string | undefined> {
    return outbox.postedActivityId(this.db, alertId, conversationId);
  }

  queueNotice(
    notice: { idpKey: string; domains: string[]; title: string; lines: string[] },
    now: Date,
  ): Promise<number> {
    return outbox.queueNotice(this.db, notice, now);
  }

  pendingNotices(now: Date, limit: number): Promise<NoticeDelivery[]> {
    return outbox.pendingNotices(this.db, now, limit);
  }

  markNoticeSent(id: string, now: Date): Promise<void> {
    return outbox.markNoticeSent(this.db, id, now);
  }

  markNoticeFailed(id: string, error: string, retryAt: Date | undefined): Promise<void> {
    return outbox.markFailed(this.db, 'notice_deliveries', id, error, retryAt);
  }

  saveSnapshot(snapshot: SnapshotRecord): Promise<void> {
    return snapshots.saveSnapshot(this.db, snapshot);
  }

  listSnapshots(kind?: SnapshotKind): Promise<SnapshotRecord[]> {
    return snapshots.listSnapshots(this.db, kind);
  }

  startSweepRun(id: string, total: number, now: Date): Promise<void> {
    return sweepRuns.startSweepRun(this.db, id, total, now);
  }

  completeSweepTarget(runId: string, targetKey: string, now: Date) {
    return sweepRuns.completeSweepTarget(this.db, runId, targetKey, now);
  }

  finishSweepRun(id: string, now: Date): Promise<boolean> {
    return sweepRuns.finishSweepRun(this.db, id, now);
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        id: randomUUID(),
        at: iso(e.at),
        actor: e.actor ?? null,
        action: e.action,
        target: e.target ?? null,
        detail_json: e.detail === undefined ? null : JSON.stringify(e.detail),
      })
      .execute();
  }

  async auditTrail(target: string): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target', '=', target)
      .orderBy('at')
      .execute();
    return rows.map((r) => ({
      at: new Date(r.at),
      actor: r.actor ?? undefined,
      action: r.action,
      target: r.target ?? undefined,
      detail: r.detail_json === null ? undefined : (JSON.parse(r.detail_json) as unknown),
    }));
  }

  async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const expires = iso(new Date(now.getTime() + ttlMs));
    await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expires })
          .where((eb) =>
            eb.or([eb('leases.expires_at', '<=', iso(now)), eb('leases.holder', '=', holder)]),
          ),
      )
      .execute();
    const row = await this.db
      .selectFrom('leases')
      .select('holder')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db
      .deleteFrom('leases')
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }

  async claimDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]> {
    const ids = await outbox.claimDue(this.db, 'deliveries', now, limit);
    const rows = await outbox.deliveriesById(this.db, ids);
    return ids.flatMap((id) => rows.filter((r) => r.id === id));
  }

  async claimNotices(now: Date, limit: number): Promise<NoticeDelivery[]> {
    const ids = await outbox.claimDue(this.db, 'notice_deliveries', now, limit);
    const rows = await outbox.noticesById(this.db, ids);
    return ids.flatMap((id) => rows.filter((r) => r.id === id));
  }

  async ping(): Promise<void> {
    await this.db.selectFrom('leases').select('name').limit(1).execute();
  }

  async listAssessments(): Promise<StoredAssessment[]> {
    const rows = await this.db.selectFrom('assessments').selectAll().orderBy('domain').execute();
    return rows.map(toAssessment);
  }

  async countPendingDeliveries(): Promise<number> {
    const count = async (table: 'deliveries' | 'notice_deliveries') =>
      Number(
        (
          await this.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('state', '=', 'pending')
            .executeTakeFirst()
        )?.n ?? 0,
      );
    return (await count('deliveries')) + (await count('notice_deliveries'));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
