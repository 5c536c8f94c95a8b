import type { TurnContext } from 'botbuilder';
import {
  renderAutoRolloverCard,
  renderLeadCard,
  renderOncallCard,
} from '../../cards/confirmation-cards';
import { setAutoRollover, setLead, setOncall } from '../../use-cases/conversation-settings';
import type { BotContext } from '../bot-context';
import { sendCard } from '../reply';
import { callerOf, mentionedOncall } from '../turn-facts';

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

/** `set oncall @person|@tag` (the mention entity), or `set oncall off`: whom re-notifications mention. */
export async function handleSetOncall(
  ctx: BotContext,
  turn: TurnContext,
  clear: boolean,
): Promise<void> {
  const oncall = clear ? undefined : mentionedOncall(turn);
  if (!clear && !oncall) {
    await sendCard(turn, renderOncallCard(ctx.templates, { missing: true }));
    return;
  }
  await setOncall(ctx, callerOf(turn), oncall);
  await sendCard(
    turn,
    renderOncallCard(ctx.templates, oncall ? { set: oncall } : { cleared: true }),
  );
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
