/** One schema for SQLite and PostgreSQL: dates are ISO 8601 UTC text, booleans 0/1, JSON as text. */
export interface Database {
  conversations: {
    id: string;
    reference_json: string;
    scope: string;
    tenant_id: string | null;
    active: number;
    lead_days: number | null;
    oncall: string | null;
    updated_at: string;
  };
  watches: {
    conversation_id: string;
    domain: string;
    metadata_url: string | null;
    created_by: string | null;
    created_at: string;
  };
  domain_facts: {
    domain: string;
    auto_rollover: number | null;
    set_by: string | null;
    set_at: string;
  };
  assessments: {
    domain: string;
    checked_at: string;
    status: string;
    idp_key: string | null;
    assessment_json: string;
    entra_json: string | null;
    failed_sweeps: number;
  };
  certificate_history: {
    idp_key: string;
    thumbprint: string;
    first_seen: string;
  };
  alerts: {
    id: string;
    key: string;
    idp_key: string;
    code: string;
    thumbprint: string;
    severity: string;
    state: string;
    domains_json: string;
    message: string;
    remedy: string;
    opened_at: string;
    updated_at: string;
    last_notified_at: string;
    snoozed_until: string | null;
    acknowledged_by: string | null;
    acknowledged_by_aad: string | null;
    acknowledged_at: string | null;
    resolved_at: string | null;
    expires_at: string | null;
  };
  /** Fetched documents, once per content (SHA-256 of the text, hex). */
  http_documents: {
    hash: string;
    body: string;
    stored_at: string;
  };
  /** A document's signature check (by content and, for an aggregate, the entity read): it never changes. */
  signature_checks: {
    key: string;
    content_hash: string;
    result_json: string;
    checked_at: string;
  };
  /** Each URL's last validators and the content they validate (DESIGN §7 "Conditional GET"). */
  url_validators: {
    url: string;
    etag: string | null;
    last_modified: string | null;
    status: number;
    final_url: string;
    content_hash: string;
    stored_at: string;
  };
  send_pace: {
    key: string;
    /** Milliseconds since the epoch in the store's clock (bigint: PostgreSQL returns it as a string). */
    next_at: number | string;
  };
  deliveries: {
    id: string;
    alert_id: string;
    conversation_id: string;
    kind: string;
    state: string;
    activity_id: string | null;
    attempts: number;
    next_attempt_at: string;
    created_at: string;
    sent_at: string | null;
    error: string | null;
    claimed_until: string | null;
  };
  audit_log: {
    id: string;
    at: string;
    actor: string | null;
    action: string;
    target: string | null;
    detail_json: string | null;
  };
  notices: {
    id: string;
    idp_key: string;
    title: string;
    lines_json: string;
    created_at: string;
  };
  notice_deliveries: {
    id: string;
    notice_id: string;
    conversation_id: string;
    state: string;
    attempts: number;
    next_attempt_at: string;
    created_at: string;
    sent_at: string | null;
    error: string | null;
    claimed_until: string | null;
  };
  snapshots: {
    organization: string;
    kind: string;
    source_key: string;
    computer_name: string | null;
    collected_at: string | null;
    received_at: string;
    payload_json: string;
  };
  sweep_runs: {
    id: string;
    started_at: string;
    total: number;
    finished_at: string | null;
  };
  sweep_run_targets: {
    run_id: string;
    target_key: string;
    done_at: string;
  };
  leases: {
    name: string;
    holder: string;
    expires_at: string;
  };
}
