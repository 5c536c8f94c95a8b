import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, TEST_OUTPUT, withChromium } from '../support/card-renderer';
import { Processes } from '../support/processes';
import { openPlayground, runNode, startBotAndPlayground } from '../support/playground';
import { readFixture } from '../support/fixtures';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

/**
 * The way a person uses it: the bot process, Microsoft 365 Agents Playground (offline), and the
 * Playground UI in headless Chromium — type `check fedtrust …`, see the card, press Re-check.
 */
requireTestCa();
jest.setTimeout(120_000);

const processes = new Processes();
let idp: TestServer;
let browser: Browser;
let page: Page;
let playgroundUrl: string;
let databaseUrl: string;

function botEnv(): Record<string, string> {
  return {
    OUTBOUND_ALLOW_PRIVATE: 'localhost',
    LOG_LEVEL: 'warn',
    MicrosoftAppId: '',
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
  };
}

withChromium('the Playground end-to-end test', () => {
  beforeAll(async () => {
    const xml = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
    // A real AD FS document whose token-signing certificate expired on 2026-02-22.
    const expired = readFixture('adfs/mlaitechio__Call_Process__login.adityabirlacapital.com.xml');
    idp = await startHttpsServer(
      (req, res) => {
        res.end(req.url?.startsWith('/expired/') ? expired : xml);
      },
      { hosts: ['localhost'] },
    );
    databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'fedtrust-e2e-')), 'fedtrust.db')}`;
    playgroundUrl = (await startBotAndPlayground(processes, botEnv())).playground;
    browser = await launchChromium();
    page = await openPlayground(browser, playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
    processes.killAll('SIGTERM');
    await idp?.close();
  });

  it('lets a person check a domain in the Playground and press Re-check', async () => {
    await page.goto(playgroundUrl);
    await page
      .getByText('fedtrust — keeps federation trusts from breaking')
      .first()
      .waitFor({ timeout: 30_000 });
    const metadata = `https://localhost:${idp.port}/FederationMetadata/2007-06/FederationMetadata.xml`;
    const box = page.locator('[role="textbox"]').first();
    await box.click();
    await box.fill(`check fedtrust contoso.com metadata ${metadata}`);
    await box.press('Enter');
    const title = page.getByText('contoso.com — OK');
    await title.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(TEST_OUTPUT, 'e2e', 'playground-check.png') });

    await page.getByRole('button', { name: 'Re-check' }).last().click();
    // The Playground logs each activity it sends; the Action.Execute invoke must come back 200.
    await page
      .getByText(/invoke 200/)
      .first()
      .waitFor({ timeout: 30_000 });
    await expect(title.first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(TEST_OUTPUT, 'e2e', 'playground-recheck.png') });
  });

  it('lets a person watch a domain, run fedtrust sweep, see the alert card and acknowledge it', async () => {
    const metadata = `https://localhost:${idp.port}/expired/FederationMetadata.xml`;
    const box = page.locator('[role="textbox"]').first();
    await box.click();
    await box.fill(`watch contoso.com metadata ${metadata}`);
    await box.press('Enter');
    await page.getByText('Watching contoso.com').first().waitFor({ timeout: 30_000 });

    const sweep = runNode(processes, ['--import', 'tsx', 'src/cli.ts', 'sweep'], botEnv());
    expect(await new Promise((resolve) => sweep.on('exit', resolve))).toBe(0);
    const alert = page.getByText('CRITICAL · The signing certificate has expired');
    await alert.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(TEST_OUTPUT, 'e2e', 'playground-alert.png') });

    await page.getByRole('button', { name: 'Acknowledge' }).last().click();
    await page
      .getByText(/Acknowledged by/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(TEST_OUTPUT, 'e2e', 'playground-acknowledged.png') });
  });
});
