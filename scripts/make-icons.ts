/**
 * Draws the Teams app icons (manifest/color.png 192×192, manifest/outline.png 32×32 white on
 * transparent) from SVG with Debian's Chromium. Run once after changing the design; the PNGs are committed.
 */
import { launchChromium } from '../test/support/card-renderer';

const SHIELD = 'M96 22 L154 44 V92 C154 128 129 156 96 170 C63 156 38 128 38 92 V44 Z';

// Store guidance: the colour icon fills its 192×192 square (no transparent corners: Teams rounds it), the
// symbol inside the central 120×120 safe area (here scaled by 0.8 around the centre: 37–155 px).
const color = `<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192" viewBox="0 0 192 192">
  <rect width="192" height="192" fill="#4B53BC"/>
  <g transform="translate(96 96) scale(0.8) translate(-96 -96)">
    <path d="${SHIELD}" fill="#FFFFFF"/>
    <path d="M70 96 L89 115 L124 78" fill="none" stroke="#4B53BC" stroke-width="14" stroke-linecap="round" stroke-linejoin="round"/>
  </g>
</svg>`;

const outline = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 192 192">
  <path d="${SHIELD}" fill="none" stroke="#FFFFFF" stroke-width="14" stroke-linejoin="round"/>
  <path d="M70 96 L89 115 L124 78" fill="none" stroke="#FFFFFF" stroke-width="16" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    for (const [name, svg, size] of [
      ['color', color, 192],
      ['outline', outline, 32],
    ] as const) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(
        `<html><body style="margin:0;background:transparent">${svg}</body></html>`,
      );
      await page.screenshot({
        path: `manifest/${name}.png`,
        omitBackground: true,
        clip: { x: 0, y: 0, width: size, height: size },
      });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

void main();
