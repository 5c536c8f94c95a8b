import { WATCH_ALL_KEY } from '../engine/subject';
import type { AuditLog, WatchRecord, WatchStore } from '../store/store';
import type { Caller, Clocked } from './actor';

/**
 * `watch all` / `unwatch all` (DESIGN §2): a conversation watches every federated domain of the
 * tenant, as Graph lists them — the ones there now and, at each sweep, the ones added since, as Entra
 * Connect Health watches every AD FS server it knows. The subscription is a watch row under `*`; each
 * domain it brings is an ordinary watch row marked as added by it, so alerts, the watchlist and the
 * metrics treat them like any other, and `unwatch all` takes back only what it added.
 */
export const ADDED_BY_WATCH_ALL = 'watch all';

export interface WatchAllDependencies extends Clocked {
  store: Pick<WatchStore, 'addWatch' | 'removeWatch' | 'listWatches' | 'listActiveWatches'> &
    AuditLog;
}

/** The tenant's federated domains (Graph); throws when Graph cannot be read. */
export type FederatedDomains = () => Promise<string[]>;

/** Brings one conversation's watches in line with `domains`: adds the missing, drops what left. */
async function reconcile(
  deps: WatchAllDependencies,
  conversationId: string,
  domains: string[],
): Promise<{ added: string[]; removed: string[] }> {
  const watches = await deps.store.listWatches(conversationId);
  const watched = new Set(watches.map((w) => w.domain));
  const wanted = new Set(domains);
  const added: string[] = [];
  for (const domain of domains)
    if (!watched.has(domain)) {
      await deps.store.addWatch({
        conversationId,
        domain,
        createdBy: ADDED_BY_WATCH_ALL,
        createdAt: deps.clock(),
      });
      added.push(domain);
    }
  const removed: string[] = [];
  for (const w of watches)
    if (w.createdBy === ADDED_BY_WATCH_ALL && !wanted.has(w.domain)) {
      await deps.store.removeWatch(conversationId, w.domain);
      removed.push(w.domain);
    }
  return { added, removed };
}

/** `watch all`: subscribes the caller's conversation and watches every federated domain now. */
export async function watchAll(
  deps: WatchAllDependencies,
  caller: Caller,
  federatedDomains: FederatedDomains,
): Promise<{ domains: string[]; added: string[] }> {
  const domains = await federatedDomains();
  await deps.store.addWatch({
    conversationId: caller.conversationId,
    domain: WATCH_ALL_KEY,
    createdBy: caller.actor.name,
    createdAt: deps.clock(),
  });
  const { added } = await reconcile(deps, caller.conversationId, domains);
  await deps.store.audit({
    at: deps.clock(),
    actor: caller.actor.name,
    action: 'watch',
    target: WATCH_ALL_KEY,
    detail: { conversationId: caller.conversationId, added },
  });
  return { domains, added };
}

/** `unwatch all`: ends the subscription and the watches it added; domains watched by name stay. */
export async function unwatchAll(deps: WatchAllDependencies, caller: Caller): Promise<string[]> {
  const watches = await deps.store.listWatches(caller.conversationId);
  if (!watches.some((w) => w.domain === WATCH_ALL_KEY)) return [];
  await deps.store.removeWatch(caller.conversationId, WATCH_ALL_KEY);
  const removed: string[] = [];
  for (const w of watches)
    if (w.createdBy === ADDED_BY_WATCH_ALL) {
      await deps.store.removeWatch(caller.conversationId, w.domain);
      removed.push(w.domain);
    }
  await deps.store.audit({
    at: deps.clock(),
    actor: caller.actor.name,
    action: 'unwatch',
    target: WATCH_ALL_KEY,
    detail: { conversationId: caller.conversationId, removed },
  });
  return removed;
}

/**
 * At each sweep: every conversation that said `watch all` gets the domains federated since and loses
 * those no longer federated. Graph is read once; when it cannot be read nothing changes (an outage
 * never unwatches anything). Returns the conversations' changes.
 */
export async function refreshWatchAll(
  deps: WatchAllDependencies,
  federatedDomains: FederatedDomains | undefined,
): Promise<{ conversationId: string; added: string[]; removed: string[] }[]> {
  const subscribers = (await deps.store.listActiveWatches())
    .filter((w: WatchRecord) => w.domain === WATCH_ALL_KEY)
    .map((w) => w.conversationId);
  if (subscribers.length === 0 || !federatedDomains) return [];
  const domains = await federatedDomains();
  const changes = [];
  for (const conversationId of subscribers)
    changes.push({ conversationId, ...(await reconcile(deps, conversationId, domains)) });
  return changes;
}
