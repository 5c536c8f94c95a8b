import type { PlannedTransition, Watcher } from '../engine/alert-audience';
import type { AlertRecord } from '../engine/alert-plan';
import type { SignatureCheck } from '../engine/signature';
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
  /** Whom critical re-notifications mention (`set oncall`): a real Teams mention, so Teams notifies. */
  oncall?: Oncall;
}

/** How a conversation is named to people: its Teams name when the reference has one. */
export function conversationLabel(
  c: Pick<ConversationRecord, 'id' | 'reference' | 'scope'>,
): string {
  const conversation = c.reference.conversation as { name?: unknown } | undefined;
  const name = typeof conversation?.name === 'string' ? conversation.name : undefined;
  const scope = c.scope === 'channel' ? 'channel' : c.scope === 'groupChat' ? 'group chat' : 'chat';
  return name ? `the ${scope} ${name}` : `a ${scope} (${c.id.slice(0, 40)})`;
}

/**
 * Where an alert's card went (DESIGN §7): how many conversations it was posted to or is queued for,
 * and each delivery that failed for good — shown on the card and by `alerts`, never silent.
 */
export interface DeliveryReport {
  posted: number;
  failed: { conversationId: string; where: string; kind: string; error: string }[];
}

/** A Teams user or tag as a mention entity names it (DESIGN §7 "Mentions"). */
export interface Oncall {
  kind: 'user' | 'tag';
  /** The user's id (29:… / AAD object id) or the tag's id, from the mention entity. */
  id: string;
  name: string;
}

export interface WatchRecord {
  conversationId: string;
  domain: string;
  metadataUrl?: string;
  createdBy?: string;
  createdAt: Date;
}

/** Of a subject's last assessment, what its next sweep reads. */
export type SweepFacts = Pick<StoredAssessment, 'idpKey' | 'entra' | 'failedSweeps'>;

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
  /** When it was queued: a failing delivery is retried for at least 24 h from here (DESIGN §7). */
  createdAt: Date;
}

/** An informational notice (a new signing certificate was published): posted once, nothing to acknowledge. */
export interface NoticeDelivery {
  id: string;
  conversationId: string;
  title: string;
  lines: string[];
  attempts: number;
  createdAt: Date;
}

/** A notice to queue: to whom (who watches `domains`, narrowed by tenant and exception), and what. */
export interface NoticeRequest {
  idpKey: string;
  domains: string[];
  tenantId?: string;
  exceptConversationId?: string;
  title: string;
  lines: string[];
}

export interface AuditEntry {
  at: Date;
  actor?: string;
  action: string;
  target?: string;
  detail?: unknown;
}

/** `exchange-auth`: collector 1.1's Exchange Auth block, one per (organisation, server). */
export type SnapshotKind = 'exchange-trust' | 'adfs' | 'exchange-auth';

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

/** Conversations the bot can post to later, with their own settings (`set lead`, `set oncall`). */
export interface ConversationStore {
  upsertConversation(record: ConversationRecord, now: Date): Promise<void>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** The bot was removed (403/404) or added again. */
  setConversationActive(id: string, active: boolean, now: Date): Promise<void>;
}

/** What each conversation watches (by watch key, src/engine/subject.ts), and facts stated about IdPs. */
export interface WatchStore {
  addWatch(watch: WatchRecord): Promise<'added' | 'updated'>;
  removeWatch(conversationId: string, key: string): Promise<boolean>;
  listWatches(conversationId: string): Promise<WatchRecord[]>;
  /** Every watch of an active conversation (the sweep's work list). */
  listActiveWatches(): Promise<WatchRecord[]>;
  /** `set autorollover` and the check card's question; undefined forgets the answer. */
  setAutoRollover(
    domain: string,
    value: boolean | undefined,
    by: string | undefined,
    now: Date,
  ): Promise<void>;
  getAutoRollover(domain: string): Promise<boolean | undefined>;
}

/** Each subject's last assessment (by assessment key) and the certificates each IdP published. */
export interface AssessmentStore {
  saveAssessment(record: StoredAssessment): Promise<void>;
  getAssessment(key: string): Promise<StoredAssessment | undefined>;
  /**
   * What the next sweep of a subject needs of its last assessment (its IdP, Entra's configuration, the
   * failures in a row), without reading and decoding the whole assessment.
   */
  getSweepFacts(key: string): Promise<SweepFacts | undefined>;
  /** Every subject's last assessment (metrics, the shared sweep's Exchange results). */
  listAssessments(): Promise<StoredAssessment[]>;
  /** Records thumbprints seen for an IdP; returns those seen for the first time. */
  recordCertificates(idpKey: string, thumbprints: string[], now: Date): Promise<string[]>;
  certificateHistory(
    idpKey: string,
  ): Promise<{ firstSeen: Record<string, string>; published: string[] }>;
}

/** Alerts and who may hear about them; the planner (src/engine/alert-audience.ts) decides, this keeps. */
export interface AlertStore {
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
  /** Per alert: where its card went and where it failed for good (every alert asked has an entry). */
  deliveryReport(alertIds: string[]): Promise<Record<string, DeliveryReport>>;
  /**
   * Writes planned transitions with the deliveries the planner chose, in one transaction: written
   * before anything is sent (the outbox).
   */
  applyAlertTransitions(transitions: PlannedTransition[], now: Date): Promise<void>;
  /** Acknowledges everywhere (every posted card is queued for an update) and audits it. */
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
}

