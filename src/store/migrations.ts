import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * The schema's history. Written with Kysely's schema builder only, so the same migrations run on SQLite
 * and PostgreSQL; never edit an applied migration, add the next one.
 */
const migrations: Record<string, Migration> = {
  '2026-11-22-001-initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('reference_json', 'text', (c) => c.notNull())
        .addColumn('scope', 'varchar(32)', (c) => c.notNull())
        .addColumn('tenant_id', 'varchar(64)')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('lead_days', 'integer')
        .addColumn('oncall', 'varchar(256)')
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('watches')
        .addColumn('conversation_id', 'varchar(512)', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('domain', 'varchar(253)', (c) => c.notNull())
        .addColumn('metadata_url', 'varchar(2048)')
        .addColumn('created_by', 'varchar(256)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('watches_pk', ['conversation_id', 'domain'])
        .execute();
      await db.schema.createIndex('watches_domain').on('watches').column('domain').execute();
      await db.schema
        .createTable('domain_facts')
        .addColumn('domain', 'varchar(253)', (c) => c.primaryKey())
        .addColumn('auto_rollover', 'integer')
        .addColumn('set_by', 'varchar(256)')
        .addColumn('set_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('assessments')
        .addColumn('domain', 'varchar(253)', (c) => c.primaryKey())
        .addColumn('checked_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('idp_key', 'varchar(4096)')
        .addColumn('assessment_json', 'text', (c) => c.notNull())
        .addColumn('entra_json', 'text')
        .addColumn('failed_sweeps', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('certificate_history')
        .addColumn('idp_key', 'varchar(4096)', (c) => c.notNull())
        .addColumn('thumbprint', 'varchar(40)', (c) => c.notNull())
        .addColumn('first_seen', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('certificate_history_pk', ['idp_key', 'thumbprint'])
        .execute();
      await db.schema
        .createTable('alerts')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('key', 'varchar(4200)', (c) => c.notNull())
        .addColumn('idp_key', 'varchar(4096)', (c) => c.notNull())
        .addColumn('code', 'varchar(64)', (c) => c.notNull())
        .addColumn('thumbprint', 'varchar(40)', (c) => c.notNull())
        .addColumn('severity', 'varchar(16)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('domains_json', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('remedy', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('last_notified_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('snoozed_until', 'varchar(32)')
        .addColumn('acknowledged_by', 'varchar(256)')
        .addColumn('acknowledged_by_aad', 'varchar(64)')
        .addColumn('acknowledged_at', 'varchar(32)')
        .addColumn('resolved_at', 'varchar(32)')
        .execute();
      // One live alert per (IdP, certificate, rule): enforced by the database, not by timing (DESIGN §7).
      await db.schema
        .createIndex('alerts_one_live_per_key')
        .on('alerts')
        .column('key')
        .unique()
        .where(sql.ref('state'), '<>', 'resolved')
        .execute();
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('alert_id', 'varchar(64)', (c) =>
          c.notNull().references('alerts.id').onDelete('cascade'),
        )
        .addColumn('conversation_id', 'varchar(512)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('activity_id', 'varchar(256)')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('sent_at', 'varchar(32)')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('deliveries_pending')
        .on('deliveries')
        .columns(['state', 'next_attempt_at'])
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('at', 'varchar(32)', (c) => c.notNull())
        .addColumn('actor', 'varchar(256)')
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('target', 'varchar(512)')
        .addColumn('detail_json', 'text')
        .execute();
      await db.schema
        .createTable('leases')
        .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('holder', 'varchar(256)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
  '2026-11-22-002-notices': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('notices')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('idp_key', 'varchar(4096)', (c) => c.notNull())
        .addColumn('title', 'varchar(512)', (c) => c.notNull())
        .addColumn('lines_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('notice_deliveries')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('notice_id', 'varchar(64)', (c) =>
          c.notNull().references('notices.id').onDelete('cascade'),
        )
        .addColumn('conversation_id', 'varchar(512)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('sent_at', 'varchar(32)')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('notice_deliveries_pending')
        .on('notice_deliveries')
        .columns(['state', 'next_attempt_at'])
        .execute();
    },
  },
  '2026-11-22-003-alert-expiry': {
    async up(db: Kysely<unknown>): Promise<void> {
      // When the alert's certificate expires: decides when a conversation's own lead (`set lead`) opens.
      await db.schema.alterTable('alerts').addColumn('expires_at', 'varchar(32)').execute();
    },
  },
  '2026-11-22-004-delivery-claims': {
    async up(db: Kysely<unknown>): Promise<void> {
      // A notifier claims rows before sending ('sending' until claimed_until): two never send the same row.
      await db.schema.alterTable('deliveries').addColumn('claimed_until', 'varchar(32)').execute();
      await db.schema
        .alterTable('notice_deliveries')
        .addColumn('claimed_until', 'varchar(32)')
        .execute();
    },
  },
  '2026-12-03-005-collector-snapshots': {
    async up(db: Kysely<unknown>): Promise<void> {
      // The latest collector snapshot per organisation, kind (exchange-trust, adfs) and source (issue #5).
      await db.schema
        .createTable('snapshots')
        .addColumn('organization', 'varchar(128)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('source_key', 'varchar(512)', (c) => c.notNull())
        .addColumn('computer_name', 'varchar(256)')
        .addColumn('collected_at', 'varchar(32)')
        .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('snapshots_pk', ['organization', 'kind', 'source_key'])
        .execute();
    },
  },
  '2026-12-03-006-sweep-runs': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Shared sweeps on PostgreSQL (issue #6): one job per target; the last one done starts the planning.
      await db.schema
        .createTable('sweep_runs')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('finished_at', 'varchar(32)')
        .execute();
      await db.schema
        .createTable('sweep_run_targets')
        .addColumn('run_id', 'varchar(64)', (c) =>
          c.notNull().references('sweep_runs.id').onDelete('cascade'),
        )
        .addColumn('target_key', 'varchar(1024)', (c) => c.notNull())
        .addColumn('done_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('sweep_run_targets_pk', ['run_id', 'target_key'])
        .execute();
    },
  },
  '2026-12-07-007-send-pace-and-outbox-indexes': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Teams' per-tenant rate shared by every notifier (DESIGN §7): the next free send slot per key, in
      // the store's own clock, taken with one atomic upsert (src/store/send-pace.ts).
      await db.schema
        .createTable('send_pace')
        .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('next_at', 'bigint', (c) => c.notNull())
        .execute();
      // Every outbox query by alert or by conversation uses an index (issue #14): postedTo and
      // postedActivityId look deliveries up by alert; claims skip conversations another notifier serves.
      await db.schema
        .createIndex('deliveries_alert')
        .on('deliveries')
        .columns(['alert_id', 'conversation_id'])
        .execute();
      await db.schema
        .createIndex('deliveries_conversation')
        .on('deliveries')
        .columns(['conversation_id', 'state'])
        .execute();
      await db.schema
        .createIndex('notice_deliveries_conversation')
        .on('notice_deliveries')
        .columns(['conversation_id', 'state'])
        .execute();
    },
  },
  '2026-12-07-008-http-validators': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Conditional GET that survives restarts and growth (DESIGN §7): each URL's validators and the
      // document they validate, so any process revalidates with If-None-Match / If-Modified-Since.
      await db.schema
        .createTable('http_validators')
        .addColumn('url', 'varchar(2048)', (c) => c.primaryKey())
        .addColumn('etag', 'varchar(512)')
        .addColumn('last_modified', 'varchar(128)')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('final_url', 'varchar(2048)', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('stored_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
  '2026-12-08-009-documents-by-content': {
    async up(db: Kysely<unknown>): Promise<void> {
      // A body per URL wrote 70 KB per watched URL on every changed answer (10,000 URLs sharing 100
      // documents: 700 MB, 3.5 s of a sweep). Documents are now kept once per content (SHA-256), and
      // each URL's validators name the content they validate. The old rows are a cache: dropping them
      // costs one unconditional GET per URL.
      await db.schema
        .createTable('http_documents')
        .addColumn('hash', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('stored_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('url_validators')
        .addColumn('url', 'varchar(2048)', (c) => c.primaryKey())
        .addColumn('etag', 'varchar(512)')
        .addColumn('last_modified', 'varchar(128)')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('final_url', 'varchar(2048)', (c) => c.notNull())
        .addColumn('content_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('stored_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('url_validators_content')
        .on('url_validators')
        .column('content_hash')
        .execute();
      await db.schema.dropTable('http_validators').execute();
    },
  },
  '2026-12-08-010-signature-checks': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Verifying an AD FS signature costs ~25 ms; a `fedtrust sweep` process, or a bot watching more
      // distinct documents than it caches, verified every unchanged document again on every sweep.
      // The outcome for the same bytes (and the same entity of an aggregate) never changes: keep it.
      await db.schema
        .createTable('signature_checks')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('content_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('result_json', 'text', (c) => c.notNull())
        .addColumn('checked_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('signature_checks_content')
        .on('signature_checks')
        .column('content_hash')
        .execute();
    },
  },
  '2026-12-08-011-audit-by-target': {
    async up(db: Kysely<unknown>): Promise<void> {
      // `auditTrail(target)` read the whole audit log, which only grows (test/integration/query-plans).
      await db.schema
        .createIndex('audit_log_target')
        .on('audit_log')
        .columns(['target', 'at'])
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
