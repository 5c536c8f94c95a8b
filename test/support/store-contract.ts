import { alertKey, type AlertTransition } from '../../src/engine/alert-plan';
import type { Assessment } from '../../src/engine/types';
import { queueAlertChanges } from '../../src/alerts/sweep-planning';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema';
import type { Store } from '../../src/store/store';

const NOW = new Date('2026-11-22T10:00:00Z');

/** Rows in one of the store's tables (what a store keeps on disk, which no port reports). */
async function countRows(store: Store, table: 'http_documents'): Promise<number> {
  const { db } = store as unknown as { db: Kysely<Database> };
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const IDP =
  'http://fs.contoso.com/adfs/services/trust|https://fs.contoso.com/FederationMetadata/2007-06/FederationMetadata.xml';

function conversation(id: string, active = true) {
  return {
    id,
    reference: { conversation: { id }, serviceUrl: 'https://smba.example/' },
    scope: 'channel' as const,
    tenantId: 't1',
    active,
  };
}

function open(
  domains: string[],
  severity: 'warning' | 'critical' = 'warning',
): Extract<AlertTransition, { kind: 'open' }> {
  return {
    kind: 'open',
    key: alertKey(IDP, 'AB', 'NEXT_CERT_NOT_IN_ENTRA'),
    idpKey: IDP,
    code: 'NEXT_CERT_NOT_IN_ENTRA',
    thumbprint: 'AB',
    severity,
    domains,
    message: 'Entra lacks the next certificate',
    remedy: 'Update-Mg…',
  };
}

/** One behaviour for every Store implementation (SQLite, on disk and in memory, and PostgreSQL). */
export function describeStoreContract(name: string, openStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore();
    });
    afterEach(() => store.close());
    /** Transitions as a sweep writes them: the planner picks each delivery from the store's audience. */
    const apply = async (transitions: AlertTransition[], at: Date) =>
      queueAlertChanges(store, { now: at, transitions, alerts: await store.listLiveAlerts() }, 7);

    it('saves conversations and deactivates them', async () => {
      await store.upsertConversation(conversation('c1'), NOW);
      const oncall = { kind: 'tag' as const, id: 'tag-1', name: 'SRE On-call' };
      await store.upsertConversation({ ...conversation('c1'), leadDays: 14, oncall }, NOW);
      expect(await store.getConversation('c1')).toMatchObject({
        id: 'c1',
        scope: 'channel',
        tenantId: 't1',
        active: true,
        leadDays: 14,
        oncall,
      });
      await store.setConversationActive('c1', false, NOW);
      expect((await store.getConversation('c1'))?.active).toBe(false);
      expect(await store.getConversation('nope')).toBeUndefined();
    });

    it('adds, updates, lists and removes watches; the sweep sees active conversations only', async () => {
      await store.upsertConversation(conversation('c1'), NOW);
      await store.upsertConversation(conversation('c2', false), NOW);
      expect(
        await store.addWatch({ conversationId: 'c1', domain: 'contoso.com', createdAt: NOW }),
      ).toBe('added');
      expect(
        await store.addWatch({
          conversationId: 'c1',
          domain: 'contoso.com',
          metadataUrl: 'https://idp/md.xml',
          createdAt: NOW,
        }),
      ).toBe('updated');
      await store.addWatch({ conversationId: 'c2', domain: 'fabrikam.com', createdAt: NOW });
      expect(await store.listWatches('c1')).toMatchObject([
        { domain: 'contoso.com', metadataUrl: 'https://idp/md.xml' },
      ]);
      expect((await store.listActiveWatches()).map((w) => w.domain)).toEqual(['contoso.com']);
      expect(await store.removeWatch('c1', 'contoso.com')).toBe(true);
      expect(await store.removeWatch('c1', 'contoso.com')).toBe(false);
    });

    it('remembers the auto-rollover answer per domain', async () => {
      expect(await store.getAutoRollover('contoso.com')).toBeUndefined();
      await store.setAutoRollover('contoso.com', false, 'Ada', NOW);
      expect(await store.getAutoRollover('contoso.com')).toBe(false);
      await store.setAutoRollover('contoso.com', undefined, 'Ada', NOW);
      expect(await store.getAutoRollover('contoso.com')).toBeUndefined();
    });

    it('keeps the latest collector snapshot per organisation, kind and source', async () => {
      const base = { organization: 'contoso', kind: 'exchange-trust' as const, sourceKey: 'MFG' };
      await store.saveSnapshot({ ...base, receivedAt: NOW, payload: { Name: 'old' } });
      const later = new Date(NOW.getTime() + 3_600_000);
      await store.saveSnapshot({
        ...base,
        computerName: 'EX01',
        collectedAt: NOW,
        receivedAt: later,
        payload: { Name: 'new', __proto__x: [1, 'two'] },
      });
      await store.saveSnapshot({
        organization: 'contoso',
        kind: 'adfs',
        sourceKey: 'http://fs.contoso.com/adfs/services/trust',
        receivedAt: NOW,
        payload: [{ AutoCertificateRollover: true }],
      });
      await store.saveSnapshot({ ...base, organization: 'fabrikam', receivedAt: NOW, payload: {} });
      expect(await store.listSnapshots('exchange-trust')).toEqual([
        {
          ...base,
          computerName: 'EX01',
          collectedAt: NOW,
          receivedAt: later,
          payload: { Name: 'new', __proto__x: [1, 'two'] },
        },
        { ...base, organization: 'fabrikam', receivedAt: NOW, payload: {} },
      ]);
      expect((await store.listSnapshots()).map((s) => s.kind)).toEqual([
        'adfs',
        'exchange-trust',
        'exchange-trust',
      ]);
    });

    it('counts each target of a shared sweep once and plans the run once', async () => {
      await store.startSweepRun('run-1', 2, NOW);
      await store.startSweepRun('run-1', 99, NOW);
      expect(await store.completeSweepTarget('run-1', 'a.com|', NOW)).toEqual({
        done: 1,
        total: 2,
      });
      expect(await store.completeSweepTarget('run-1', 'a.com|', NOW)).toEqual({
        done: 1,
        total: 2,
      });
      expect(await store.completeSweepTarget('run-1', 'b.com|', NOW)).toEqual({
        done: 2,
        total: 2,
      });
      expect(await store.finishSweepRun('run-1', NOW)).toBe(true);
      expect(await store.finishSweepRun('run-1', NOW)).toBe(false);
      expect(await store.finishSweepRun('unknown', NOW)).toBe(false);
    });

    const assessment = (status: Assessment['status']): Assessment => ({
      subject: { kind: 'domain', domain: 'contoso.com' },
      domain: 'contoso.com',
      status,
      findings: [],
      certificates: [],
      timeline: [],
    });

    it('keeps the last assessment per domain', async () => {
      await store.saveAssessment({
        domain: 'contoso.com',
        checkedAt: NOW,
        status: 'ok',
        idpKey: IDP,
        assessment: assessment('ok'),
        failedSweeps: 0,
      });
      await store.saveAssessment({
        domain: 'contoso.com',
        checkedAt: later(60),
        status: 'warning',
        idpKey: IDP,
        assessment: assessment('warning'),
        entra: { issuerUri: 'x' },
        failedSweeps: 1,
      });
      expect(await store.getAssessment('contoso.com')).toEqual({
        domain: 'contoso.com',
        checkedAt: later(60),
        status: 'warning',
        idpKey: IDP,
        assessment: assessment('warning'),
        entra: { issuerUri: 'x' },
        failedSweeps: 1,
      });
      expect(await store.getSweepFacts('contoso.com')).toEqual({
        idpKey: IDP,
        entra: { issuerUri: 'x' },
        failedSweeps: 1,
      });
      expect(await store.getSweepFacts('fabrikam.com')).toBeUndefined();
    });

    it('names the subject of an assessment stored before assessments carried one, from its key', async () => {
      const old: Partial<Assessment> = assessment('ok');
      delete old.subject;
      for (const key of ['contoso.com', 'exchange', 'exchange:Contoso Ltd'])
        await store.saveAssessment({
          domain: key,
          checkedAt: NOW,
          status: 'ok',
          assessment: old as Assessment,
          failedSweeps: 0,
        });
      expect((await store.getAssessment('contoso.com'))?.assessment.subject).toEqual({
        kind: 'domain',
        domain: 'contoso.com',
      });
      expect((await store.getAssessment('exchange'))?.assessment.subject).toEqual({ kind: 'mfg' });
      expect((await store.getAssessment('exchange:Contoso Ltd'))?.assessment.subject).toEqual({
        kind: 'mfg',
        organization: 'Contoso Ltd',
      });
    });

    it('records when each certificate was first seen, once', async () => {
      expect(await store.recordCertificates(IDP, ['AA', 'BB'], NOW)).toEqual(['AA', 'BB']);
      expect(await store.recordCertificates(IDP, ['BB', 'CC'], later(60))).toEqual(['CC']);
      const history = await store.certificateHistory(IDP);
      expect(history.firstSeen).toEqual({
        AA: NOW.toISOString(),
        BB: NOW.toISOString(),
        CC: later(60).toISOString(),
      });
    });

    it('opens an alert and queues one post per watching conversation, in one transaction', async () => {
      for (const id of ['c1', 'c2', 'c3'])
        await store.upsertConversation(conversation(id, id !== 'c3'), NOW);
      await store.addWatch({ conversationId: 'c1', domain: 'contoso.com', createdAt: NOW });
      await store.addWatch({ conversationId: 'c2', domain: 'eu.contoso.com', createdAt: NOW });
      await store.addWatch({ conversationId: 'c3', domain: 'contoso.com', createdAt: NOW });
      await apply([open(['contoso.com', 'eu.contoso.com'])], NOW);
      const [alert] = await store.listLiveAlerts([IDP]);
      expect(alert).toMatchObject({
        severity: 'warning',
        state: 'open',
        domains: ['contoso.com', 'eu.contoso.com'],
      });
      const pending = await store.pendingDeliveries(NOW, 10);
      expect(pending.map((d) => [d.conversationId, d.kind])).toEqual([
        ['c1', 'post'],
        ['c2', 'post'],
      ]);
    });

    it('lists the audience: active conversations, what each watches, and its own lead', async () => {
      await store.upsertConversation({ ...conversation('c1'), leadDays: 14 }, NOW);
      await store.upsertConversation(conversation('c2'), NOW);
      await store.upsertConversation(conversation('gone', false), NOW);
      await store.addWatch({ conversationId: 'c1', domain: 'contoso.com', createdAt: NOW });
      await store.addWatch({ conversationId: 'c1', domain: 'exchange', createdAt: NOW });
      await store.addWatch({ conversationId: 'c2', domain: 'contoso.com', createdAt: NOW });
      await store.addWatch({ conversationId: 'gone', domain: 'contoso.com', createdAt: NOW });
      expect(await store.listAudience()).toEqual([
        { conversationId: 'c1', watches: ['contoso.com', 'exchange'].sort(), leadDays: 14 },
        { conversationId: 'c2', watches: ['contoso.com'] },
      ]);
    });

    it('writes exactly the deliveries it is told, and knows where each alert was posted', async () => {
      for (const id of ['c1', 'c2']) await store.upsertConversation(conversation(id), NOW);
      await store.applyAlertTransitions(
        [{ ...open(['contoso.com']), deliveries: [{ conversationId: 'c2', kind: 'post' }] }],
        NOW,
      );
      const [alert] = await store.listLiveAlerts();
      expect(
        (await store.pendingDeliveries(NOW, 10)).map((d) => [d.conversationId, d.kind]),
      ).toEqual([['c2', 'post']]);
      expect(await store.postedTo([alert!.id, 'other'])).toEqual({ [alert!.id]: ['c2'] });
      await store.applyAlertTransitions(
        [
          {
            kind: 'post',
            alertId: alert!.id,
            deliveries: [{ conversationId: 'c1', kind: 'post' }],
          },
        ],
        later(1),
      );
      expect((await store.postedTo([alert!.id]))[alert!.id]?.sort()).toEqual(['c1', 'c2']);
      const failed = (await store.pendingDeliveries(later(1), 10)).find(
        (d) => d.conversationId === 'c1',
      )!;
      await store.markDeliveryFailed(failed.id, 'HTTP 403', undefined);
      expect(await store.postedTo([alert!.id])).toEqual({ [alert!.id]: ['c2'] });
    });

    it('enforces one live alert per (IdP, certificate, rule) in the database', async () => {
      await apply([open(['contoso.com'])], NOW);
      await expect(apply([open(['contoso.com'])], NOW)).rejects.toMatchObject({
        message: expect.stringMatching(/unique|duplicate/i),
      });
      expect(await store.listLiveAlerts()).toHaveLength(1);
    });

    it('updates posted cards and replies when an alert rises, escalates and resolves', async () => {
      await store.upsertConversation(conversation('c1'), NOW);
      await store.addWatch({ conversationId: 'c1', domain: 'contoso.com', createdAt: NOW });
      await apply([open(['contoso.com'])], NOW);
      const [post] = await store.pendingDeliveries(NOW, 10);
      await store.markDelivered(post!.id, 'activity-9', NOW);
      const id = (await store.listLiveAlerts())[0]!.id;
      expect(await store.postedActivityId(id, 'c1')).toBe('activity-9');
      await apply(
        [
          {
            kind: 'raise',
            alertId: id,
            severity: 'critical',
            domains: ['contoso.com'],
            message: 'now critical',
            remedy: 'r',
          },
        ],
        later(1),
      );
      expect((await store.pendingDeliveries(later(1), 10)).map((d) => d.kind)).toEqual([
        'update',
        'reply',
      ]);
      expect(await store.getAlert(id)).toMatchObject({
        severity: 'critical',
        state: 'open',
        message: 'now critical',
        lastNotifiedAt: later(1),
      });
      await apply([{ kind: 'escalate', alertId: id }], later(2));
      await apply([{ kind: 'resolve', alertId: id }], later(3));
      expect((await store.pendingDeliveries(later(3), 10)).map((d) => d.kind)).toEqual([
        'update',
        'reply',
        'reply',
        'update',
      ]);
      expect(await store.getAlert(id)).toMatchObject({ state: 'resolved', resolvedAt: later(3) });
      expect(await store.listLiveAlerts()).toEqual([]);
    });

    it('acknowledges once, everywhere, and refuses resolved or unknown alerts', async () => {
      await store.upsertConversation(conversation('c1'), NOW);
      await store.addWatch({ conversationId: 'c1', domain: 'contoso.com', createdAt: NOW });
      await apply([open(['contoso.com'], 'critical')], NOW);
      const id = (await store.listLiveAlerts())[0]!.id;
      expect(
        await store.acknowledgeAlert(id, { name: 'Ada', aadObjectId: 'aad-1' }, later(5)),
      ).toBe('acknowledged');
      expect(await store.acknowledgeAlert(id, { name: 'Bob' }, later(6))).toBe('already');
      expect(await store.auditTrail(id)).toMatchObject([
        { actor: 'Ada', action: 'acknowledge', detail: { aadObjectId: 'aad-1' } },
      ]);
      expect(await store.getAlert(id)).toMatchObject({
        state: 'acknowledged',
        acknowledgedBy: 'Ada',
        acknowledgedAt: later(5),
      });
      expect(await store.acknowledgeAlert('nope', { name: 'Ada' }, NOW)).toBe('unknown');
      await apply([{ kind: 'resolve', alertId: id }], later(7));
      expect(await store.acknowledgeAlert(id, { name: 'Ada' }, later(8))).toBe('resolved');
      expect(await store.snoozeAlert(id, 'Ada', later(60 * 24), later(8))).toBe('resolved');
    });

    it('snoozes an alert until a time and audits it', async () => {
      await apply([open(['contoso.com'])], NOW);
      const id = (await store.listLiveAlerts())[0]!.id;
      expect(await store.snoozeAlert(id, 'Ada', later(60 * 24), NOW)).toBe('snoozed');
      expect(await store.getAlert(id)).toMatchObject({
        state: 'snoozed',
        snoozedUntil: later(60 * 24),
      });
      expect(await store.auditTrail(id)).toMatchObject([{ actor: 'Ada', action: 'snooze' }]);
    });

    it('retries a failed delivery later and gives up when told to', async () => {
      await store.upsertConversation(conversation('c1'), NOW);
      await store.addWatch({ conversationId: 'c1', domain: 'contoso.com', createdAt: NOW });
      await apply([open(['contoso.com'])], NOW);
      const [d] = await store.pendingDeliveries(NOW, 10);
      await store.markDeliveryFailed(d!.id, 'HTTP 429', later(1));
      expect(await store.pendingDeliveries(NOW, 10)).toEqual([]);
      expect(await store.pendingDeliveries(later(1), 10)).toMatchObject([
        { id: d!.id, attempts: 1 },
      ]);
      await store.markDeliveryFailed(d!.id, 'HTTP 403', undefined);
      expect(await store.pendingDeliveries(later(60), 10)).toEqual([]);
    });

    it('queues a notice to every active watcher, once, and retries or gives up like alerts', async () => {
      for (const id of ['c1', 'c2'])
        await store.upsertConversation(conversation(id, id === 'c1'), NOW);
      await store.addWatch({ conversationId: 'c1', domain: 'contoso.com', createdAt: NOW });
      await store.addWatch({ conversationId: 'c2', domain: 'contoso.com', createdAt: NOW });
      expect(
        await store.queueNotice(
          { idpKey: IDP, domains: ['contoso.com'], title: 'New certificate', lines: ['a', 'b'] },
          NOW,
        ),
      ).toBe(1);
      expect(
        await store.queueNotice(
          { idpKey: IDP, domains: ['nobody.example'], title: 'x', lines: [] },
          NOW,
        ),
      ).toBe(0);
      const [notice] = await store.pendingNotices(NOW, 10);
      expect(notice).toMatchObject({
        conversationId: 'c1',
        title: 'New certificate',
        lines: ['a', 'b'],
        attempts: 0,
      });
      await store.markNoticeFailed(notice!.id, 'HTTP 429', later(1));
      expect(await store.pendingNotices(NOW, 10)).toEqual([]);
      await store.markNoticeSent(notice!.id, later(1));
      expect(await store.pendingNotices(later(60), 10)).toEqual([]);
    });

    it('posts a live alert to a conversation that starts watching later (catch-up), once', async () => {
      await apply([open(['contoso.com'])], NOW);
      await store.upsertConversation(conversation('late'), NOW);
      await store.addWatch({ conversationId: 'late', domain: 'contoso.com', createdAt: NOW });
      expect(await apply([], later(60))).toBe(1);
      expect(await apply([], later(120))).toBe(0);
      expect(
        (await store.pendingDeliveries(later(120), 10)).map((d) => [d.conversationId, d.kind]),
      ).toEqual([['late', 'post']]);
    });

    it('holds a lead-dependent warning back from a conversation until its own lead opens', async () => {
      await store.upsertConversation({ ...conversation('long'), leadDays: 14 }, NOW);
      await store.upsertConversation(conversation('default'), NOW);
      for (const id of ['long', 'default'])
        await store.addWatch({ conversationId: id, domain: 'contoso.com', createdAt: NOW });
      const expires = new Date(NOW.getTime() + 45 * 86_400_000 + 3_600_000); // d = 45
      const manual: AlertTransition = {
        ...open(['contoso.com']),
        code: 'AUTO_ROLLOVER_OFF',
        key: alertKey(IDP, 'AB', 'AUTO_ROLLOVER_OFF'),
        expiresAt: expires.toISOString(),
      };
      await apply([manual], NOW);
      expect((await store.pendingDeliveries(NOW, 10)).map((d) => d.conversationId)).toEqual([
        'long',
      ]);
      const threeDaysLater = new Date(NOW.getTime() + 3 * 86_400_000); // d = 42 ≤ 35 + 7
      expect(await apply([], threeDaysLater)).toBe(1);
      expect(
        (await store.pendingDeliveries(threeDaysLater, 10)).map((d) => d.conversationId),
      ).toEqual(['long', 'default']);
    });

    it('gives each due delivery to one claimer, and hands over a claim its notifier never finished', async () => {
      for (const id of ['c1', 'c2']) {
        await store.upsertConversation(conversation(id), NOW);
        await store.addWatch({ conversationId: id, domain: 'contoso.com', createdAt: NOW });
      }
      await apply([open(['contoso.com'])], NOW);
      const [first, second] = await Promise.all([
        store.claimDeliveries(NOW, 10),
        store.claimDeliveries(NOW, 10),
      ]);
      expect([...first, ...second].map((d) => d.conversationId).sort()).toEqual(['c1', 'c2']);
      expect(await store.claimDeliveries(later(1), 10)).toEqual([]);
      const [sent, ...rest] = [...first, ...second];
      await store.markDelivered(sent!.id, 'activity-1', later(1));
      // The notifier holding the rest died: after the claim runs out, another takes them over.
      expect((await store.claimDeliveries(later(3), 10)).map((d) => d.id)).toEqual(
        rest.map((d) => d.id),
      );
    });

    it('leaves a conversation another notifier is serving to it', async () => {
      for (const id of ['c1', 'c2']) await store.upsertConversation(conversation(id), NOW);
      await store.addWatch({ conversationId: 'c1', domain: 'contoso.com', createdAt: NOW });
      await store.addWatch({ conversationId: 'c1', domain: 'fabrikam.com', createdAt: NOW });
      await apply([open(['contoso.com'])], NOW);
      await store.addWatch({ conversationId: 'c2', domain: 'fabrikam.com', createdAt: NOW });
      const second = { ...open(['fabrikam.com']), key: alertKey(IDP, 'CD', 'CERT_EXPIRING') };
      await apply([second], later(0.1));
      // c1 has two deliveries, c2 one: the first claimer takes c1's first row and so serves c1.
      const [first] = await store.claimDeliveries(later(0.2), 1);
      expect(first!.conversationId).toBe('c1');
      expect((await store.claimDeliveries(later(0.2), 10)).map((d) => d.conversationId)).toEqual([
        'c2',
      ]);
      await store.markDelivered(first!.id, 'activity-1', later(0.3));
      expect((await store.claimDeliveries(later(0.3), 10)).map((d) => d.conversationId)).toEqual([
        'c1',
      ]);
    });

    it('books send slots one spacing apart in its own clock, whoever asks', async () => {
      const waits = await Promise.all(
        Array.from({ length: 5 }, () => store.reserveSendSlot('tenant:t1', 1_000)),
      );
      const sorted = [...waits].sort((a, b) => a - b);
      expect(sorted[0]).toBeLessThan(200);
      for (let i = 1; i < sorted.length; i++)
        expect(Math.abs(sorted[i]! - sorted[i - 1]! - 1_000)).toBeLessThan(200);
      expect(await store.reserveSendSlot('tenant:t2', 1_000)).toBeLessThan(200);
    });

    it('keeps the validators of each URL with its document, replaces and forgets them', async () => {
      const url = 'https://fs.contoso.com/FederationMetadata/2007-06/FederationMetadata.xml';
      expect(await store.getValidators(url)).toBeUndefined();
      const entry = { etag: '"v1"', status: 200, url, body: '<EntityDescriptor/>', hash: 'h1' };
      await store.saveValidators(url, entry, NOW);
      const { body, ...validators } = entry;
      expect(await store.getValidators(url)).toEqual(validators);
      expect(await store.getDocument('h1')).toBe(body);
      const next = {
        lastModified: 'Mon, 07 Dec 2026 10:00:00 GMT',
        status: 200,
        url,
        body: '<x/>',
        hash: 'h2',
      };
      await store.saveValidators(url, next, later(1));
      expect(await store.getValidators(url)).toEqual({ ...next, body: undefined });
      expect(await store.getDocument('h2')).toBe('<x/>');
      expect(await store.getDocument('h1')).toBeUndefined();
      await store.saveValidators(url, undefined, later(2));
      expect(await store.getValidators(url)).toBeUndefined();
      expect(await store.getDocument('h2')).toBeUndefined();
    });

    it('keeps a document once however many URLs serve it, until no URL names it', async () => {
      const body = '<EntityDescriptor entityID="https://fs.contoso.com/adfs/services/trust"/>';
      const urls = ['https://a.test/m.xml', 'https://b.test/m.xml'];
      for (const url of urls)
        await store.saveValidators(
          url,
          { etag: '"e"', status: 200, url, body, hash: 'shared' },
          NOW,
        );
      const documents = () => countRows(store, 'http_documents');
      expect(await documents()).toBe(1);
      // One URL moves to other content: the shared document stays for the other.
      await store.saveValidators(
        urls[0]!,
        { etag: '"f"', status: 200, url: urls[0]!, body: '<y/>', hash: 'other' },
        later(1),
      );
      expect(await documents()).toBe(2);
      expect(await store.getValidators(urls[1]!)).toMatchObject({ hash: 'shared' });
      expect(await store.getDocument('shared')).toBe(body);
      // The last URL naming it forgets its validators: the document goes too.
      await store.saveValidators(urls[1]!, undefined, later(2));
      expect(await documents()).toBe(1);
      expect(await store.getDocument('other')).toBe('<y/>');
    });

    it('keeps signature checks by content, until the last URL keeping that content forgets it', async () => {
      const url = 'https://fs.contoso.com/m.xml';
      await store.saveValidators(
        url,
        { etag: '"e"', status: 200, url, body: '<x/>', hash: 'h' },
        NOW,
      );
      const check = { status: 'valid', thumbprintSha1: 'AB12' } as const;
      await store.saveSignatureCheck('k1', 'h', check, NOW);
      // The same bytes always check the same: a second save changes nothing.
      await store.saveSignatureCheck('k1', 'h', { status: 'absent' }, later(1));
      expect(await store.getSignatureCheck('k1')).toEqual(check);
      expect(await store.getSignatureCheck('k2')).toBeUndefined();
      await store.saveValidators(url, undefined, later(2));
      expect(await store.getSignatureCheck('k1')).toBeUndefined();
    });

    it('keeps an audit trail per target', async () => {
      await store.audit({
        at: NOW,
        actor: 'Ada',
        action: 'watch',
        target: 'contoso.com',
        detail: { conversation: 'c1' },
      });
      expect(await store.auditTrail('contoso.com')).toEqual([
        {
          at: NOW,
          actor: 'Ada',
          action: 'watch',
          target: 'contoso.com',
          detail: { conversation: 'c1' },
        },
      ]);
    });

    it('grants a lease to one holder at a time and lets an expired one be taken over', async () => {
      expect(await store.acquireLease('sweep', 'a', 60_000, NOW)).toBe(true);
      expect(await store.acquireLease('sweep', 'b', 60_000, later(0.5))).toBe(false);
      expect(await store.acquireLease('sweep', 'a', 60_000, later(0.5))).toBe(true);
      expect(await store.acquireLease('sweep', 'b', 60_000, later(2))).toBe(true);
      await store.releaseLease('sweep', 'b');
      expect(await store.acquireLease('sweep', 'a', 60_000, later(2))).toBe(true);
    });
  });
}