/** The alert outbox: each delivery claimed by one notifier, sent, and marked with its activity id. */
export interface DeliveryOutbox {
  /** Due deliveries, to look at (nothing claimed). */
  pendingDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]>;
  /** Claims due deliveries for this notifier (a claim expires if it dies): no row goes to two notifiers. */
  claimDeliveries(now: Date, limit: number): Promise<DeliveryRecord[]>;
  markDelivered(id: string, activityId: string | undefined, now: Date): Promise<void>;
  markDeliveryFailed(id: string, error: string, retryAt: Date | undefined): Promise<void>;
  /**
   * Marks a delivery failed for good; on the alert's first such failure, queues an update of its
   * cards in the other conversations, so they say where it could not be delivered.
   */
  failDeliveryForGood(id: string, error: string, now: Date): Promise<void>;
  /** The activity id of the alert's card in a conversation (to update it in place, to reply to it). */
  postedActivityId(alertId: string, conversationId: string): Promise<string | undefined>;
  /** Deliveries and notices waiting to be sent (metrics). */
  countPendingDeliveries(): Promise<number>;
}

/** An HTTP answer's validators (ETag, Last-Modified) and the document they validate. */
export interface StoredValidators {
  etag?: string;
  lastModified?: string;
  status: number;
  /** The URL the document finally came from (after redirects). */
  url: string;
  body: string;
  /** SHA-256 of `body` (hex): documents are kept once per content, however many URLs serve them. */
  hash: string;
}

/** Conditional GET across processes and restarts (DESIGN §7): validators per URL, in the store. */
export interface ValidatorStore {
  /** The URL's validators (without the document), while the document they validate is kept. */
  getValidators(url: string): Promise<Omit<StoredValidators, 'body'> | undefined>;
  /** A kept document by its content hash. */
  getDocument(hash: string): Promise<string | undefined>;
  saveValidators(url: string, entry: StoredValidators | undefined, now: Date): Promise<void>;
  /** The signature check of a document's content (`key`: content and entity, see MetadataSource). */
  getSignatureCheck(key: string): Promise<SignatureCheck | undefined>;
  /** Kept until no URL keeps the document `contentHash` any more. */
  saveSignatureCheck(
    key: string,
    contentHash: string,
    check: SignatureCheck,
    now: Date,
  ): Promise<void>;
}

/**
 * Pacing shared by every notifier that uses the store (on PostgreSQL: every replica): each send books
 * the next slot of its key and waits for it.
 */
export interface SendPace {
  /** Books a slot `spacingMs` after the key's last one (or now) and returns the milliseconds to wait. */
  reserveSendSlot(key: string, spacingMs: number): Promise<number>;
}

/** Informational notices (a new signing certificate was published), through the same kind of outbox. */
export interface NoticeOutbox {
  /**
   * Queues a notice to every active conversation watching one of `domains` — only those of
   * `tenantId` and not `exceptConversationId`, when given.
   */
  queueNotice(notice: NoticeRequest, now: Date): Promise<number>;
  pendingNotices(now: Date, limit: number): Promise<NoticeDelivery[]>;
  claimNotices(now: Date, limit: number): Promise<NoticeDelivery[]>;
  markNoticeSent(id: string, now: Date): Promise<void>;
  markNoticeFailed(id: string, error: string, retryAt: Date | undefined): Promise<void>;
}

/** The on-premises collector's snapshots: the latest per (organisation, kind, source). */
export interface SnapshotStore {
  saveSnapshot(snapshot: SnapshotRecord): Promise<void>;
  listSnapshots(kind?: SnapshotKind): Promise<SnapshotRecord[]>;
}

/** A shared sweep (pg-boss): its size, each target done once, and its planning done once. */
export interface SweepRunStore {
  startSweepRun(id: string, total: number, now: Date): Promise<void>;
  completeSweepTarget(
    runId: string,
    targetKey: string,
    now: Date,
  ): Promise<{ done: number; total: number }>;
  finishSweepRun(id: string, now: Date): Promise<boolean>;
}

/** Who did what, and when (card actions, commands that change anything). */
export interface AuditLog {
  audit(entry: AuditEntry): Promise<void>;
  auditTrail(target: string): Promise<AuditEntry[]>;
}

/** A lease several processes compete for (one sweep at a time); expired leases are taken over. */
export interface LeaseStore {
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
}

/**
 * The persistence port (DESIGN §5, §7): the role-sized ports above, each consumer given only the ones
 * it uses. One implementation (KyselyStore, on SQLite and PostgreSQL) and one contract test-suite run
 * against both, so the bot behaves the same on either.
 */
export interface Store
  extends
    ConversationStore,
    WatchStore,
    AssessmentStore,
    AlertStore,
    DeliveryOutbox,
    NoticeOutbox,
    SendPace,
    ValidatorStore,
    SnapshotStore,
    SweepRunStore,
    AuditLog,
    LeaseStore {
  /** Succeeds when the store answers a query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
