/**
 * The bot under load (issue #12 item 8): 50 clients send `help` and cached checks for a while, as Teams
 * would, to the real bot process; a 51st polls /healthz. Figures: turns per second, turn latency
 * p50/p95/p99, /healthz p99, and the bot's own event-loop delay p99 during the load
 * (`nodejs_eventloop_lag_p99_seconds`, from perf_hooks.monitorEventLoopDelay via prom-client; the
 * histogram is reset by a scrape just before the load). Target: event-loop p99 ≤ 100 ms.
 */
import { join } from 'node:path';
import { FakeConnector } from '../test/support/fake-connector';
import { readFixture } from '../test/support/fixtures';
import { teamsMessage } from '../test/support/teams-activities';
import { startHttpsServer } from '../test/support/tls';
import { percentile, ROOT, startListening } from './processes';

const CLIENTS = 50;

async function eventLoopP99Ms(bot: string): Promise<number> {
  const text = await (await fetch(`${bot}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(text)?.[1]) * 1000;
}

export async function benchLoad(seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 60)): Promise<{
  turnsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  healthzP99: number;
  eventLoopP99: number;
  errors: number;
}> {
  const idp = await startHttpsServer(
    (_req, res) => void res.end(readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml')),
    { hosts: ['localhost'] },
  );
  const connector = await new FakeConnector().start();
  const bot = await startListening(['dist/index.js'], {
    PORT: '0',
    MicrosoftAppId: '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    DATABASE_URL: `sqlite::memory:`,
    OUTBOUND_ALLOW_PRIVATE: 'localhost',
    NODE_EXTRA_CA_CERTS: join(ROOT, 'test/support/tls/ca.pem'),
    SWEEP_CRON: '0 0 1 1 *',
  });
  try {
    const metadata = `https://localhost:${idp.port}/FederationMetadata/2007-06/FederationMetadata.xml`;
    const say = async (text: string): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsMessage(connector.url, text)),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return performance.now() - started;
    };
    await say(`check fedtrust contoso.com metadata ${metadata}`); // warm: the document is cached now
    await eventLoopP99Ms(bot.url); // a scrape resets the event-loop histogram
    const latencies: number[] = [];
    const healthz: number[] = [];
    let errors = 0;
    const until = performance.now() + seconds * 1000;
    const client = async (i: number) => {
      for (let n = 0; performance.now() < until; n++) {
        const text = (i + n) % 2 ? 'help' : `check fedtrust contoso.com metadata ${metadata}`;
        try {
          latencies.push(await say(text));
        } catch {
          errors++;
        }
        connector.calls.length = 0; // keep the stand-in's memory flat
      }
    };
    const poll = async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await fetch(`${bot.url}/healthz`).then((r) => r.arrayBuffer());
        healthz.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), poll()]);
    const eventLoopP99 = await eventLoopP99Ms(bot.url);
    return {
      turnsPerSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      healthzP99: percentile(healthz, 99),
      eventLoopP99,
      errors,
    };
  } finally {
    bot.stop();
    await connector.close();
    await idp.close();
  }
}
