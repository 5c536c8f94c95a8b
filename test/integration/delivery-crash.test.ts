import { openCritical } from '../support/alerts';
import { queueAlertChanges } from '../../src/alerts/sweep-planning';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { CLAIM_MS } from '../../src/store/outbox-queries';
import { FakeConnector, personalChat } from '../support/fake-connector';
import { Processes } from '../support/processes';

/**
 * Delivery safety (DESIGN §7): the outbox is written before anything is sent, so a process killed with
 * SIGKILL while delivering loses nothing and sends nothing twice when it restarts — except in the one
 * instant the README names (Teams accepted a post, the id not yet recorded), which this test avoids by
 * killing while Teams has not answered.
 */
jest.setTimeout(60_000);

const root = join(__dirname, '..', '..');
const worker = join(__dirname, '..', 'support', 'deliver-worker.ts');

const processes = new Processes();
const connectors: FakeConnector[] = [];
afterEach(async () => {
  processes.killAll();
  for (const c of connectors.splice(0)) await c.close();
});

function runWorker(db: string, clockOffsetMs = 0): { done: Promise<number | null>; kill(): void } {
  const child = processes.spawn(
    process.execPath,
    ['--import', 'tsx', worker, db, String(clockOffsetMs)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return {
    done: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    kill: () => Processes.kill(child),
  };
}

async function untilAsync(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('delivers every alert exactly once across a SIGKILL and a restart', async () => {
  const connector = await new FakeConnector().start();
  connectors.push(connector);
  const db = join(mkdtempSync(join(tmpdir(), 'fedtrust-crash-')), 'fedtrust.db');
  const store = await openSqliteStore(db);
  const now = new Date();
  const conversations = ['c1', 'c2', 'c3', 'c4'];
  for (const id of conversations) {
    await store.upsertConversation(personalChat(id, connector.url), now);
    await store.addWatch({ conversationId: id, domain: 'contoso.com', createdAt: now });
  }
  await queueAlertChanges(
    store,
    {
      now,
      alerts: [],
      transitions: [openCritical('idp', ['contoso.com'])],
    },
    7,
  );
  const alertId = (await store.listLiveAlerts())[0]!.id;
  await store.close();

  // The third post hangs at "Teams": kill the process while it waits. Conversations are served in
  // parallel, so the others may or may not have gone out by then; the held one has not.
  connector.holdPostNumber = 3;
  const first = runWorker(db);
  await until(() => connector.held.length === 1);
  // Kill outside the documented instant: every post Teams accepted has its id recorded.
  const watch = await openSqliteStore(db);
  await untilAsync(async () => {
    const recorded = await Promise.all(
      conversations.map((id) => watch.postedActivityId(alertId, id)),
    );
    return recorded.filter(Boolean).length === connector.messages().length;
  });
  await watch.close();
  first.kill();
  await first.done;
  const before = connector.messages().length;
  expect(before).toBeGreaterThanOrEqual(2);
  expect(before).toBeLessThanOrEqual(3);
  const heldConversation = /\/conversations\/([^/]+)\//.exec(connector.held[0]!)![1]!;
  expect(connector.messages().some((m) => m.path.includes(`/${heldConversation}/`))).toBe(false);

  // Restarted at once: the dead worker's claims still hold, so nothing is sent twice (nor at all yet).
  connector.holdPostNumber = undefined;
  expect(await runWorker(db).done).toBe(0);
  expect(connector.messages()).toHaveLength(before);

  // Once its claims ran out (CLAIM_MS), a notifier takes the rest over: each sent once.
  const second = runWorker(db, CLAIM_MS + 1_000);
  expect(await second.done).toBe(0);
  const perConversation = conversations.map(
    (id) => connector.messages().filter((m) => m.path.includes(`/conversations/${id}/`)).length,
  );
  expect(perConversation).toEqual([1, 1, 1, 1]);

  const check = await openSqliteStore(db);
  expect(await check.claimDeliveries(new Date(Date.now() + 3_600_000), 10)).toEqual([]);
  await check.close();
  await connector.close();
});
