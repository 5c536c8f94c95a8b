import { RateWindows, TEAMS_THREAD_LIMITS } from '../../../src/alerts/rate-windows';
import { buildRenotification } from '../../../src/alerts/renotification';
import {
  classifyFailure,
  keepsRetrying,
  MAX_BACKOFF_MS,
  RETRY_FOR_MS,
  retryDelayMs,
} from '../../../src/alerts/retry-policy';

describe('what a Bot Connector failure means (DESIGN §7)', () => {
  it.each([
    [408, 'retry'],
    [412, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [501, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [599, 'retry'],
    [undefined, 'retry'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'removed'],
    [404, 'removed'],
  ])('HTTP %s is %s', (statusCode, kind) => {
    expect(classifyFailure({ statusCode, message: 'x' })).toBe(kind);
  });

  it('retries while the alert is live, and for 24 hours in any case', () => {
    const queued = new Date('2026-12-01T00:00:00Z');
    const later = (ms: number) => new Date(queued.getTime() + ms);
    expect(keepsRetrying(queued, later(RETRY_FOR_MS - 1), false)).toBe(true);
    expect(keepsRetrying(queued, later(RETRY_FOR_MS), false)).toBe(false);
    expect(keepsRetrying(queued, later(30 * RETRY_FOR_MS), true)).toBe(true);
  });

  it('backs off exponentially with jitter, up to a ceiling, never sooner than Retry-After', () => {
    const failure = { message: 'x' };
    expect(retryDelayMs(0, failure, () => 0)).toBe(500);
    expect(retryDelayMs(0, failure, () => 1)).toBe(1_000);
    expect(retryDelayMs(3, failure, () => 1)).toBe(8_000);
    expect(retryDelayMs(40, failure, () => 1)).toBe(MAX_BACKOFF_MS);
    expect(retryDelayMs(0, { message: 'x', retryAfterMs: 30_000 }, () => 1)).toBe(30_000);
  });
});

describe("Teams' per-thread limits", () => {
  it('lets 7 go at once, the 8th a second later, the 9th two seconds later', () => {
    const windows = new RateWindows(TEAMS_THREAD_LIMITS);
    const waits = Array.from({ length: 9 }, () => windows.reserve('c1', 0));
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 0, 1_000, 2_000]);
    expect(windows.reserve('c2', 0)).toBe(0); // another conversation is not held back
  });

  it('books a send when it leaves, so a send held up elsewhere still counts from then', () => {
    const windows = new RateWindows(TEAMS_THREAD_LIMITS);
    for (let i = 0; i < 7; i++) {
      expect(windows.waitFor('c1', 0)).toBe(0);
      windows.record('c1', i === 6 ? 300 : 0); // the 7th waited 300 ms for its tenant slot
    }
    expect(windows.waitFor('c1', 500)).toBe(500); // the 8th: a second after the first
    expect(windows.waitFor('c1', 1_000)).toBe(0);
    windows.record('c1', 1_000);
    expect(windows.waitFor('c1', 1_000)).toBe(1_000); // 8 in 2 s: the 9th two seconds after the first
  });

  it('never lets more than 60 through in 30 s, nor 1,800 in an hour', () => {
    const windows = new RateWindows(TEAMS_THREAD_LIMITS);
    const at: number[] = [];
    for (let i = 0; i < 1_900; i++) at.push(windows.reserve('c1', 0));
    const most = (windowMs: number) =>
      Math.max(...at.map((t) => at.filter((u) => u >= t && u < t + windowMs).length));
    expect(most(1_000)).toBeLessThanOrEqual(7);
    expect(most(2_000)).toBeLessThanOrEqual(8);
    expect(most(30_000)).toBeLessThanOrEqual(60);
    expect(most(3_600_000)).toBeLessThanOrEqual(1_800);
  });
});

describe('the re-notification', () => {
  const alert = {
    severity: 'critical' as const,
    code: 'CERT_EXPIRING' as const,
    domains: ['contoso.com'],
    openedAt: new Date('2026-12-01T00:00:00Z'),
  };
  const now = new Date('2026-12-01T06:30:00Z');

  it('escapes the name inside <at> the same way in the text and the entity', () => {
    const m = buildRenotification(alert, { kind: 'user', id: '29:x', name: 'R&D <ops>' }, now);
    expect(m.text.startsWith('<at>R&amp;D &lt;ops&gt;</at> CRITICAL')).toBe(true);
    expect(m.entities[0]).toEqual({
      type: 'mention',
      text: '<at>R&amp;D &lt;ops&gt;</at>',
      mentioned: { id: '29:x', name: 'R&D <ops>' },
    });
  });

  it('says for how long nobody acknowledged it', () => {
    expect(buildRenotification(alert, undefined, now).text).toContain('open for 6 h');
  });
});
