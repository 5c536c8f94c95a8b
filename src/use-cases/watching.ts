import { watchKey, type WatchTarget } from '../engine/subject';
import type { AuditLog, WatchStore } from '../store/store';
import type { Caller, Clocked } from './actor';
import { ADDED_BY_WATCH_ALL } from './watch-all';

export interface WatchingDependencies extends Clocked {
  store: Pick<WatchStore, 'addWatch' | 'removeWatch' | 'listWatches'> & AuditLog;
}

/** `watch …` and the Watch button: subscribes the caller's conversation to the target's alerts, audited. */
export async function watch(
  deps: WatchingDependencies,
  caller: Caller,
  target: WatchTarget,
): Promise<'added' | 'updated'> {
  const key = watchKey(target);
  const metadataUrl = target.kind === 'domain' ? target.metadataUrl : undefined;
  // A domain `watch all` added, now watched by name: it becomes the caller's (unwatch all keeps it).
  const existing = (await deps.store.listWatches(caller.conversationId)).find(
    (w) => w.domain === key,
  );
  if (existing?.createdBy === ADDED_BY_WATCH_ALL)
    await deps.store.removeWatch(caller.conversationId, key);
  const added = await deps.store.addWatch({
    conversationId: caller.conversationId,
    domain: key,
    metadataUrl,
    createdBy: caller.actor.name,
    createdAt: deps.clock(),
  });
  await deps.store.audit({
    at: deps.clock(),
    actor: caller.actor.name,
    action: 'watch',
    target: key,
    detail: { conversationId: caller.conversationId, metadataUrl },
  });
  return existing ? 'updated' : added;
}

/** `unwatch …`: stops the caller's conversation's alerts for the target; audited when it did. */
export async function unwatch(
  deps: WatchingDependencies,
  caller: Caller,
  target: WatchTarget,
): Promise<boolean> {
  const key = watchKey(target);
  const removed = await deps.store.removeWatch(caller.conversationId, key);
  if (removed)
    await deps.store.audit({
      at: deps.clock(),
      actor: caller.actor.name,
      action: 'unwatch',
      target: key,
      detail: { conversationId: caller.conversationId },
    });
  return removed;
}

/** Re-check from a card: runs nothing by itself, but who asked for what is kept (audited). */
export async function recordRecheck(
  deps: Clocked & { store: AuditLog },
  caller: Caller,
  target: WatchTarget,
): Promise<void> {
  await deps.store.audit({
    at: deps.clock(),
    actor: caller.actor.name,
    action: 'recheck',
    target: watchKey(target),
    detail: { conversationId: caller.conversationId },
  });
}
