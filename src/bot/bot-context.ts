import type { ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { CardTemplates } from '../cards/card-templates';
import type { CheckDependencies } from '../checks/check-domain';
import type { Settings } from '../config';
import type {
  AlertStore,
  AssessmentStore,
  AuditLog,
  ConversationStore,
  WatchStore,
} from '../store/store';
import type { BackgroundWork } from './background-work';

/** Runs logic in a conversation outside the current turn (proactive), e.g. to update a card later. */
export type ContinueConversation = (
  reference: Partial<ConversationReference>,
  logic: (context: TurnContext) => Promise<void>,
) => Promise<void>;

/** Everything the bot's handlers use; composed in src/bot/create-bot-app.ts from src/compose.ts. */
export interface BotContext {
  settings: Pick<Settings, 'ALLOWED_TENANT_IDS' | 'localMode' | 'MicrosoftAppTenantId'>;
  checks: CheckDependencies;
  store: ConversationStore & WatchStore & AssessmentStore & AlertStore & AuditLog;
  templates: CardTemplates;
  clock: () => Date;
  logger: Logger;
  version: string;
  continueConversation: ContinueConversation;
  background: BackgroundWork;
  /** Sends queued deliveries soon (after an acknowledgement, every posted card updates). */
  deliverSoon: () => void;
  /** How long a turn waits for a check before it answers "checking…" and updates later. */
  fastReplyMs: number;
}

export function footer(ctx: Pick<BotContext, 'version'>, checkedAt: Date): string {
  return `Checked ${checkedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · fedtrust ${ctx.version}`;
}
