import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';

/**
 * Runs `logic` in a conversation outside a turn and throws what it threw. (An error inside a
 * continuation otherwise goes to the adapter's onTurnError, which posts "something went wrong" into
 * the chat: callers retry, deactivate or log instead.)
 */
export async function continueAndRethrow(
  adapter: CloudAdapter,
  appId: string,
  reference: Partial<ConversationReference>,
  logic: (turn: TurnContext) => Promise<void>,
): Promise<void> {
  let failure: Error | undefined;
  await adapter.continueConversationAsync(appId, reference, async (turn) => {
    try {
      await logic(turn);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
  });
  if (failure !== undefined) throw failure;
}
