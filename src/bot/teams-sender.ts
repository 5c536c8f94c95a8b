import {
  MessageFactory,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
} from 'botbuilder';
import type { AlertSender } from '../alerts/notifier';
import { continueAndRethrow } from './continue-and-rethrow';
import { cardMessage } from './reply';
import { serializeTagMentions } from './tag-mentions';
import type { ConversationRecord } from '../store/store';

/** In a channel, the conversation id of the channel itself (a new post) or of one thread (a reply). */
function channelConversation(
  reference: Partial<ConversationReference>,
  threadRootId?: string,
): Partial<ConversationReference> {
  const base = String(reference.conversation?.id ?? '').split(';messageid=')[0]!;
  const id = threadRootId ? `${base};messageid=${threadRootId}` : base;
  return { ...reference, activityId: undefined, conversation: { ...reference.conversation!, id } };
}

/**
 * Sends into the conversation itself (sendToConversation): a continuation turn would otherwise make
 * it a reply to the continuation's own made-up activity id.
 */
async function sendToConversation(
  turn: TurnContext,
  activity: Partial<Activity>,
): Promise<string | undefined> {
  const full = TurnContext.applyConversationReference(
    { ...activity },
    TurnContext.getConversationReference(turn.activity),
  );
  delete full.replyToId;
  const [response] = await turn.adapter.sendActivities(turn, [full]);
  return response?.id;
}

/**
 * Proactive sends over the Bot Framework (DESIGN §7): an alert is a new post (a new thread in a
 * channel), updates edit it in place, notifications are replies in its thread.
 */
export function createTeamsSender(adapter: CloudAdapter, appId: string): AlertSender {
  serializeTagMentions();
  const within = async (
    conversation: ConversationRecord,
    threadRootId: string | undefined,
    act: (turn: TurnContext) => Promise<void>,
  ): Promise<void> => {
    const reference = conversation.reference as Partial<ConversationReference>;
    const target =
      conversation.scope === 'channel'
        ? channelConversation(reference, threadRootId)
        : { ...reference, activityId: undefined };
    // The notifier must see the HTTP status of a failure (to retry, or to deactivate the conversation).
    await continueAndRethrow(adapter, appId, target, act);
  };
  return {
    async post(conversation, card) {
      let id: string | undefined;
      await within(conversation, undefined, async (turn) => {
        id = await sendToConversation(turn, cardMessage(card));
      });
      return id;
    },
    async update(conversation, activityId, card) {
      await within(conversation, undefined, async (turn) => {
        await turn.updateActivity({ ...cardMessage(card), id: activityId });
      });
    },
    async reply(conversation, activityId, message) {
      await within(conversation, activityId, async (turn) => {
        await sendToConversation(turn, {
          ...MessageFactory.text(message.text),
          entities: message.entities,
        });
      });
    },
  };
}
