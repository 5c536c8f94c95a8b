import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Headless Chromium from Debian's package, with the flags this machine's closed network needs. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Defines the tests that need Chromium when it is installed. CI (CI=true) requires it and fails
 * without it; elsewhere they are skipped with one line saying how to get it, as PostgreSQL's are.
 */
export function withChromium(what: string, define: () => void): void {
  if (existsSync(CHROMIUM)) define();
  else if (process.env.CI === 'true')
    it(`${what} needs Chromium (CI=true)`, () => {
      throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install chromium`);
    });
  else
    it.skip(`Chromium is not at ${CHROMIUM} (apt-get install chromium): ${what} is skipped`, () =>
      undefined);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

const ADAPTIVECARDS = require.resolve('adaptivecards/dist/adaptivecards.min.js');
const RENDER_SCRIPT = join(__dirname, 'browser', 'render-card.js');

export interface RenderResult {
  /** Parse and validation events of the official renderer: must be empty. */
  warnings: string[];
  width: number;
  height: number;
}

/**
 * Renders cards with the official `adaptivecards` JS renderer in a real browser and screenshots them.
 * CodeBlock is a Teams element the JS renderer does not ship; browser/render-card.js registers it as
 * Teams shows it (monospace), so its fallback is not what gets checked.
 */
export class CardRenderer {
  private page?: Page;

  constructor(private readonly browser: Browser) {}

  private async ready(): Promise<Page> {
    if (this.page) return this.page;
    const page = await this.browser.newPage({
      viewport: { width: 760, height: 600 },
      deviceScaleFactor: 1,
    });
    await page.setContent(`<!doctype html><html><head><style>
      body { margin: 0; padding: 16px; background: #f5f5f5; font-family: 'Segoe UI', 'DejaVu Sans', sans-serif; }
      #card { width: 720px; background: #fff; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
      .teams-codeblock { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; background: #f0f0f0; padding: 8px;
        white-space: pre-wrap; word-break: break-all; border-radius: 4px; }
    </style></head><body><div id="card"></div></body></html>`);
    await page.addScriptTag({ path: ADAPTIVECARDS });
    await page.addScriptTag({ path: RENDER_SCRIPT });
    this.page = page;
    return page;
  }

  async render(card: object, pngPath?: string): Promise<RenderResult> {
    const page = await this.ready();
    const result = await page.evaluate(
      (json) => (window as unknown as { renderCard(j: object): RenderResult }).renderCard(json),
      card,
    );
    if (pngPath) {
      mkdirSync(dirname(pngPath), { recursive: true });
      await page.locator('#card').screenshot({ path: pngPath });
    }
    return result;
  }
}

export const TEST_OUTPUT = join(__dirname, '..', '..', 'test-output');
