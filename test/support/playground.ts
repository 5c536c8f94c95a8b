import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Processes } from './processes';

/** The bot process and Microsoft 365 Agents Playground (offline), as the end-to-end tests run them. */

export const ROOT = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A node child in its own process group (killed with the group); its output is printed if it fails. */
export function runNode(
  processes: Processes,
  args: string[],
  env: Record<string, string>,
): ChildProcess {
  const child = processes.spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  child.on('exit', (code) => {
    if (code !== null && code !== 0 && code !== 143)
      process.stderr.write(`${args.join(' ')} exited ${code}:\n${log}\n`);
  });
  return child;
}

export async function waitFor(url: string, expected: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const body = await fetch(url).then(
      (r) => r.text(),
      () => '',
    );
    if (body.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never answered ${expected}`);
}

/** Starts the bot (from source) and the Playground in front of it; returns their URLs. */
export async function startBotAndPlayground(
  processes: Processes,
  env: Record<string, string>,
): Promise<{ bot: string; playground: string }> {
  const botPort = await freePort();
  runNode(processes, ['--import', 'tsx', 'src/index.ts'], { ...env, PORT: String(botPort) });
  const bot = `http://127.0.0.1:${botPort}`;
  await waitFor(`${bot}/healthz`, '"ok"');
  const playgroundPort = await freePort();
  runNode(
    processes,
    [
      require.resolve('@microsoft/m365agentsplayground/cli.js'),
      'start',
      '-e',
      `${bot}/api/messages`,
      '-c',
      'msteams',
      '--disable-telemetry',
      '-p',
      String(playgroundPort),
    ],
    { TEAMSAPPTESTER_BROWSER: 'none' },
  );
  const playground = `http://localhost:${playgroundPort}`;
  await waitFor(`${playground}/_debug/ping`, 'pong');
  return { bot, playground };
}

/** A Playground page in Chromium, once the bot's greeting is there. */
export async function openPlayground(browser: Browser, url: string, height = 1000): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height } });
  await page.goto(url);
  await page
    .getByText('fedtrust — keeps federation trusts from breaking')
    .first()
    .waitFor({ timeout: 30_000 });
  return page;
}
