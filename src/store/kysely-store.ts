import { randomUUID } from 'node:crypto';
import { Migrator, type Kysely, type Transaction } from 'kysely';
import type { AlertRecord, AlertTransition } from '../engine/alert-plan';
import type { FindingCode, Status } from '../engine/types';
import { AppError } from '../errors';
import { migrationProvider } from './migrations';
import type { Database } from './schema';
import type {
  AuditEntry,
  ConversationRecord,
  DeliveryRecord,
  NoticeDelivery,
  Store,
  StoredAssessment,
  WatchRecord,
} from './store';

type Db = Kysely<Database> | Transaction<Database>;
type AlertRow = Database['alerts'];

const iso = (d: Date): string => d.toISOString();

let sequence = 0;
/**
 * Delivery ids sort in creation order (time, then a per-process sequence), so an update is never
 * sent before the reply queued after it in the same transaction.
 */
function orderedId(now: Date): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${now.getTime().toString().padStart(15, '0')}-${sequence.toString().padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
}
const date = (s: string | null | undefined): Date | undefined => (s ? new Date(s) : undefined);

function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    key: row.key,
    idpKey: row.idp_key,
    code: row.code as FindingCode,
    thumbprint: row.thumbprint,
    severity: row.severity as AlertRecord['severity'],
    state: row.state as AlertRecord['state'],
    domains: JSON.parse(row.domains_json) as string[],
    message: row.message,
    remedy: row.remedy,
    openedAt: new Date(row.opened_at),
    lastNotifiedAt: new Date(row.last_notified_at),
    snoozedUntil: date(row.snoozed_until),
  };
}

