import type {
  AuditLog,
  ConversationRecord,
  ConversationStore,
  Oncall,
  WatchStore,
} from '../store/store';
import type { Caller, Clocked } from './actor';

export interface SettingsDependencies extends Clocked {
  store: ConversationStore & Pick<WatchStore, 'setAutoRollover'> & AuditLog;
}

/**
 * What posting to a conversation later depends on: where (service URL, channel, conversation) and as
 * whom, and in a personal chat with whom — not the message id, the sender in a channel or the locale,
 * which differ on every message.
 */
function postingIdentity(c: Pick<ConversationRecord, 'reference' | 'scope' | 'tenantId'>): string {
  const r = c.reference as {
    serviceUrl?: unknown;
    channelId?: unknown;
    conversation?: unknown;
    bot?: { id?: unknown };
    user?: { id?: unknown };
  };
  return JSON.stringify([
    c.scope,
    c.tenantId,
    r.serviceUrl,
    r.channelId,
    r.conversation,
    r.bot?.id,
    c.scope === 'personal' ? r.user?.id : undefined,
  ]);
}

/**
 * Saves where to post later (DESIGN §7), on install and on every message: the conversation's
 * reference, active again, keeping the settings it already had. Written only when something posting
 * depends on changed (issue #14: a turn paid a store write on every message).
 */
export async function rememberConversation(
  deps: Clocked & { store: ConversationStore },
  seen: Omit<ConversationRecord, 'active' | 'leadDays' | 'oncall'>,
): Promise<void> {
  const existing = await deps.store.getConversation(seen.id);
  if (existing?.active && postingIdentity(existing) === postingIdentity(seen)) return;
  await deps.store.upsertConversation(
    { ...seen, active: true, leadDays: existing?.leadDays, oncall: existing?.oncall },
    deps.clock(),
  );
}

async function updateConversation(
  deps: SettingsDependencies,
  caller: Caller,
  change: Partial<Pick<ConversationRecord, 'leadDays' | 'oncall'>>,
  audit: { action: string; detail: unknown },
): Promise<void> {
  const existing = await deps.store.getConversation(caller.conversationId);
  if (existing) await deps.store.upsertConversation({ ...existing, ...change }, deps.clock());
  await deps.store.audit({
    at: deps.clock(),
    actor: caller.actor.name,
    target: caller.conversationId,
    ...audit,
  });
}

/** `set lead <days>`: this conversation's manual-renewal warnings start that many days before Entra's poll. */
export function setLead(deps: SettingsDependencies, caller: Caller, days: number): Promise<void> {
  return updateConversation(deps, caller, { leadDays: days }, { action: 'lead', detail: { days } });
}

/** `set oncall @…`: whom this conversation's critical re-notifications mention; undefined clears it. */
export function setOncall(
  deps: SettingsDependencies,
  caller: Caller,
  oncall: Oncall | undefined,
): Promise<void> {
  return updateConversation(
    deps,
    caller,
    { oncall },
    { action: 'oncall', detail: { oncall: oncall ?? null } },
  );
}

/** `set autorollover` and the check card's question: a fact about the domain's AD FS, for everyone. */
export async function setAutoRollover(
  deps: SettingsDependencies,
  caller: Caller,
  domain: string,
  value: boolean,
): Promise<void> {
  await deps.store.setAutoRollover(domain, value, caller.actor.name, deps.clock());
  await deps.store.audit({
    at: deps.clock(),
    actor: caller.actor.name,
    action: 'autorollover',
    target: domain,
    detail: { value },
  });
}
