import type { PlannedTransition, Watcher } from '../engine/alert-audience';
import type { AlertRecord } from '../engine/alert-plan';
import type { Assessment, Status } from '../engine/types';

/** A Teams conversation the bot can post to later (proactive), from its saved reference. */
export interface ConversationRecord {
  id: string;
  /** botbuilder's ConversationReference, as JSON. */
  reference: Record<string, unknown>;
  scope: 'personal' | 'groupChat' | 'channel';
  tenantId?: string;
  active: boolean;
  leadDays?: number;
  oncall?: string;
}

export interface WatchRecord {
  conversationId: string;
  domain: string;
  metadataUrl?: string;
  createdBy?: string;
  createdAt: Date;
}

export interface StoredAssessment {
  domain: string;
  checkedAt: Date;
  status: Status;
  idpKey?: string;
  /** The engine's Assessment (kept as JSON). */
  assessment: Assessment;
  /** Entra's federation configuration at that check (change detection, rule 13). */
  entra?: unknown;
  failedSweeps: number;
}

export interface DeliveryRecord {
  id: string;
  alertId: string;
  conversationId: string;
  /** post: a new message (thread); update: edit the posted card; reply: a reply in the alert's thread. */
  kind: 'post' | 'update' | 'reply';
  state: 'pending' | 'sent' | 'failed';
  activityId?: string;
  attempts: number;
  nextAttemptAt: Date;
}

/** An informational notice (a new signing certificate was published): posted once, nothing to acknowledge. */
export interface NoticeDelivery {
  id: string;
  conversationId: string;
  title: string;
  lines: string[];
  attempts: number;
}

export interface AuditEntry {
  at: Date;
  actor?: string;
  action: string;
  target?: string;
  detail?: unknown;
}

export type SnapshotKind = 'exchange-trust' | 'adfs';

/** What the on-premises collector sent (POST /api/collector/snapshots), as validated JSON. */
export interface SnapshotRecord {
  /** The collector's -Organization: a label the admin chooses, the same on every server. */
  organization: string;
  kind: SnapshotKind;
  /** Exchange: the trust's name; AD FS: the farm's identifier (entityID), else its host name. */
  sourceKey: string;
  computerName?: string;
  collectedAt?: Date;
  receivedAt: Date;
  /** Get-FederationTrust, or Get-AdfsProperties with Get-AdfsCertificate, as ConvertTo-Json wrote them. */
  payload: unknown;
}

/**
 * The persistence port (DESIGN §5, §7). One contract test-suite runs against every implementation
 * (SQLite now, PostgreSQL next), so the bot behaves the same on both.
 */
export interface Store {
  upsertConversation(record: ConversationRecord, now: Date): Promise<void>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  setConversationActive(id: string, active: boolean, now: Date): Promise<void>;

  addWatch(watch: WatchRecord): Promise<'added' | 'updated'>;
  removeWatch(conversationId: string, domain: string): Promise<boolean>;
  listWatches(conversationId: string): Promise<WatchRecord[]>;
  /** Every watch of an active conversation (the sweep's work list). */
  listActiveWatches(): Promise<WatchRecord[]>;

  setAutoRollover(
    domain: string,
    value: boolean | undefined,
    by: string | undefined,
    now: Date,
  ): Promise<void>;
  getAutoRollover(domain: string): Promise<boolean | undefined>;

  saveAssessment(record: StoredAssessment): Promise<void>;
  getAssessment(domain: string): Promise<StoredAssessment | undefined>;

  /** Records thumbprints seen for an IdP; returns those seen for the first time. */
  recordCertificates(idpKey: string, thumbprints: string[], now: Date): Promise<string[]>;
  certificateHistory(
    idpKey: string,
  ): Promise<{ firstSeen: Record<string, string>; published: string[] }>;

  listLiveAlerts(idpKeys?: string[]): Promise<AlertRecord[]>;
  getAlert(
    id: string,
  ): Promise<
    | (AlertRecord & { acknowledgedBy?: string; acknowledgedAt?: Date; resolvedAt?: Date })
    | undefined
  >;
  /** Every active conversation that watches something: its watch keys and lead (who may hear). */
  listAudience(): Promise<Watcher[]>;
  /** Per alert: the conversations its card was posted to or is queued for. */
  postedTo(alertIds: string[]): Promise<Record<string, string[]>>;
  /**
   * Writes planned transitions with the deliveries the planner chose, in one transaction: written
   * before anything is sent (the outbox).
   */
  applyAlertTransitions(transitions: PlannedTransition[], now: Date): Promise<void>;
  acknowledgeAlert(
    id: string,
    by: { name: string; aadObjectId?: string },
    now: Date,
  ): Promise<'acknowledged' | 'already' | 'resolved' | 'unknown'>;
  snoozeAlert(
    id: string,
    by: string,
    until: Date,
    now: Date,
  ): Promise<'snoozed' | 'resolved' | 'unknown'>;

  /** Due deliveries, to look at (nothing claimed). */
  pendingDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]>;
  /** Claims due deliveries for this notifier (a claim expires if it dies): no row goes to two notifiers. */
  claimDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]>;
  claimNotices(now: Date, limit: number): Promise<NoticeDelivery[]>;
  markDelivered(id: string, activityId: string | undefined, now: Date): Promise<void>;
  markDeliveryFailed(id: string, error: string, retryAt: Date | undefined): Promise<void>;
  /** The activity id of the alert's card in a conversation (to update it in place, to reply to it). */
  postedActivityId(alertId: string, conversationId: string): Promise<string | undefined>;

  /** Queues a notice to every active conversation watching one of `domains` (the outbox, as for alerts). */
  queueNotice(
    notice: { idpKey: string; domains: string[]; title: string; lines: string[] },
    now: Date,
  ): Promise<number>;
  pendingNotices(now: Date, limit: number): Promise<NoticeDelivery[]>;
  markNoticeSent(id: string, now: Date): Promise<void>;
  markNoticeFailed(id: string, error: string, retryAt: Date | undefined): Promise<void>;

  /** Keeps the latest collector snapshot per (organisation, kind, source). */
  saveSnapshot(snapshot: SnapshotRecord): Promise<void>;
  listSnapshots(kind?: SnapshotKind): Promise<SnapshotRecord[]>;

  /** A shared sweep (pg-boss): its size, each target done once, and its planning done once. */
  startSweepRun(id: string, total: number, now: Date): Promise<void>;
  completeSweepTarget(
    runId: string,
    targetKey: string,
    now: Date,
  ): Promise<{ done: number; total: number }>;
  finishSweepRun(id: string, now: Date): Promise<boolean>;

  audit(entry: AuditEntry): Promise<void>;
  auditTrail(target: string): Promise<AuditEntry[]>;

  /** A lease several processes compete for (one sweep at a time); expired leases are taken over. */
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  /** Succeeds when the store answers a query (readiness). */
  ping(): Promise<void>;
  /** Every domain's last assessment (metrics). */
  listAssessments(): Promise<StoredAssessment[]>;
  /** Deliveries and notices waiting to be sent (metrics). */
  countPendingDeliveries(): Promise<number>;

  close(): Promise<void>;
}
