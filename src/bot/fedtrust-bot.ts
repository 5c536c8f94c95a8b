import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import { renderHelpCard, renderMessageCard } from '../cards/other-cards';
import type { BotContext } from './bot-context';
import { footer } from './bot-context';
import { parseCommand } from './command-parser';
import { cardSummary } from '../cards/every-client';
import {
  ANSWERED_BESIDE,
  handleCardAction,
  invokeMessage,
  invokeResponse,
} from './handlers/card-actions';
import { handleCheckAll } from './handlers/check-all-handler';
import { handleCheck } from './handlers/check-handler';
import { sendCard } from './reply';
import { handleCheckExchange } from './handlers/exchange-handler';
import {
  handleSetAutoRollover,
  handleSetLead,
  handleSetOncall,
} from './handlers/settings-commands';
import {
  handleAlerts,
  handleUnwatch,
  handleUnwatchAll,
  handleWatch,
  handleWatchAll,
  handleWatchlist,
} from './handlers/watch-commands';
import { rememberConversation } from '../use-cases/conversation-settings';
import { seenConversation } from './turn-facts';
import { isTenantAllowed, tenantOf } from './tenant-policy';

const REFUSAL = 'This fedtrust bot is not available to your organization.';

/**
 * The Teams activity handler: routes messages to one handler per command and card verbs to one
 * handler per verb. Works in personal chat, group chat and channels (the @mention is stripped).
 */
export class FedtrustBot extends TeamsActivityHandler {
  constructor(private readonly ctx: BotContext) {
    super();
    this.onMessage(async (turn, next) => {
      await this.message(turn);
      await next();
    });
    this.onMembersAdded(async (turn, next) => {
      const botAdded = turn.activity.membersAdded?.some((m) => m.id === turn.activity.recipient.id);
      if (botAdded && this.allowed(turn)) {
        await this.remember(turn);
        await sendCard(
          turn,
          renderHelpCard(this.ctx.templates, footer(this.ctx, this.ctx.clock())),
        );
      }
      await next();
    });
  }

  private allowed(turn: TurnContext): boolean {
    return isTenantAllowed(tenantOf(turn.activity), this.ctx.settings);
  }

  /** Saves where to post later (DESIGN §7). */
  private async remember(turn: TurnContext): Promise<void> {
    const seen = seenConversation(turn);
    if (seen) await rememberConversation(this.ctx, seen);
  }

  private async message(turn: TurnContext): Promise<void> {
    if (!this.allowed(turn)) {
      this.ctx.logger.warn(
        { tenant: tenantOf(turn.activity) },
        'activity from a tenant that is not allowed',
      );
      await turn.sendActivity(REFUSAL);
      return;
    }
    await this.remember(turn);
    const value = turn.activity.value as
      { verb?: unknown; action?: { verb?: unknown } } | undefined;
    if (value && !turn.activity.text) {
      // Action.Submit fallback of older clients: the same verbs as Action.Execute, answered with a new card.
      const verb = typeof value.verb === 'string' ? value.verb : undefined;
      await sendCard(turn, await handleCardAction(this.ctx, turn, verb, value));
      return;
    }
    const command = parseCommand(turn.activity.text ?? '');
    switch (command.kind) {
      case 'check':
        return handleCheck(this.ctx, turn, command.domains, command.metadataUrl);
      case 'check-all':
        return handleCheckAll(this.ctx, turn);
      case 'check-exchange':
        return handleCheckExchange(this.ctx, turn, command.organization);
      case 'watch':
        return handleWatch(this.ctx, turn, command.target);
      case 'unwatch':
        return handleUnwatch(this.ctx, turn, command.target);
      case 'watch-all':
        return handleWatchAll(this.ctx, turn);
      case 'unwatch-all':
        return handleUnwatchAll(this.ctx, turn);
      case 'watchlist':
        return handleWatchlist(this.ctx, turn);
      case 'alerts':
        return handleAlerts(this.ctx, turn);
      case 'set-autorollover':
        return handleSetAutoRollover(this.ctx, turn, command.domain, command.value);
      case 'set-oncall':
        return handleSetOncall(this.ctx, turn, command.clear === true);
      case 'set-lead':
        return handleSetLead(this.ctx, turn, command.days);
      case 'invalid':
        await sendCard(
          turn,
          renderMessageCard(
            this.ctx.templates,
            'I could not run that',
            [command.reason],
            'attention',
          ),
        );
        return;
      case 'help':
      case 'unknown':
        await sendCard(
          turn,
          renderHelpCard(this.ctx.templates, footer(this.ctx, this.ctx.clock())),
        );
        return;
    }
  }

  protected override async onAdaptiveCardInvoke(
    turn: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (!this.allowed(turn)) {
      return invokeResponse(renderMessageCard(this.ctx.templates, REFUSAL, [], 'attention'));
    }
    // A card pressed in a conversation the bot has not seen yet is its first message (DESIGN §10).
    await this.remember(turn);
    const verb =
      typeof invokeValue?.action?.verb === 'string' ? invokeValue.action.verb : undefined;
    const card = await handleCardAction(this.ctx, turn, verb, invokeValue?.action?.data);
    if (verb === undefined || !ANSWERED_BESIDE.has(verb)) return invokeResponse(card);
    await sendCard(turn, card);
    return invokeMessage(cardSummary(card));
  }
}
