import type { AlertRecord } from '../engine/alert-plan';
import type { Oncall } from '../store/store';

/** A Teams mention entity (DESIGN §7 "Mentions"): the text must appear in the message text as is. */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string; type?: 'tag' };
}

/** A thread reply: its text and the mentions it carries. */
export interface ReplyMessage {
  text: string;
  entities: MentionEntity[];
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function duration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 1) return `${Math.max(1, Math.floor(ms / 60_000))} min`;
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

/**
 * The reply that notifies (a rise to critical, or a re-notification every ESCALATE_AFTER_HOURS): it
 * mentions the on-call for real — `<at>name</at>` in the text and the matching mention entity, a tag
 * as `mentioned.type: "tag"` — says how long the alert has gone unacknowledged, and, when nobody is
 * set, how to set someone.
 */
export function buildRenotification(
  alert: Pick<AlertRecord, 'severity' | 'code' | 'domains' | 'openedAt'>,
  oncall: Oncall | undefined,
  now: Date,
): ReplyMessage {
  const what = `${alert.severity.toUpperCase()}: ${alert.code} for ${alert.domains.join(', ')} has been open for ${duration(now.getTime() - alert.openedAt.getTime())} and nobody acknowledged it. Acknowledge or snooze it on the card.`;
  if (!oncall)
    return {
      text: `${what} Nobody is mentioned: say set oncall and pick a person or tag after @ so the next re-notification notifies them.`,
      entities: [],
    };
  const at = `<at>${escapeXml(oncall.name)}</at>`;
  return {
    text: `${at} ${what}`,
    entities: [
      {
        type: 'mention',
        text: at,
        mentioned: {
          id: oncall.id,
          name: oncall.name,
          ...(oncall.kind === 'tag' ? { type: 'tag' as const } : {}),
        },
      },
    ],
  };
}
