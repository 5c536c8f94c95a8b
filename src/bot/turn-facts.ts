import { TurnContext } from 'botbuilder';
import type { ConversationRecord } from '../store/store';
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
