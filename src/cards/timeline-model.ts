import { ENTRA_POLL_DAYS } from '../engine/entra-poll';
import type { Assessment } from '../engine/types';

const DAY = 86_400_000;

export interface TimelineModel {
  show: boolean;
  caption: string;
  markers: { weight: string; text: string; align: string }[];
  segments: { weight: string; style: string; label: string }[];
  legend: string;
  milestones: { date: string; event: string }[];
}

function weights(parts: number[]): number[] {
  const total = parts.reduce((a, b) => a + b, 0) || 1;
  return parts.map((p) => (p <= 0 ? 0 : Math.max(1, Math.round((p / total) * 1000))));
}

/**
 * The bar's phases as numbered segments, so the timeline reads without colour (high contrast shows
 * no backgrounds): a number in each segment wide enough for it, the legend says what each number is.
 */
function segmentsOf(sizes: number[], styles: string[]): TimelineModel['segments'] {
  return weights(sizes)
    .map((w, i) => ({
      weight: String(w),
      style: styles[i]!,
      label: w >= 200 ? String(i + 1) : ' ',
    }))
    .filter((s) => s.weight !== '0');
}

/** "▼ Today" on the wider side of today, so it is never clipped at the card's edge. */
function markersOf(before: number, after: number): TimelineModel['markers'] {
  return before > after
    ? [
        { weight: String(before), text: 'Today ▼', align: 'Right' },
        { weight: String(after), text: ' ', align: 'Left' },
      ]
    : [
        { weight: String(before), text: ' ', align: 'Right' },
        { weight: String(after), text: '▼ Today', align: 'Left' },
      ];
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
  const styles = mfg ? ['good', 'accent'] : ['good', 'warning', 'attention', 'accent'];
  const sizes = styles.map((_, i) => bounds[i + 1]! - bounds[i]!);
  const segments = segmentsOf(sizes, styles);
  const [before, after] = weights([t - start, end - t]);
  const label = mfg ? 'MFG signing certificate' : 'Signing certificate';
  return {
    show: true,
    caption: `${label} ${signer.thumbprintSha1.slice(0, 8)}… — expires ${signer.notAfter.slice(0, 10)} (${signer.daysLeft} days)`,
    markers: markersOf(before!, after!),
    segments,
    legend: mfg
      ? '1 valid · 2 expired'
      : `1 healthy · 2 under ${ENTRA_POLL_DAYS} days, Entra polls daily · 3 after promotion · 4 expired`,
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
  const styles = ['good', 'warning', 'attention', 'accent'];
  const segments = segmentsOf(
    styles.map((_, i) => bounds[i + 1]! - bounds[i]!),
    styles,
  );
  const [before, after] = weights([t - start, end - t]);
  return {
    show: true,
    caption: `Auth certificate ${signer.thumbprintSha1.slice(0, 8)}… — expires ${signer.notAfter.slice(0, 10)} (${signer.daysLeft} days)`,
    markers: markersOf(before!, after!),
    segments,
    legend: `1 healthy · 2 under 60 days, a successor is staged and must reach the app · 3 ${switchIso ? 'after Exchange switches to the next certificate' : 'under 30 days'} · 4 expired`,
    milestones: a.timeline.map((e) => ({ date: e.date.slice(0, 10), event: e.event })),
  };
}
