import { TurnContext } from 'botbuilder';
import type { ConversationRecord, Oncall } from '../store/store';
import type { Caller } from '../use-cases/actor';
import { tenantOf } from './tenant-policy';

/** The conversation's id without a channel thread's `;messageid=` suffix (the channel itself). */
export function conversationIdOf(turn: TurnContext): string {
  return String(turn.activity.conversation?.id ?? '').split(';messageid=')[0]!;
}

/** Who asked, and in which conversation: what the use cases check and audit. */
export function callerOf(turn: TurnContext): Caller {
  return {
    actor: {
      name: turn.activity.from?.name ?? turn.activity.from?.id ?? 'someone',
      aadObjectId: turn.activity.from?.aadObjectId,
    },
    conversationId: conversationIdOf(turn),
  };
}

function scopeOf(turn: TurnContext): ConversationRecord['scope'] {
  const type = turn.activity.conversation?.conversationType;
  return type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal';
}

/** Where to post later (DESIGN §7), as this turn shows it; undefined without a conversation id. */
export function seenConversation(
  turn: TurnContext,
): Omit<ConversationRecord, 'active' | 'leadDays' | 'oncall'> | undefined {
  const id = conversationIdOf(turn);
  if (!id) return undefined;
  return {
    id,
    reference: TurnContext.getConversationReference(turn.activity),
    scope: scopeOf(turn),
    tenantId: tenantOf(turn.activity),
  };
}

const MAX_MENTION_LENGTH = 256;

/**
 * The first person or tag the message @mentions, other than the bot itself, from the activity's
 * mention entities (DESIGN §7 "Mentions"): `<at>Alex Wilber</at>` in the text is only a label, the
 * entity carries the id Teams notifies. Tags come as `mentioned.type: "tag"`.
 */
export function mentionedOncall(turn: TurnContext): Oncall | undefined {
  const bot = turn.activity.recipient?.id;
  for (const entity of turn.activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const mentioned = (entity as { mentioned?: { id?: unknown; name?: unknown; type?: unknown } })
      .mentioned;
    const { id, name } = mentioned ?? {};
    if (typeof id !== 'string' || typeof name !== 'string' || id === bot) continue;
    if (!id || !name.trim() || id.length > MAX_MENTION_LENGTH || name.length > MAX_MENTION_LENGTH)
      continue;
    return { kind: mentioned?.type === 'tag' ? 'tag' : 'user', id, name: name.trim() };
  }
  return undefined;
}
