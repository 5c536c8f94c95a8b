import type { AlertRecord } from '../engine/alert-plan';
import type { AlertStore, DeliveryReport, WatchStore } from '../store/store';
import type { Caller, Clocked } from './actor';

/** How long Snooze silences an alert (DESIGN §4: 24 h, or until the severity rises). */
export const SNOOZE_HOURS = 24;
const MAX_ALERT_ID_LENGTH = 64;

export interface AlertActionDependencies extends Clocked {
  store: Pick<
    AlertStore,
    'getAlert' | 'listLiveAlerts' | 'acknowledgeAlert' | 'snoozeAlert' | 'deliveryReport'
  > &
    Pick<WatchStore, 'listWatches'>;
}

type StoredAlert = NonNullable<Awaited<ReturnType<AlertStore['getAlert']>>>;
/** An alert with where its card went (DESIGN §7: the card shows where it was delivered and failed). */
export type ReportedAlert = StoredAlert & { deliveries: DeliveryReport };

/** The watch keys of the caller's conversation. */
async function watchedBy(deps: AlertActionDependencies, caller: Caller): Promise<Set<string>> {
  return new Set((await deps.store.listWatches(caller.conversationId)).map((w) => w.domain));
}

/**
 * The alert a card names, if the caller's conversation may act on it: only a conversation that
 * watches one of its names (a forged or foreign alert id changes nothing).
 */
async function alertFor(
  deps: AlertActionDependencies,
  caller: Caller,
  alertId: unknown,
): Promise<StoredAlert | undefined> {
  if (typeof alertId !== 'string' || alertId.length > MAX_ALERT_ID_LENGTH) return undefined;
  const alert = await deps.store.getAlert(alertId);
  if (!alert) return undefined;
  const watched = await watchedBy(deps, caller);
  return alert.domains.some((d) => watched.has(d)) ? alert : undefined;
}

/** Acts on the alert if the caller may (else undefined, nothing changed); returns it as it is now. */
async function actOn(
  deps: AlertActionDependencies,
  caller: Caller,
  alertId: unknown,
  act: (alert: StoredAlert, now: Date) => Promise<unknown>,
): Promise<ReportedAlert | undefined> {
  const alert = await alertFor(deps, caller, alertId);
  if (!alert) return undefined;
  await act(alert, deps.clock());
  const now = (await deps.store.getAlert(alert.id)) ?? alert;
  return { ...now, deliveries: (await deps.store.deliveryReport([alert.id]))[alert.id]! };
}

/** Acknowledge: everywhere at once (every posted card updates), audited by the store. */
export function acknowledge(
  deps: AlertActionDependencies,
  caller: Caller,
  alertId: unknown,
): Promise<ReportedAlert | undefined> {
  return actOn(deps, caller, alertId, (alert, now) =>
    deps.store.acknowledgeAlert(alert.id, caller.actor, now),
  );
}

/** Snooze: quiet for SNOOZE_HOURS or until the severity rises, audited by the store. */
export function snooze(
  deps: AlertActionDependencies,
  caller: Caller,
  alertId: unknown,
): Promise<ReportedAlert | undefined> {
  return actOn(deps, caller, alertId, (alert, now) =>
    deps.store.snoozeAlert(
      alert.id,
      caller.actor.name,
      new Date(now.getTime() + SNOOZE_HOURS * 3_600_000),
      now,
    ),
  );
}

/**
 * `alerts`: the live alerts of everything the caller's conversation watches, each with the deliveries
 * that failed for good (in any conversation: a failure is never silent).
 */
export async function alertsFor(
  deps: AlertActionDependencies,
  caller: Caller,
): Promise<(AlertRecord & { deliveries: DeliveryReport })[]> {
  const watched = await watchedBy(deps, caller);
  const alerts = (await deps.store.listLiveAlerts()).filter((a) =>
    a.domains.some((d) => watched.has(d)),
  );
  const reports = await deps.store.deliveryReport(alerts.map((a) => a.id));
  return alerts.map((a) => ({ ...a, deliveries: reports[a.id]! }));
}
