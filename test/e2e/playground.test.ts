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
  it('escalates an unacknowledged critical in its channel thread, mentioning the on-call set with @', async () => {
    await page.locator('[aria-label="My Team - General"]').click();
    await page.getByRole('button', { name: 'Post' }).waitFor({ timeout: 30_000 });
    /** Types a post in the channel; a mention is picked from the @ list, as a person does. */
    const post = async (parts: (string | { mention: string })[]) => {
      const box = page.locator('[role="textbox"]').first();
      await box.click();
      for (const part of parts) {
        if (typeof part === 'string') {
          await box.pressSequentially(part);
          continue;
        }
        await box.pressSequentially(`@${part.mention.split(' ')[0]}`);
        await page
          .locator('[role=listbox]')
          .getByText(part.mention, { exact: true })
          .first()
          .click();
      }
      await page.getByRole('button', { name: 'Post' }).click();
    };
    // Its own URL: an IdP of its own, not the one the personal chat acknowledged above.
    const metadata = `https://localhost:${idp.port}/expired/channel/FederationMetadata.xml`;
    await post([{ mention: 'Test Bot' }, ` watch fabrikam.com metadata ${metadata}`]);
    await page.getByText('Watching fabrikam.com').first().waitFor({ timeout: 30_000 });
    await post([{ mention: 'Test Bot' }, ' set oncall ', { mention: 'Megan Bowen' }]);
    await page
      .getByText('Critical alerts that nobody acknowledged mention Megan Bowen')
      .first()
      .waitFor({ timeout: 30_000 });

    // The sweep posts the critical alert in the channel; once ESCALATE_AFTER_HOURS (0.01 h = 36 s)
    // has passed unacknowledged, a sweep replies in its thread with a real mention of Megan Bowen.
    const sweep = async () => {
      const child = runNode(processes, ['--import', 'tsx', 'src/cli.ts', 'sweep'], {
        ...botEnv(),
        ESCALATE_AFTER_HOURS: '0.01',
      });
      expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    };
    await sweep();
    await page
      .getByText(/CRITICAL · The signing certificate has expired/)
      .first()
      .waitFor({ timeout: 30_000 });
    const escalation = page.getByText(/CRITICAL: CERT_EXPIRED for fabrikam\.com has been open for/);
    for (let tries = 0; tries < 12 && !(await escalation.count()); tries++) {
      await new Promise((r) => setTimeout(r, 10_000));
      await sweep();
    }
    await escalation.first().waitFor({ timeout: 30_000 });
    // The Playground shows a mention (an entity, not typed text) as a highlighted name.
    const reply = escalation.first().locator('xpath=..');
    await expect(reply.getByText('Megan Bowen', { exact: true }).count()).resolves.toBeGreaterThan(
      0,
    );
    await page.screenshot({ path: join(TEST_OUTPUT, 'e2e', 'playground-escalation.png') });
  }, 240_000);
});
