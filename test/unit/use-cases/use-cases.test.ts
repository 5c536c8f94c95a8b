import { openCritical } from '../../support/alerts';
import { queueAlertChanges } from '../../../src/alerts/sweep-planning';
import { openSqliteStore } from '../../../src/store/sqlite-store';
import type { Store } from '../../../src/store/store';
import { acknowledge, alertsFor, snooze } from '../../../src/use-cases/alert-actions';
import {
  rememberConversation,
  setLead,
  setOncall,
} from '../../../src/use-cases/conversation-settings';
import { recordRecheck, unwatch, watch } from '../../../src/use-cases/watching';
import { personalChat } from '../../support/fake-connector';

const NOW = new Date('2026-11-22T10:00:00Z');
const ada = { actor: { name: 'Ada', aadObjectId: 'aad-ada' }, conversationId: 'c1' };
const eve = { actor: { name: 'Eve' }, conversationId: 'c2' };
let store: Store;
const deps = () => ({ store, clock: () => NOW });

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  for (const id of ['c1', 'c2'])
    await store.upsertConversation(personalChat(id, 'https://smba.test/'), NOW);
});
afterEach(() => store.close());

async function openAlert(domain: string): Promise<string> {
  await queueAlertChanges(
    store,
    {
      now: NOW,
      alerts: [],
      transitions: [openCritical('idp', [domain])],
    },
    7,
  );
  return (await store.listLiveAlerts())[0]!.id;
}

describe('watching', () => {
  it('watches and unwatches by target, and audits who did it, only when something changed', async () => {
    expect(await watch(deps(), ada, { kind: 'exchange' })).toBe('added');
    expect(await watch(deps(), ada, { kind: 'exchange' })).toBe('updated');
    expect(await store.listWatches('c1')).toMatchObject([{ domain: 'exchange' }]);
    expect(await unwatch(deps(), ada, { kind: 'exchange' })).toBe(true);
    expect(await unwatch(deps(), ada, { kind: 'exchange' })).toBe(false);
    await recordRecheck(deps(), ada, { kind: 'domain', domain: 'contoso.com' });
    expect((await store.auditTrail('exchange')).map((e) => [e.actor, e.action])).toEqual([
      ['Ada', 'watch'],
      ['Ada', 'watch'],
      ['Ada', 'unwatch'],
    ]);
    expect(await store.auditTrail('contoso.com')).toMatchObject([{ action: 'recheck' }]);
  });
});

describe('alert actions', () => {
  it('lets only a conversation watching the alert act on it; anyone else changes nothing', async () => {
    await watch(deps(), ada, { kind: 'domain', domain: 'contoso.com' });
    const id = await openAlert('contoso.com');
    for (const act of [acknowledge, snooze]) expect(await act(deps(), eve, id)).toBeUndefined();
    expect(await acknowledge(deps(), ada, { forged: true })).toBeUndefined();
    expect(await acknowledge(deps(), ada, 'x'.repeat(65))).toBeUndefined();
    expect(await store.getAlert(id)).toMatchObject({ state: 'open' });
    expect(await store.auditTrail(id)).toEqual([]);
    expect(await alertsFor(deps(), eve)).toEqual([]);
    expect((await alertsFor(deps(), ada)).map((a) => a.id)).toEqual([id]);
    expect(await acknowledge(deps(), ada, id)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'Ada',
    });
  });

  it('snoozes for 24 hours', async () => {
    await watch(deps(), ada, { kind: 'domain', domain: 'contoso.com' });
    const id = await openAlert('contoso.com');
    expect(await snooze(deps(), ada, id)).toMatchObject({
      state: 'snoozed',
      snoozedUntil: new Date(NOW.getTime() + 24 * 3_600_000),
    });
  });
});

describe('conversation settings', () => {
  it('keeps the lead and the on-call when the conversation is seen again, and audits each change', async () => {
    await setLead(deps(), ada, 14);
    await setOncall(deps(), ada, { kind: 'user', id: '29:alex', name: 'Alex Wilber' });
    await rememberConversation(deps(), {
      id: 'c1',
      reference: { conversation: { id: 'c1' } },
      scope: 'personal',
    });
    expect(await store.getConversation('c1')).toMatchObject({
      leadDays: 14,
      oncall: { kind: 'user', id: '29:alex', name: 'Alex Wilber' },
      active: true,
    });
    expect((await store.auditTrail('c1')).map((e) => [e.action, e.detail])).toEqual([
      ['lead', { days: 14 }],
      ['oncall', { oncall: { kind: 'user', id: '29:alex', name: 'Alex Wilber' } }],
    ]);
  });

  it('writes the reference only when something posting depends on changed', async () => {
    const channel = (activityId: string, from: string, serviceUrl = 'https://smba.test/emea/') => ({
      id: '19:ops@thread.tacv2',
      reference: {
        activityId,
        user: { id: from },
        bot: { id: '28:bot' },
        conversation: { id: '19:ops@thread.tacv2', conversationType: 'channel', tenantId: 't1' },
        channelId: 'msteams',
        serviceUrl,
        locale: 'en-US',
      },
      scope: 'channel' as const,
      tenantId: 't1',
    });
    let writes = 0;
    const upsert = store.upsertConversation.bind(store);
    store.upsertConversation = (record, now) => (writes++, upsert(record, now));
    await rememberConversation(deps(), channel('m1', '29:ada'));
    // Another message, from someone else, in the same channel: nothing to write.
    await rememberConversation(deps(), channel('m2', '29:eve'));
    expect(writes).toBe(1);
    // Teams moved the conversation to another service URL: written.
    await rememberConversation(deps(), channel('m3', '29:ada', 'https://smba.test/amer/'));
    expect(writes).toBe(2);
    // Removed (403) and then seen again: written, active again.
    await store.setConversationActive('19:ops@thread.tacv2', false, NOW);
    await rememberConversation(deps(), channel('m4', '29:ada', 'https://smba.test/amer/'));
    expect(writes).toBe(3);
    expect(await store.getConversation('19:ops@thread.tacv2')).toMatchObject({
      active: true,
      reference: { serviceUrl: 'https://smba.test/amer/' },
    });
  });
});
