import type { TurnContext } from 'botbuilder';
import {
  renderAutoRolloverCard,
  renderLeadCard,
  renderOncallCard,
} from '../../cards/confirmation-cards';
import { setAutoRollover, setLead, setOncall } from '../../use-cases/conversation-settings';
import type { BotContext } from '../bot-context';
import { sendCard } from '../reply';
import { callerOf } from '../turn-facts';

/** `set autorollover <domain> on|off`. */
export async function handleSetAutoRollover(
  ctx: BotContext,
  turn: TurnContext,
  domain: string,
  value: boolean,
): Promise<void> {
  await setAutoRollover(ctx, callerOf(turn), domain, value);
  await sendCard(turn, renderAutoRolloverCard(ctx.templates, domain, value));
}

/** `set oncall …`: whom critical re-notifications here mention. */
export async function handleSetOncall(
  ctx: BotContext,
  turn: TurnContext,
  oncall: string,
): Promise<void> {
  await setOncall(ctx, callerOf(turn), oncall);
  await sendCard(turn, renderOncallCard(ctx.templates, oncall));
}

/** `set lead <days>`: when manual-renewal warnings start in this conversation. */
export async function handleSetLead(
  ctx: BotContext,
  turn: TurnContext,
  days: number,
): Promise<void> {
  await setLead(ctx, callerOf(turn), days);
  await sendCard(turn, renderLeadCard(ctx.templates, days));
}
