import { Migrator, type Kysely } from 'kysely';
import * as alertActions from './alert-actions';
import * as assessments from './assessment-queries';
import * as auditLease from './audit-lease-queries';
import * as conversations from './conversation-queries';
import type { PlannedTransition, Watcher } from '../engine/alert-audience';
import type { AlertRecord } from '../engine/alert-plan';
import {
  applyAlertTransition,
  deliveryReport,
  updateEveryCard,
  listAudience,
  postedTo,
  toAlert,
} from './alert-queries';
import { date, iso } from './sql-helpers';
import { randomUUID } from 'node:crypto';
import * as outbox from './outbox-queries';
import { reserveSendSlot } from './send-pace';
import {
  getDocument,
  getSignatureCheck,
  getValidators,
  saveSignatureCheck,
  saveValidators,
} from './validator-queries';
import * as snapshots from './snapshot-queries';
import * as sweepRuns from './sweep-run-queries';
import { AppError } from '../errors';
import { migrationProvider } from './migrations';
import type { Database } from './schema';
import type { SignatureCheck } from '../engine/signature';
import type {
  AuditEntry,
  ConversationRecord,
  DeliveryRecord,
  NoticeDelivery,
  NoticeRequest,
  SnapshotKind,
  SnapshotRecord,
  Store,
  StoredAssessment,
  StoredValidators,
  SweepFacts,
  WatchRecord,
} from './store';

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
  /** `schema`: PostgreSQL's schema of the store (where its migration bookkeeping lives). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly schema?: string,
  ) {}

  upsertConversation(r: ConversationRecord, now: Date): Promise<void> {
    return conversations.upsertConversation(this.db, r, now);
  }

  getConversation(id: string): Promise<ConversationRecord | undefined> {
    return conversations.getConversation(this.db, id);
  }

  setConversationActive(id: string, active: boolean, now: Date): Promise<void> {
    return conversations.setConversationActive(this.db, id, active, now);
  }

  addWatch(w: WatchRecord): Promise<'added' | 'updated'> {
    return conversations.addWatch(this.db, w);
  }

  removeWatch(conversationId: string, domain: string): Promise<boolean> {
    return conversations.removeWatch(this.db, conversationId, domain);
  }

  listWatches(conversationId: string): Promise<WatchRecord[]> {
    return conversations.listWatches(this.db, conversationId);
  }

  listActiveWatches(): Promise<WatchRecord[]> {
    return conversations.listActiveWatches(this.db);
  }

  setAutoRollover(
    domain: string,
    value: boolean | undefined,
    by: string | undefined,
    now: Date,
  ): Promise<void> {
    return conversations.setAutoRollover(this.db, domain, value, by, now);
  }

  getAutoRollover(domain: string): Promise<boolean | undefined> {
    return conversations.getAutoRollover(this.db, domain);
  }

  saveAssessment(r: StoredAssessment): Promise<void> {
    return assessments.saveAssessment(this.db, r);
  }

  getAssessment(domain: string): Promise<StoredAssessment | undefined> {
    return assessments.getAssessment(this.db, domain);
  }

  getSweepFacts(domain: string): Promise<SweepFacts | undefined> {
    return assessments.getSweepFacts(this.db, domain);
  }

  recordCertificates(idpKey: string, thumbprints: string[], now: Date): Promise<string[]> {
    return assessments.recordCertificates(this.db, idpKey, thumbprints, now);
  }

  certificateHistory(
    idpKey: string,
  ): Promise<{ firstSeen: Record<string, string>; published: string[] }> {
    return assessments.certificateHistory(this.db, idpKey);
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

  listAudience(): Promise<Watcher[]> {
    return listAudience(this.db);
  }

  postedTo(alertIds: string[]): Promise<Record<string, string[]>> {
    return postedTo(this.db, alertIds);
  }

  deliveryReport(alertIds: string[]) {
    return deliveryReport(this.db, alertIds);
  }

  async applyAlertTransitions(transitions: PlannedTransition[], now: Date): Promise<void> {
    if (transitions.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const t of transitions) await applyAlertTransition(tx, t, now);
    });
  }

  acknowledgeAlert(id: string, by: { name: string; aadObjectId?: string }, now: Date) {
    return alertActions.acknowledgeAlert(this.db, id, by, now);
  }

  snoozeAlert(id: string, by: string, until: Date, now: Date) {
    return alertActions.snoozeAlert(this.db, id, by, until, now);
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

  failDeliveryForGood(id: string, error: string, now: Date): Promise<void> {
    return this.db.transaction().execute(async (tx) => {
      await outbox.markFailed(tx, 'deliveries', id, error, undefined);
      const row = await tx
        .selectFrom('deliveries')
        .select('alert_id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return;
      const { failed } = (await deliveryReport(tx, [row.alert_id]))[row.alert_id]!;
      // The alert's first failure: its cards elsewhere are updated to say where it failed.
      if (failed.length === 1) await updateEveryCard(tx, row.alert_id, now);
    });
  }

  postedActivityId(alertId: string, conversationId: string): Promise<string | undefined> {
    return outbox.postedActivityId(this.db, alertId, conversationId);
  }

  queueNotice(notice: NoticeRequest, now: Date): Promise<number> {
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

  audit(e: AuditEntry): Promise<void> {
    return auditLease.audit(this.db, e);
  }

  auditTrail(target: string): Promise<AuditEntry[]> {
    return auditLease.auditTrail(this.db, target);
  }

  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    return auditLease.acquireLease(this.db, name, holder, ttlMs, now);
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return auditLease.releaseLease(this.db, name, holder);
  }

  async claimDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]> {
    const ids = await outbox.claimDue(this.db, 'deliveries', now, limit);
    const rows = await outbox.deliveriesById(this.db, ids);
    return ids.flatMap((id) => rows.filter((r) => r.id === id));
  }

  getValidators(url: string): Promise<Omit<StoredValidators, 'body'> | undefined> {
    return getValidators(this.db, url);
  }

  getDocument(hash: string): Promise<string | undefined> {
    return getDocument(this.db, hash);
  }

  getSignatureCheck(key: string): Promise<SignatureCheck | undefined> {
    return getSignatureCheck(this.db, key);
  }

  saveSignatureCheck(
    key: string,
    contentHash: string,
    check: SignatureCheck,
    now: Date,
  ): Promise<void> {
    return saveSignatureCheck(this.db, key, contentHash, check, now);
  }

  saveValidators(url: string, entry: StoredValidators | undefined, now: Date): Promise<void> {
    return saveValidators(this.db, url, entry, now);
  }

  reserveSendSlot(key: string, spacingMs: number): Promise<number> {
    return reserveSendSlot(this.db, key, spacingMs);
  }

  async claimNotices(now: Date, limit: number): Promise<NoticeDelivery[]> {
    const ids = await outbox.claimDue(this.db, 'notice_deliveries', now, limit);
    const rows = await outbox.noticesById(this.db, ids);
    return ids.flatMap((id) => rows.filter((r) => r.id === id));
  }

  /**
   * Readiness (DESIGN §10): every migration applied, and a write that is rolled back goes through — a
   * store that answers reads but cannot be written (another process holds SQLite's exclusive lock) is
   * not ready.
   */
  async ping(): Promise<void> {
    const migrations = await new Migrator({
      db: this.db,
      provider: migrationProvider,
      ...(this.schema ? { migrationTableSchema: this.schema } : {}),
    }).getMigrations();
    const pending = migrations.filter((m) => !m.executedAt).map((m) => m.name);
    if (pending.length > 0)
      throw new AppError('STORE_FAILED', `migrations not applied: ${pending.join(', ')}`);
    const probe = await this.db.startTransaction().execute();
    try {
      await probe
        .insertInto('leases')
        .values({ name: `readyz-${randomUUID()}`, holder: 'readyz', expires_at: iso(new Date(0)) })
        .execute();
    } finally {
      await probe.rollback().execute();
    }
  }

  listAssessments(): Promise<StoredAssessment[]> {
    return assessments.listAssessments(this.db);
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
