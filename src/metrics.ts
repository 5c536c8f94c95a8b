import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Status } from './engine/types';
import type { AlertStore, AssessmentStore, DeliveryOutbox, SnapshotStore } from './store/store';

/** What /metrics reads from the store at scrape time. */
export type MetricsStore = Pick<AssessmentStore, 'listAssessments'> &
  Pick<AlertStore, 'listLiveAlerts'> &
  Pick<DeliveryOutbox, 'countPendingDeliveries'> &
  Pick<SnapshotStore, 'listSnapshots'>;

const STATUS_VALUE: Record<Status, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/**
 * Prometheus metrics (DESIGN §2 /metrics): certificate days left and check status per domain (from the
 * last stored assessments, read at scrape time), checks by result, open alerts by severity, the outbox,
 * and how old each collector snapshot is (a collector that stopped sending is worth a page of its own).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly checks: Counter<'result'>;
  private readonly failedDeliveries: Counter<'reason'>;

  constructor(store: MetricsStore, clock: () => Date) {
    collectDefaultMetrics({ register: this.registry });
    this.checks = new Counter({
      name: 'fedtrust_checks_total',
      help: 'Checks run, by result',
      labelNames: ['result'],
      registers: [this.registry],
    });
    this.failedDeliveries = new Counter({
      name: 'fedtrust_deliveries_failed_total',
      help: 'Deliveries to Teams that failed for good, by reason (each also logged and reported in another conversation)',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    const daysLeft = new Gauge({
      name: 'fedtrust_certificate_days_left',
      help: 'Days until each certificate of a watched domain expires (last sweep)',
      labelNames: ['domain', 'source', 'role', 'thumbprint'],
      registers: [this.registry],
    });
    const status = new Gauge({
      name: 'fedtrust_check_status',
      help: 'Last check status: 0 ok, 1 warning, 2 critical, 3 unknown',
      labelNames: ['domain'],
      registers: [this.registry],
    });
    const alerts = new Gauge({
      name: 'fedtrust_alerts_open',
      help: 'Alerts not resolved, by severity',
      labelNames: ['severity'],
      registers: [this.registry],
    });
    const outbox = new Gauge({
      name: 'fedtrust_outbox_pending',
      help: 'Deliveries waiting to be sent',
      registers: [this.registry],
    });
    const snapshotAge = new Gauge({
      name: 'fedtrust_collector_snapshot_age_seconds',
      help: "Age of the collector's latest snapshot per organisation, kind and source",
      labelNames: ['organization', 'kind', 'source'],
      registers: [this.registry],
    });
    const keyHeld = new Gauge({
      name: 'fedtrust_exchange_hybrid_app_key_held',
      help: "Whether the organisation's dedicated hybrid app holds each Exchange Auth certificate slot (1/0, last check)",
      labelNames: ['organization', 'slot'],
      registers: [this.registry],
    });
    // Read the store at scrape time (collect), so every replica reports the shared state.
    const refresh = async (): Promise<void> => {
      daysLeft.reset();
      status.reset();
      keyHeld.reset();
      for (const stored of await store.listAssessments()) {
        // The stored name, not the assessment's: each organisation's Exchange trust is its own row.
        const domain = stored.domain;
        const a = stored.assessment;
        status.set({ domain }, STATUS_VALUE[a.status]);
        if (a.subject.kind === 'exchange-hybrid' && a.hybrid?.entraKnown) {
          const held = new Set(
            a.certificates
              .filter((c) => c.source === 'entra-app' && c.daysLeft >= 0)
              .map((c) => c.thumbprintSha1),
          );
          for (const c of a.certificates.filter((e) => e.source === 'exchange-auth'))
            keyHeld.set(
              { organization: a.subject.organization, slot: c.role.replace('auth-', '') },
              held.has(c.thumbprintSha1) ? 1 : 0,
            );
        }
        for (const c of a.certificates) {
          daysLeft.set(
            { domain, source: c.source, role: c.role, thumbprint: c.thumbprintSha1 },
            c.daysLeft,
          );
        }
      }
      alerts.reset();
      for (const severity of ['warning', 'critical'] as const) alerts.set({ severity }, 0);
      for (const alert of await store.listLiveAlerts()) alerts.inc({ severity: alert.severity });
      outbox.set(await store.countPendingDeliveries());
      snapshotAge.reset();
      const now = clock().getTime();
      for (const snap of await store.listSnapshots()) {
        snapshotAge.set(
          { organization: snap.organization, kind: snap.kind, source: snap.sourceKey },
          Math.max(0, Math.round((now - snap.receivedAt.getTime()) / 1000)),
        );
      }
    };
    this.refresh = refresh;
  }

  /** Recomputes the store-backed gauges; called before each scrape. */
  readonly refresh: () => Promise<void>;

  countCheck(result: Status): void {
    this.checks.inc({ result });
  }

  countFailedDelivery(reason: string): void {
    this.failedDeliveries.inc({ reason });
  }
}
