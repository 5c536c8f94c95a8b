import {
  longestLead,
  planDeliveries,
  reachesLead,
  type Audience,
  type PlannedTransition,
} from '../../../src/engine/alert-audience';
import { alertKey, type AlertRecord, type AlertTransition } from '../../../src/engine/alert-plan';
import { ENTRA_POLL_DAYS } from '../../../src/engine/entra-poll';

const NOW = new Date('2026-11-22T10:00:00Z');
const DAY = 86_400_000;
const IDP = 'http://fs.contoso.com/adfs/services/trust|https://fs.contoso.com/md.xml';
/** Expires so that d (whole days left) is `d` at NOW. */
const expiringIn = (d: number, from = NOW) => new Date(from.getTime() + d * DAY + 3_600_000);

function alert(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id: 'a1',
    key: alertKey(IDP, 'AB', 'NEXT_CERT_NOT_IN_ENTRA'),
    idpKey: IDP,
    code: 'NEXT_CERT_NOT_IN_ENTRA',
    thumbprint: 'AB',
    severity: 'warning',
    state: 'open',
    domains: ['contoso.com'],
    message: 'm',
    remedy: 'r',
    openedAt: NOW,
    lastNotifiedAt: NOW,
    ...overrides,
  };
}

const open = (overrides: Partial<Extract<AlertTransition, { kind: 'open' }>> = {}) =>
  ({
    kind: 'open',
    key: alertKey(IDP, 'AB', 'NEXT_CERT_NOT_IN_ENTRA'),
    idpKey: IDP,
    code: 'NEXT_CERT_NOT_IN_ENTRA',
    thumbprint: 'AB',
    severity: 'warning',
    domains: ['contoso.com'],
    message: 'm',
    remedy: 'r',
    ...overrides,
  }) satisfies AlertTransition;

const audience = (watchers: Audience['watchers']): Audience => ({ watchers, defaultLeadDays: 7 });
const who = (planned: PlannedTransition[]) =>
  planned.map((t) => [t.kind, t.deliveries.map((d) => `${d.conversationId}:${d.kind}`)]);

