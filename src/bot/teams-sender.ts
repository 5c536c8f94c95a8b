import {
  CardFactory,
  MessageFactory,
  type CloudAdapter,
  type ConversationReference,
} from 'botbuilder';
import type { AlertSender } from '../alerts/notifier';
import type { AdaptiveCard } from '../cards/card-templates';
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
 * Proactive sends over the Bot Framework (DESIGN §7): an alert is a new post (a new thread in a
 * channel), updates edit it in place, notifications are replies in its thread.
 */
export function createTeamsSender(adapter: CloudAdapter, appId: string): AlertSender {
  const within = async (
    conversation: ConversationRecord,
    threadRootId: string | undefined,
    act: Parameters<CloudAdapter['continueConversationAsync']>[2],
  ) => {
    const reference = conversation.reference as Partial<ConversationReference>;
    const target =
      conversation.scope === 'channel'
        ? channelConversation(reference, threadRootId)
        : { ...reference, activityId: undefined };
    await adapter.continueConversationAsync(appId, target, act);
  };
  const attachment = (card: AdaptiveCard) =>
    MessageFactory.attachment(CardFactory.adaptiveCard(card));
  return {
    async post(conversation, card) {
      let id: string | undefined;
      await within(conversation, undefined, async (turn) => {
        id = (await turn.sendActivity(attachment(card)))?.id;
      });
      return id;
    },
    async update(conversation, activityId, card) {
      await within(conversation, undefined, async (turn) => {
        await turn.updateActivity({ ...attachment(card), id: activityId });
      });
    },
    async reply(conversation, activityId, text) {
      await within(conversation, activityId, async (turn) => {
        await turn.sendActivity(MessageFactory.text(text));
      });
    },
  };
}
