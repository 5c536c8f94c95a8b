import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, TEST_OUTPUT, withChromium } from '../support/card-renderer';
import type { EntraStandIn } from '../support/entra-stand-in';
import { hybridScenario, postCollectorBody, startHybridEntra } from '../support/exchange-hybrid';
import { openPlayground, startBotAndPlayground } from '../support/playground';
import { Processes } from '../support/processes';
import { requireTestCa } from '../support/tls';

/**
 * `npm run demo:exchange` as a person uses it: the bot on the real clock with Graph and login
 * stand-ins holding the dedicated hybrid app, the collector's snapshot of a next Auth certificate
 * staged 3 days ago and not uploaded, and `check exchange` typed into the Playground — a warning,
 * as the design's timings say; after the upload, the rollover is on track.
 */
requireTestCa();
jest.setTimeout(120_000);

const TOKEN = 'e2e-collector-token';
const processes = new Processes();
let entra: EntraStandIn | undefined;
let browser: Browser;
let page: Page;

withChromium('check exchange in the Playground', () => {
  let setGraph: (next: { app?: string }) => void;

  beforeAll(async () => {
    const read = await hybridScenario(new Date());
    const hybrid = await startHybridEntra(read);
    entra = hybrid.standIn;
    setGraph = hybrid.set;
    const { bot, playground } = await startBotAndPlayground(processes, {
      ...hybrid.env,
      COLLECTOR_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      MicrosoftAppId: '',
      NODE_ENV: 'development',
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'fedtrust-e2e-hybrid-')), 'fedtrust.db')}`,
    });
    expect(await postCollectorBody(bot, TOKEN, read('collector-auth-next-staged.ps7.json'))).toBe(
      200,
    );
    browser = await launchChromium();
    page = await openPlayground(browser, playground, 1400);
  });

  afterAll(async () => {
    await browser?.close();
    processes.killAll('SIGTERM');
    await entra?.close();
  });

  async function say(text: string): Promise<void> {
    const box = page.locator('[role="textbox"]').first();
    await box.click();
    await box.fill(text);
    await box.press('Enter');
  }

  it('shows the hybrid app card with the next Auth certificate not uploaded: a warning', async () => {
    await say('check exchange');
    await page
      .getByText('Exchange hybrid app of contoso — WARNING')
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .getByText(/Upload the next Auth certificate/)
      .first()
      .waitFor();
    await page.screenshot({ path: join(TEST_OUTPUT, 'e2e', 'playground-exchange-hybrid.png') });
  });

  it('after the upload, Re-check says the rollover is on track', async () => {
    setGraph({ app: 'graph-app-holds-current-and-next.json' });
    await page.getByRole('button', { name: 'Re-check' }).last().click();
    await page
      .getByText('Exchange hybrid app of contoso — OK')
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .getByText(/Auth certificate rollover on track/)
      .first()
      .waitFor();
    await page.screenshot({ path: join(TEST_OUTPUT, 'e2e', 'playground-exchange-hybrid-ok.png') });
  });
});
