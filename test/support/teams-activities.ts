export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const OTHER_TENANT = '0d2db716-b331-4d7b-aa37-7f1cac9d8cde';
const BOT = { id: '28:fedtrust-bot', name: 'fedtrust' };
const USER = {
  id: '29:ada',
  name: 'Ada Lovelace',
  aadObjectId: '6f1b2c3d-0000-4000-8000-00000000ada0',
};
let counter = 0;

type Scope = 'personal' | 'groupChat' | 'channel';

function conversation(scope: Scope, tenantId: string) {
  switch (scope) {
    case 'personal':
      return { id: 'a:personal-ada', conversationType: 'personal', tenantId };
    case 'groupChat':
      return { id: '19:group@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId };
    case 'channel':
      return {
        id: '19:ops@thread.tacv2;messageid=1700000000000',
        conversationType: 'channel',
        isGroup: true,
        tenantId,
      };
  }
}

/** A person or tag someone @mentioned, as Teams names it in the activity's entities. */
export interface TeamsMention {
  id: string;
  name: string;
  /** Tags (a team's @tag) come as `mentioned.type: "tag"`. */
  type?: 'tag';
}

/** Alex, a user picked from Teams' @ list, and a team tag, as their mention entities carry them. */
export const ALEX: TeamsMention = { id: '29:1alexwilber-aad-0000', name: 'Alex Wilber' };
export const SRE_TAG: TeamsMention = {
  id: 'MjQzMmI1N2ItMGFiZC00M2RiLWFhN2ItMTZlYWRkMTE1ZDM0IyNlYjY1M2Y5Mi04MzczLTRkZTYtYmZlYy01YjRkMjE2YjZhZGUjI3RBNmlZTDRHZw==',
  name: 'SRE On-call',
  type: 'tag',
};

/**
 * A message activity shaped like the ones Teams sends: in a channel or group chat the bot's own
 * @mention leads the text; every `<at>name</at>` of `mentions` in the text has its mention entity.
 */
export function teamsMessage(
  serviceUrl: string,
  text: string,
  options: { scope?: Scope; tenantId?: string; mentions?: TeamsMention[] } = {},
): Record<string, unknown> {
  const scope = options.scope ?? 'personal';
  const tenantId = options.tenantId ?? TENANT;
  const mention = scope === 'personal' ? '' : `<at>${BOT.name}</at> `;
  return {
    type: 'message',
    id: `m-${++counter}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: USER,
    conversation: conversation(scope, tenantId),
    recipient: BOT,
    text: `${mention}${text}`,
    textFormat: 'plain',
    locale: 'en-US',
    entities: [
      ...(mention ? [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }] : []),
      ...(options.mentions ?? []).map((m) => ({
        type: 'mention',
        text: `<at>${m.name}</at>`,
        mentioned: m,
      })),
    ],
    channelData: {
      tenant: { id: tenantId },
      ...(scope === 'channel'
        ? {
            teamsChannelId: '19:ops@thread.tacv2',
            teamsTeamId: '19:team@thread.tacv2',
            channel: { id: '19:ops@thread.tacv2' },
          }
        : {}),
    },
  };
}

/** An Action.Execute invoke (Universal Actions) from a card the bot posted. */
export function cardAction(
  serviceUrl: string,
  verb: string,
  data: unknown,
  options: { tenantId?: string; replyToId?: string } = {},
): Record<string, unknown> {
  const tenantId = options.tenantId ?? TENANT;
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `i-${++counter}`,
    serviceUrl,
    channelId: 'msteams',
    from: USER,
    conversation: conversation('personal', tenantId),
    recipient: BOT,
    replyToId: options.replyToId ?? 'activity-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    channelData: { tenant: { id: tenantId } },
  };
}
