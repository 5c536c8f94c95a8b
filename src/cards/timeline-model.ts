import { ENTRA_POLL_DAYS } from '../engine/entra-poll';
import type { Assessment } from '../engine/types';

const DAY = 86_400_000;

export interface TimelineModel {
  show: boolean;
  caption: string;
  markers: { weight: string; text: string }[];
  segments: { weight: string; style: string }[];
  legend: string;
  milestones: { date: string; event: string }[];
}

function weights(parts: number[]): number[] {
  const total = parts.reduce((a, b) => a + b, 0) || 1;
  return parts.map((p) => (p <= 0 ? 0 : Math.max(1, Math.round((p / total) * 1000))));
}

/**
 * The timeline of the certificate the IdP signs with, as proportional segments (DESIGN / issue #3):
 * healthy → under 35 days (Entra polls daily) → after promotion (under 15 days with AD FS defaults) →
 * expired, with a "today" marker above and the milestone dates below.
 */
export function buildTimelineModel(a: Assessment, now: Date): TimelineModel {
  const signer = a.certificates.find((c) => c.signer);
  const at = (kind: string) => a.timeline.find((t) => t.kind === kind)?.date;
  if (a.subject.kind === 'exchange-hybrid' && signer) return authTimeline(a, signer, now);
  const expiryIso = at('expiry');
  if (!signer || !expiryIso) {
    return { show: false, caption: '', markers: [], segments: [], legend: '', milestones: [] };
  }
  const expiry = new Date(expiryIso).getTime();
  const poll = expiry - ENTRA_POLL_DAYS * DAY;
  const promotion = at('promotion') ? new Date(at('promotion')!).getTime() : expiry - 15 * DAY;
  const t = now.getTime();
  const start = Math.min(t, poll - 30 * DAY) - 7 * DAY;
  const end = Math.max(expiry, t) + 10 * DAY;
  // MFG rotates on its own schedule: Entra's 35 days and AD FS's promotion mean nothing for it.
  const mfg = a.subject.kind === 'mfg';
  const bounds = mfg ? [start, expiry, end] : [start, poll, Math.max(poll, promotion), expiry, end];
  const styles = mfg ? ['good', 'emphasis'] : ['good', 'warning', 'attention', 'emphasis'];
  const sizes = styles.map((_, i) => bounds[i + 1]! - bounds[i]!);
  const segments = weights(sizes)
    .map((w, i) => ({ weight: String(w), style: styles[i]! }))
    .filter((s) => s.weight !== '0');
  const [before, after] = weights([t - start, end - t]);
  const label = mfg ? 'MFG signing certificate' : 'Signing certificate';
  return {
    show: true,
    caption: `${label} ${signer.thumbprintSha1.slice(0, 8)}… — expires ${signer.notAfter.slice(0, 10)} (${signer.daysLeft} days)`,
    markers: [
      { weight: String(before), text: ' ' },
      { weight: String(after), text: '▼ Today' },
    ],
    segments,
    legend: mfg
      ? 'green: valid · grey: expired'
      : `green: healthy · amber: under ${ENTRA_POLL_DAYS} days, Entra polls daily · red: after promotion · grey: expired`,
    milestones: a.timeline.map((e) => ({ date: e.date.slice(0, 10), event: e.event })),
  };
}

/**
 * The Exchange Auth certificate Exchange signs with: healthy → under 60 days (the monitor stages a
 * successor, the app must get it) → under 30 days, or after the switch to the staged next → expired.
 */
function authTimeline(
  a: Assessment,
  signer: Assessment['certificates'][number],
  now: Date,
): TimelineModel {
  const expiry = new Date(signer.notAfter).getTime();
  const stage = expiry - 60 * DAY;
  const switchIso = a.timeline.find((t) => t.kind === 'promotion')?.date;
  const late = switchIso ? Math.min(new Date(switchIso).getTime(), expiry) : expiry - 30 * DAY;
  const t = now.getTime();
  const start = Math.min(t, stage - 30 * DAY) - 7 * DAY;
  const end = Math.max(expiry, t) + 10 * DAY;
  const bounds = [start, stage, Math.max(stage, late), expiry, end];
  const styles = ['good', 'warning', 'attention', 'emphasis'];
  const segments = weights(styles.map((_, i) => bounds[i + 1]! - bounds[i]!))
    .map((w, i) => ({ weight: String(w), style: styles[i]! }))
    .filter((s) => s.weight !== '0');
  const [before, after] = weights([t - start, end - t]);
  return {
    show: true,
    caption: `Auth certificate ${signer.thumbprintSha1.slice(0, 8)}… — expires ${signer.notAfter.slice(0, 10)} (${signer.daysLeft} days)`,
    markers: [
      { weight: String(before), text: ' ' },
      { weight: String(after), text: '▼ Today' },
    ],
    segments,
    legend: `green: healthy · amber: under 60 days, a successor is staged and must reach the app · red: ${switchIso ? 'after Exchange switches to the next certificate' : 'under 30 days'} · grey: expired`,
    milestones: a.timeline.map((e) => ({ date: e.date.slice(0, 10), event: e.event })),
  };
}