describe('the alert planner decides who gets which message', () => {
  it('posts a new alert to every conversation watching one of its names, and no other', () => {
    const planned = planDeliveries({
      now: NOW,
      transitions: [open({ domains: ['contoso.com', 'eu.contoso.com'] })],
      alerts: [],
      postedTo: {},
      audience: audience([
        { conversationId: 'c2', watches: ['eu.contoso.com'] },
        { conversationId: 'c1', watches: ['contoso.com', 'fabrikam.com'] },
        { conversationId: 'c3', watches: ['fabrikam.com'] },
      ]),
    });
    expect(who(planned)).toEqual([['open', ['c1:post', 'c2:post']]]);
  });

  it('updates and replies where a rising alert was posted, and posts it where it is new', () => {
    const planned = planDeliveries({
      now: NOW,
      transitions: [
        {
          kind: 'raise',
          alertId: 'a1',
          severity: 'critical',
          domains: ['contoso.com'],
          message: 'now critical',
          remedy: 'r',
        },
      ],
      alerts: [alert()],
      postedTo: { a1: ['c1'] },
      audience: audience([
        { conversationId: 'c1', watches: ['contoso.com'] },
        { conversationId: 'c2', watches: ['contoso.com'] },
      ]),
    });
    expect(who(planned)).toEqual([['raise', ['c1:update', 'c1:reply', 'c2:post']]]);
  });

  it('escalates with a reply, and updates cards on unsnooze and resolve, only where posted', () => {
    const planned = planDeliveries({
      now: NOW,
      transitions: [
        { kind: 'escalate', alertId: 'a1' },
        { kind: 'unsnooze', alertId: 'a2' },
        { kind: 'resolve', alertId: 'a3' },
      ],
      alerts: [alert(), alert({ id: 'a2' }), alert({ id: 'a3' })],
      postedTo: { a1: ['c1'], a2: ['c1'], a3: ['c1'] },
      audience: audience([{ conversationId: 'c1', watches: ['contoso.com'] }]),
    });
    expect(who(planned)).toEqual([
      ['escalate', ['c1:reply']],
      ['unsnooze', ['c1:update']],
      ['resolve', ['c1:update']],
    ]);
  });

  it('posts a live alert to a conversation that started watching later, once', () => {
    const input = {
      now: NOW,
      transitions: [],
      alerts: [alert()],
      audience: audience([
        { conversationId: 'c1', watches: ['contoso.com'] },
        { conversationId: 'late', watches: ['contoso.com'] },
      ]),
    };
    expect(who(planDeliveries({ ...input, postedTo: { a1: ['c1'] } }))).toEqual([
      ['post', ['late:post']],
    ]);
    expect(planDeliveries({ ...input, postedTo: { a1: ['c1', 'late'] } })).toEqual([]);
  });

  it('never posts a resolved alert, nor catches up on one it resolves now', () => {
    const planned = planDeliveries({
      now: NOW,
      transitions: [{ kind: 'resolve', alertId: 'a1' }],
      alerts: [alert(), alert({ id: 'a2', state: 'resolved' })],
      postedTo: {},
      audience: audience([{ conversationId: 'late', watches: ['contoso.com'] }]),
    });
    expect(who(planned)).toEqual([['resolve', []]]);
  });

  it('holds a lead-dependent warning back from a conversation until its own lead opens', () => {
    const manual = {
      code: 'AUTO_ROLLOVER_OFF' as const,
      key: alertKey(IDP, 'AB', 'AUTO_ROLLOVER_OFF'),
      expiresAt: expiringIn(45).toISOString(),
    };
    const listeners = audience([
      { conversationId: 'default', watches: ['contoso.com'] },
      { conversationId: 'long', watches: ['contoso.com'], leadDays: 14 },
    ]);
    const first = planDeliveries({
      now: NOW,
      transitions: [open(manual)],
      alerts: [],
      postedTo: {},
      audience: listeners,
    });
    expect(who(first)).toEqual([['open', ['long:post']]]);
    const threeDaysLater = new Date(NOW.getTime() + 3 * DAY); // d = 42 ≤ 35 + 7
    const later = planDeliveries({
      now: threeDaysLater,
      transitions: [],
      alerts: [alert(manual)],
      postedTo: { a1: ['long'] },
      audience: listeners,
    });
    expect(who(later)).toEqual([['post', ['default:post']]]);
  });

  it('posts criticals and other rules to every watcher, whatever their lead', () => {
    const listeners = audience([{ conversationId: 'c1', watches: ['contoso.com'], leadDays: 0 }]);
    for (const transition of [
      open({
        code: 'AUTO_ROLLOVER_OFF',
        severity: 'critical',
        expiresAt: expiringIn(30).toISOString(),
      }),
      open({ expiresAt: expiringIn(80).toISOString() }),
    ])
      expect(
        who(
          planDeliveries({
            now: NOW,
            transitions: [transition],
            alerts: [],
            postedTo: {},
            audience: listeners,
          }),
        ),
      ).toEqual([['open', ['c1:post']]]);
  });
});

describe('leads', () => {
  it.each([
    [ENTRA_POLL_DAYS + 7, 7, true],
    [ENTRA_POLL_DAYS + 8, 7, false],
    [ENTRA_POLL_DAYS + 14, 14, true],
    [ENTRA_POLL_DAYS, 0, true],
  ])('a manual-renewal warning at d = %i reaches a lead of %i days: %s', (d, lead, reaches) => {
    expect(
      reachesLead(
        {
          code: 'MANUAL_RENEWAL_REQUIRED',
          severity: 'warning',
          expiresAt: expiringIn(d).toISOString(),
        },
        lead,
        NOW,
      ),
    ).toBe(reaches);
  });

  it('checks a target as early as the longest lead among its watchers, never less than the default', () => {
    expect(longestLead([undefined, 14, 3], 7)).toBe(14);
    expect(longestLead([0, undefined], 7)).toBe(7);
    expect(longestLead([], 7)).toBe(7);
  });
});