/** Applies the schema's migrations; throws STORE_FAILED with the reason when one fails. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider,
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
    if (!row) return undefined;
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
  private async watchers(tx: Db, domains: string[]): Promise<string[]> {
    if (domains.length === 0) return [];
    const rows = await tx
      .selectFrom('watches')
      .innerJoin('conversations', 'conversations.id', 'watches.conversation_id')
      .select('watches.conversation_id')
      .distinct()
      .where('conversations.active', '=', 1)
      .where('watches.domain', 'in', domains)
      .execute();
    return rows.map((r) => r.conversation_id).sort();
  }

  private async queue(
    tx: Db,
    alertId: string,
    conversationId: string,
    kind: DeliveryRecord['kind'],
    now: Date,
  ): Promise<void> {
    await tx
      .insertInto('deliveries')
      .values({
        id: orderedId(now),
        alert_id: alertId,
        conversation_id: conversationId,
        kind,
        state: 'pending',
        activity_id: null,
        attempts: 0,
        next_attempt_at: iso(now),
        created_at: iso(now),
        sent_at: null,
        error: null,
      })
      .execute();
  }

  /** Conversations that already have (or are about to get) the alert's card. */
  private async posted(tx: Db, alertId: string): Promise<Set<string>> {
    const rows = await tx
      .selectFrom('deliveries')
      .select('conversation_id')
      .where('alert_id', '=', alertId)
      .where('kind', '=', 'post')
      .where('state', '<>', 'failed')
      .execute();
    return new Set(rows.map((r) => r.conversation_id));
  }

  /** Card update everywhere it was posted (+ a reply when notifying); a post where it is new. */
  private async fanOut(
    tx: Db,
    alertId: string,
    domains: string[],
    notify: boolean,
    now: Date,
  ): Promise<void> {
    const posted = await this.posted(tx, alertId);
    for (const conversation of posted) {
      await this.queue(tx, alertId, conversation, 'update', now);
      if (notify) await this.queue(tx, alertId, conversation, 'reply', now);
    }
    for (const conversation of await this.watchers(tx, domains)) {
      if (!posted.has(conversation)) await this.queue(tx, alertId, conversation, 'post', now);
    }
  }

  async applyAlertTransitions(transitions: AlertTransition[], now: Date): Promise<void> {
    if (transitions.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const t of transitions) await this.applyOne(tx, t, now);
    });
  }

  private async applyOne(tx: Transaction<Database>, t: AlertTransition, now: Date): Promise<void> {
    const stamp = iso(now);
    switch (t.kind) {
      case 'open': {
        const id = randomUUID();
        await tx
          .insertInto('alerts')
          .values({
            id,
            key: t.key,
            idp_key: t.idpKey,
            code: t.code,
            thumbprint: t.thumbprint,
            severity: t.severity,
            state: 'open',
            domains_json: JSON.stringify(t.domains),
            message: t.message,
            remedy: t.remedy,
            opened_at: stamp,
            updated_at: stamp,
            last_notified_at: stamp,
            snoozed_until: null,
            acknowledged_by: null,
            acknowledged_by_aad: null,
            acknowledged_at: null,
            resolved_at: null,
          })
          .execute();
        for (const conversation of await this.watchers(tx, t.domains))
          await this.queue(tx, id, conversation, 'post', now);
        return;
      }
      case 'raise':
        await tx
          .updateTable('alerts')
          .set({
            severity: 'critical',
            state: 'open',
            snoozed_until: null,
            domains_json: JSON.stringify(t.domains),
            message: t.message,
            remedy: t.remedy,
            last_notified_at: stamp,
            updated_at: stamp,
          })
          .where('id', '=', t.alertId)
          .execute();
        return this.fanOut(tx, t.alertId, t.domains, true, now);
      case 'refresh':
        await tx
          .updateTable('alerts')
          .set({
            domains_json: JSON.stringify(t.domains),
            message: t.message,
            remedy: t.remedy,
            updated_at: stamp,
          })
          .where('id', '=', t.alertId)
          .execute();
        return this.fanOut(tx, t.alertId, t.domains, false, now);
      case 'escalate':
        await tx
          .updateTable('alerts')
          .set({ last_notified_at: stamp, updated_at: stamp })
          .where('id', '=', t.alertId)
          .execute();
        for (const conversation of await this.posted(tx, t.alertId))
          await this.queue(tx, t.alertId, conversation, 'reply', now);
        return;
      case 'unsnooze':
        await tx
          .updateTable('alerts')
          .set({ state: 'open', snoozed_until: null, updated_at: stamp })
          .where('id', '=', t.alertId)
          .execute();
        for (const conversation of await this.posted(tx, t.alertId))
          await this.queue(tx, t.alertId, conversation, 'update', now);
        return;
      case 'resolve':
        await tx
          .updateTable('alerts')
          .set({ state: 'resolved', resolved_at: stamp, updated_at: stamp })
          .where('id', '=', t.alertId)
          .execute();
        for (const conversation of await this.posted(tx, t.alertId))
          await this.queue(tx, t.alertId, conversation, 'update', now);
        return;
    }
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
      for (const conversation of await this.posted(tx, id))
        await this.queue(tx, id, conversation, 'update', now);
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
      for (const conversation of await this.posted(tx, id))
        await this.queue(tx, id, conversation, 'update', now);
      return 'snoozed' as const;
    });
  }

  async pendingDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', iso(now))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      alertId: r.alert_id,
      conversationId: r.conversation_id,
      kind: r.kind as DeliveryRecord['kind'],
      state: 'pending',
      activityId: r.activity_id ?? undefined,
      attempts: r.attempts,
      nextAttemptAt: new Date(r.next_attempt_at),
    }));
  }

  async markDelivered(id: string, activityId: string | undefined, now: Date): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set((eb) => ({
        state: 'sent',
        activity_id: activityId ?? null,
        sent_at: iso(now),
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', id)
      .execute();
  }

  async markDeliveryFailed(id: string, error: string, retryAt: Date | undefined): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set((eb) => ({
        state: retryAt ? 'pending' : 'failed',
        error,
        attempts: eb('attempts', '+', 1),
        ...(retryAt ? { next_attempt_at: iso(retryAt) } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }

  async postedActivityId(alertId: string, conversationId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .select('activity_id')
      .where('alert_id', '=', alertId)
      .where('conversation_id', '=', conversationId)
      .where('kind', '=', 'post')
      .where('state', '=', 'sent')
      .executeTakeFirst();
    return row?.activity_id ?? undefined;
  }

  async queueNotice(
    n: { idpKey: string; domains: string[]; title: string; lines: string[] },
    now: Date,
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const conversations = await this.watchers(tx, n.domains);
      if (conversations.length === 0) return 0;
      const id = randomUUID();
      await tx
        .insertInto('notices')
        .values({
          id,
          idp_key: n.idpKey,
          title: n.title,
          lines_json: JSON.stringify(n.lines),
          created_at: iso(now),
        })
        .execute();
      for (const conversation of conversations) {
        await tx
          .insertInto('notice_deliveries')
          .values({
            id: orderedId(now),
            notice_id: id,
            conversation_id: conversation,
            state: 'pending',
            attempts: 0,
            next_attempt_at: iso(now),
            created_at: iso(now),
            sent_at: null,
            error: null,
          })
          .execute();
      }
      return conversations.length;
    });
  }

  async pendingNotices(now: Date, limit: number): Promise<NoticeDelivery[]> {
    const rows = await this.db
      .selectFrom('notice_deliveries')
      .innerJoin('notices', 'notices.id', 'notice_deliveries.notice_id')
      .select([
        'notice_deliveries.id',
        'notice_deliveries.conversation_id',
        'notice_deliveries.attempts',
        'notices.title',
        'notices.lines_json',
      ])
      .where('notice_deliveries.state', '=', 'pending')
      .where('notice_deliveries.next_attempt_at', '<=', iso(now))
      .orderBy('notice_deliveries.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      attempts: r.attempts,
      title: r.title,
      lines: JSON.parse(r.lines_json) as string[],
    }));
  }

  async markNoticeSent(id: string, now: Date): Promise<void> {
    await this.db
      .updateTable('notice_deliveries')
      .set((eb) => ({ state: 'sent', sent_at: iso(now), attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  async markNoticeFailed(id: string, error: string, retryAt: Date | undefined): Promise<void> {
    await this.db
      .updateTable('notice_deliveries')
      .set((eb) => ({
        state: retryAt ? 'pending' : 'failed',
        error,
        attempts: eb('attempts', '+', 1),
        ...(retryAt ? { next_attempt_at: iso(retryAt) } : {}),
      }))
      .where('id', '=', id)
      .execute();
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

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
