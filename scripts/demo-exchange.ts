/**
 * `npm run demo:exchange`: the Exchange hybrid story offline, in the Playground. It serves local
 * stand-ins for login.microsoftonline.com (https://localhost:8445) and Microsoft Graph
 * (https://localhost:8444) that hold organisation "contoso"'s dedicated hybrid app, waits for the bot,
 * and posts the collector 1.1 snapshot of an Exchange server whose Auth certificate has 57 days left
 * and whose successor was staged 3 days ago — not uploaded to the app (a warning, by the design's
 * timings; certificates generated for today's date). Then:
 *   npm run start:demo:exchange   (the bot, pointed at the stand-ins, COLLECTOR_TOKEN=demo-collector-token)
 *   npm run playground            then type: check exchange
 * Type `upload` here (and Enter) to play the admin running -UpdateCertificate; check exchange again.
 */
import { createInterface } from 'node:readline';
import {
  hybridScenario,
  postCollectorBody,
  startHybridEntra,
} from '../test/support/exchange-hybrid';

const BOT_URL = process.env.BOT_URL ?? 'http://127.0.0.1:3978';
const TOKEN = process.env.COLLECTOR_TOKEN ?? 'demo-collector-token';

async function waitForBot(): Promise<void> {
  for (;;) {
    const up = await fetch(`${BOT_URL}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  const read = await hybridScenario(new Date());
  const { env, set } = await startHybridEntra(read, { graph: 8444, login: 8445 });
  process.stdout.write(
    `Graph stand-in: ${env.GRAPH_BASE_URL}, login stand-in: ${env.LOGIN_BASE_URL}\n`,
  );
  process.stdout.write(`Waiting for the bot on ${BOT_URL} (npm run start:demo:exchange) …\n`);
  await waitForBot();
  const status = await postCollectorBody(
    BOT_URL,
    TOKEN,
    read('collector-auth-next-staged.ps7.json'),
  );
  process.stdout.write(
    status === 200
      ? 'Posted the Exchange Auth snapshot of contoso/EX01. In the Playground: check exchange\nType "upload" + Enter to upload the next certificate to the app.\n'
      : `The bot answered ${status} to the snapshot: is COLLECTOR_TOKEN=${TOKEN} set on it?\n`,
  );
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'upload') {
      set({ app: 'graph-app-holds-current-and-next.json' });
      process.stdout.write(
        'The app now holds the current and the next Auth certificate: check exchange\n',
      );
    }
  });
}

void main();
