import { addDays } from './certificate';
import type { RuleContext } from './context';
import type { TimelineEvent } from './types';
import { ENTRA_POLL_DAYS } from './entra-poll';

/**
 * The signer's rollover timeline (DESIGN §4 step 5): today, Entra's daily polling (−35), the admin
 * centre warning (−30), AD FS generation (−G), promotion, forced promotion (−critical), expiry, and
 * the day a successor was first seen. AD FS milestones only for AD FS-shaped IdPs. Sorted by date.
 */
export function buildTimeline(ctx: RuleContext): TimelineEvent[] {
  const events: TimelineEvent[] = [{ date: ctx.now.toISOString(), event: 'Today', kind: 'today' }];
  const signer = ctx.signer?.cert;
  if (!signer) return events;
  const expiry = signer.notAfter;
  events.push(
    {
      date: addDays(expiry, -ENTRA_POLL_DAYS).toISOString(),
      event: 'Entra starts polling the metadata daily',
      kind: 'entra-poll',
    },
    {
      date: addDays(expiry, -30).toISOString(),
      event: 'The Microsoft 365 admin centre may warn',
      kind: 'admin-warning',
    },
  );
  if (ctx.adfsShaped) {
    events.push({
      date: addDays(expiry, -ctx.generationDays).toISOString(),
      event: `AD FS generates the next certificate (${ctx.generationDays} days before expiry)`,
      kind: 'generation',
    });
    if (ctx.promotionAt) {
      events.push({
        date: ctx.promotionAt.toISOString(),
        event: 'AD FS promotes the next certificate',
        kind: 'promotion',
      });
    }
    events.push({
      date: addDays(expiry, -ctx.criticalDays).toISOString(),
      event: `AD FS forces promotion (${ctx.criticalDays} days before expiry)`,
      kind: 'forced-promotion',
    });
  }
  events.push({
    date: expiry.toISOString(),
    event: 'The signing certificate expires',
    kind: 'expiry',
  });
  const successor = ctx.successor;
  if (successor) {
    const seen =
      ctx.input.history?.firstSeen[successor.thumbprintSha1] ?? successor.notBefore.toISOString();
    events.push({
      date: seen,
      event: `Next certificate ${successor.thumbprintSha1.slice(0, 8)}… first seen`,
      kind: 'successor-seen',
    });
  }
  return events.sort((a, b) => a.date.localeCompare(b.date));
}
