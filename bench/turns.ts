/**
 * Turns against their baseline in the same minutes (issue #14): the real bot (dist/index.js, local
 * mode, SQLite) answering `help` and a cached `check`, and a bare botbuilder echo bot on the same
 * node_modules answering every message with a 12 KB card (bench/echo-bot.cjs), each driven by 1, 10
 * and 50 connections in turn, one after the other at each level. Both reply through the same Bot
 * Connector stand-in. Figures: turns per second, latency p95, and the server's CPU per turn.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FakeConnector } from '../test/support/fake-connector';
import { readFixture } from '../test/support/fixtures';
import { teamsMessage } from '../test/support/teams-activities';
import { startHttpsServer } from '../test/support/tls';
import { cpuMs, percentile, ROOT, startListening, type Started } from './processes';

export const LEVELS = [1, 10, 50] as const;
export type Kind = 'echo' | 'help' | 'check';

export interface TurnFigure {
  kind: Kind;
  connections: number;
  turnsPerSecond: number;
  p95Ms: number;
  cpuMsPerTurn: number;
  errors: number;
}

const DOCUMENT = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');

async function drive(
  server: Started,
  connectorUrl: string,
  text: string,
  connections: number,
  seconds: number,
): Promise<Omit<TurnFigure, 'kind'>> {
  const latencies: number[] = [];
  let errors = 0;
  const say = async () => {
    const started = performance.now();
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage(connectorUrl, text)),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 20; i++) await say(); // warm
  const cpuBefore = cpuMs(server.pid);
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        try {
          latencies.push(await say());
        } catch {
          errors++;
        }
      }
    }),
  );
  const cpu = cpuMs(server.pid) - cpuBefore;
  return {
    connections,
    turnsPerSecond: latencies.length / seconds,
    p95Ms: percentile(latencies, 95),
    cpuMsPerTurn: cpu / Math.max(1, latencies.length),
    errors,
  };
}

/** Every kind at every level; `seconds` per measurement. */
export async function benchTurns(seconds = 8): Promise<TurnFigure[]> {
  const etag = `"${createHash('sha1').update(DOCUMENT).digest('hex')}"`;
  const idp = await startHttpsServer(
    (req, res) => {
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { etag }).end(DOCUMENT);
    },
    { hosts: ['localhost'] },
  );
  const connector = await new FakeConnector().start();
  // The stand-in keeps what it was sent: at thousands of turns a second, forget it as it comes.
  const forget = setInterval(() => void (connector.calls.length = 0), 200);
  const env = {
    PORT: '0',
    NODE_ENV: 'development',
    NODE_EXTRA_CA_CERTS: join(ROOT, 'test/support/tls/ca.pem'),
  };
  const bot = await startListening(['dist/index.js'], {
    ...env,
    MicrosoftAppId: '',
    LOG_LEVEL: 'info', // it says where it listens at info; a turn logs nothing at info
    DATABASE_URL: 'sqlite::memory:',
    OUTBOUND_ALLOW_PRIVATE: 'localhost',
    SWEEP_CRON: '0 0 1 1 *',
  });
  const echo = await startListening(['bench/echo-bot.cjs'], env);
  const metadata = `https://localhost:${idp.port}/FederationMetadata/2007-06/FederationMetadata.xml`;
  const texts: Record<Kind, string> = {
    echo: 'hello',
    help: 'help',
    check: `check fedtrust contoso.com metadata ${metadata}`,
  };
  try {
    const figures: TurnFigure[] = [];
    for (const connections of LEVELS)
      for (const kind of ['echo', 'help', 'check'] as const)
        figures.push({
          kind,
          ...(await drive(
            kind === 'echo' ? echo : bot,
            connector.url,
            texts[kind],
            connections,
            seconds,
          )),
        });
    return figures;
  } finally {
    clearInterval(forget);
    bot.stop();
    echo.stop();
    await connector.close();
    await idp.close();
  }
}

if (require.main === module) {
  void benchTurns(Number(process.argv[2] ?? 8)).then((f) => console.table(f));
}
