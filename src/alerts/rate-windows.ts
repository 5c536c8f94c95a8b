/** A limit of `count` sends within any `windowMs` (one of Teams' per-thread limits). */
export interface RateWindow {
  windowMs: number;
  count: number;
}

/**
 * Teams' limits for a bot sending into one conversation (thread): 7 in 1 s, 8 in 2 s, 60 in 30 s and
 * 1,800 in an hour (DESIGN §7 "Fan-out").
 */
export const TEAMS_THREAD_LIMITS: readonly RateWindow[] = [
  { windowMs: 1_000, count: 7 },
  { windowMs: 2_000, count: 8 },
  { windowMs: 30_000, count: 60 },
  { windowMs: 3_600_000, count: 1_800 },
];

/**
 * Sliding-window pacing per key: `waitFor` says how long to wait before the next send so that no
 * window is exceeded, `record` books a send when it actually leaves, `reserve` does both for a send
 * booked ahead. Times are monotonic milliseconds (performance.now()).
 */
export class RateWindows {
  private readonly sent = new Map<string, number[]>();
  private readonly longest: number;

  constructor(private readonly limits: readonly RateWindow[]) {
    this.longest = Math.max(...limits.map((l) => l.windowMs));
  }

  private recent(key: string, now: number): number[] {
    const times = (this.sent.get(key) ?? []).filter((t) => t > now - this.longest);
    this.sent.set(key, times);
    return times;
  }

  /** The earliest time, at or after `now`, at which one more send to `key` keeps every window. */
  private earliest(times: number[], now: number): number {
    // Sends to one key are booked in order, so every booked send is at or before `at`; moving `at`
    // later only empties windows, so one pass over the limits is enough.
    let at = Math.max(now, times.at(-1) ?? now);
    for (const { windowMs, count } of this.limits) {
      const inWindow = times.filter((t) => t > at - windowMs);
      if (inWindow.length >= count) at = inWindow[inWindow.length - count]! + windowMs;
    }
    return at;
  }

  waitFor(key: string, now: number): number {
    return this.earliest(this.recent(key, now), now) - now;
  }

  /** Books a send that leaves at `at` (not before any send already booked for the key). */
  record(key: string, at: number): void {
    const times = this.recent(key, at);
    times.push(Math.max(at, times.at(-1) ?? at));
  }

  reserve(key: string, now: number): number {
    const at = this.earliest(this.recent(key, now), now);
    this.record(key, at);
    return at - now;
  }
}
