import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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
  /** What a person would see wrong (only with `inspect`): contrast, clipping, squeezing, cut buttons. */
  problems: string[];
  width: number;
  height: number;
  /** The rendered text, as a person would copy it. */
  text: string;
}

export type Theme = 'light' | 'dark' | 'high-contrast';

export interface RenderOptions {
  /** The card's width: 320 (phone), 540 (desktop chat), 720 (the README pictures). */
  width?: number;
  theme?: Theme;
  /** Render as a client without Teams' CodeBlock does: its fallback shows. */
  withoutCodeBlock?: boolean;
  /** Look for what a person would see wrong (DESIGN §9). */
  inspect?: boolean;
}

type HostConfigJson = {
  containerStyles: Record<
    string,
    {
      backgroundColor?: string;
      foregroundColors: Record<string, { default: string; subtle: string }>;
    }
  >;
};

function readHostConfig(theme: 'light' | 'dark'): HostConfigJson {
  return JSON.parse(
    readFileSync(join(__dirname, 'hostconfigs', `microsoft-teams-${theme}.json`), 'utf8'),
  ) as HostConfigJson;
}

/**
 * Teams' own host configs for light and dark; high contrast as DESIGN §9 defines it: the dark config
 * with no container background colours (every style looks like the default), on a black page.
 */
export const HOST_CONFIGS: Record<Theme, HostConfigJson> = {
  light: readHostConfig('light'),
  dark: readHostConfig('dark'),
  'high-contrast': (() => {
    const config = readHostConfig('dark');
    for (const style of Object.values(config.containerStyles)) {
      style.backgroundColor = '#00000000';
      style.foregroundColors.default = { default: '#ffffff', subtle: '#ffffff' };
    }
    return config;
  })(),
};

const PAGE: Record<Theme, string> = {
  light: '#f5f5f5',
  dark: '#1f1f1f',
  'high-contrast': '#000000',
};

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
      #card { width: 720px; background: transparent; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
      .teams-codeblock { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; background: #f0f0f0; padding: 8px;
        white-space: pre-wrap; word-break: break-all; border-radius: 4px; color: #252424; }
      /* Teams' own text colour per theme, for what the renderer leaves to CSS (FactSet text). */
      body[data-theme=dark] #card, body[data-theme=high-contrast] #card { color: #ffffff; }
      body[data-theme=dark] .teams-codeblock { background: #1f1f1f; color: #ffffff; }
      body[data-theme=high-contrast] .teams-codeblock { background: #000000; color: #ffffff; border: 1px solid #ffffff; }
    </style></head><body><div id="card"></div></body></html>`);
    await page.addScriptTag({ path: ADAPTIVECARDS });
    await page.addScriptTag({ path: RENDER_SCRIPT });
    this.page = page;
    return page;
  }

  async render(card: object, pngPath?: string, options: RenderOptions = {}): Promise<RenderResult> {
    const page = await this.ready();
    const theme = options.theme ?? 'light';
    const result = await page.evaluate(
      ([json, o]) =>
        (window as unknown as { renderCard(j: object, o: object): RenderResult }).renderCard(
          json,
          o,
        ),
      [
        card,
        {
          ...options,
          theme,
          hostConfig: options.theme ? HOST_CONFIGS[theme] : undefined,
          pageBackground: options.theme ? PAGE[theme] : undefined,
        },
      ] as const,
    );
    if (pngPath) {
      mkdirSync(dirname(pngPath), { recursive: true });
      await page.locator('#card').screenshot({ path: pngPath });
    }
    return result;
  }
}

export const TEST_OUTPUT = join(__dirname, '..', '..', 'test-output');
