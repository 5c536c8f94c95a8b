import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { buildManifest, zip } from '../../src/app-package';

const root = join(__dirname, '..', '..');
const template = readFileSync(join(root, 'manifest', 'manifest.json'), 'utf8');
const schema = JSON.parse(
  readFileSync(
    require.resolve('@microsoft/app-manifest/build/json-schemas/teams/v1.30/MicrosoftTeams.schema.json'),
    'utf8',
  ),
) as object;
const APP_ID = '6b1e0c52-0b6c-4f2b-9d1e-1a2b3c4d5e6f';

/** Width, height and RGBA pixels of a non-interlaced 8-bit RGB or RGBA PNG (RGB reads as opaque). */
function decodePng(file: string): {
  width: number;
  height: number;
  pixel(x: number, y: number): number[];
} {
  const png = readFileSync(file);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  expect(png[24]).toBe(8);
  expect([2, 6]).toContain(png[25]);
  const bpp = png[25] === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= bpp ? out[y * stride + i - bpp]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const c = i >= bpp && y > 0 ? out[(y - 1) * stride + i - bpp]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      out[y * stride + i] = (x + predictor) & 255;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => {
      const px = [...out.subarray(y * stride + x * bpp, y * stride + x * bpp + bpp)];
      return bpp === 4 ? px : [...px, 255];
    },
  };
}

describe('the Teams app package', () => {
  it('builds a manifest that validates against the official v1.30 schema (the newest @microsoft/app-manifest ships) (shipped by @microsoft/app-manifest)', () => {
    const manifest = buildManifest(
      template,
      { MicrosoftAppId: APP_ID, BOT_DOMAIN: 'fedtrust.contoso.com' },
      '1.2.3',
    );
    const ajv = new Ajv({ allErrors: true, strictTypes: false, strict: false });
    addFormats(ajv, ['uri', 'email', 'regex']);
    const validate = ajv.compile(schema);
    expect(validate(manifest) ? [] : validate.errors).toEqual([]);
    expect(manifest).toMatchObject({
      id: APP_ID,
      version: '1.2.3',
      validDomains: ['fedtrust.contoso.com'],
      bots: [{ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'] }],
    });
  });

  it('refuses to build without the bot id and a domain, naming every problem', () => {
    expect(() =>
      buildManifest(template, { MicrosoftAppId: 'x', APP_WEBSITE_URL: 'http://insecure' }, '1.0.0'),
    ).toThrow(/MicrosoftAppId[\s\S]*APP_WEBSITE_URL[\s\S]*BOT_DOMAIN/);
  });

  it('uses the newest manifest schema @microsoft/app-manifest ships, with a command list per scope', () => {
    const versions = readdirSync(
      join(
        dirname(require.resolve('@microsoft/app-manifest/package.json')),
        'build',
        'json-schemas',
        'teams',
      ),
    )
      .filter((v) => /^v\d+\.\d+$/.test(v))
      .map((v) => v.slice(1))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    const manifest = buildManifest(
      template,
      { MicrosoftAppId: APP_ID, BOT_DOMAIN: 'fedtrust.contoso.com' },
      '1.0.0',
    ) as {
      manifestVersion: string;
      bots: { commandLists: { scopes: string[]; commands: { title: string }[] }[] }[];
    };
    expect(manifest.manifestVersion).toBe(versions.at(-1));
    const lists = manifest.bots[0]!.commandLists;
    expect(lists.map((l) => l.scopes)).toEqual([['personal'], ['team'], ['groupChat']]);
    const titles = (scope: string) =>
      lists.find((l) => l.scopes[0] === scope)!.commands.map((c) => c.title);
    for (const scope of ['personal', 'team', 'groupChat']) {
      expect(titles(scope).length).toBeLessThanOrEqual(10);
      for (const command of [
        'check fedtrust',
        'check fedtrust all',
        'watch',
        'watchlist',
        'alerts',
        'check exchange',
        'help',
      ])
        expect(titles(scope)).toContain(command);
    }
    expect(titles('team')).toContain('set oncall');
    expect(titles('personal')).not.toContain('set oncall');
  });

  it('ships a 192×192 colour icon that fills its square with the symbol inside the 120×120 safe area', () => {
    const color = decodePng(join(root, 'manifest', 'color.png'));
    expect([color.width, color.height]).toEqual([192, 192]);
    const background = color.pixel(0, 0);
    let [left, top, right, bottom] = [192, 192, -1, -1];
    for (let y = 0; y < 192; y++)
      for (let x = 0; x < 192; x++) {
        const p = color.pixel(x, y);
        expect(p[3]).toBe(255);
        if (
          Math.abs(p[0]! - background[0]!) +
            Math.abs(p[1]! - background[1]!) +
            Math.abs(p[2]! - background[2]!) >
          60
        ) {
          [left, top] = [Math.min(left, x), Math.min(top, y)];
          [right, bottom] = [Math.max(right, x), Math.max(bottom, y)];
        }
      }
    expect([left, top]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(left).toBeGreaterThanOrEqual(36);
    expect(top).toBeGreaterThanOrEqual(36);
    expect(right).toBeLessThan(156);
    expect(bottom).toBeLessThan(156);
    expect(right - left).toBeGreaterThan(60);
  });

  it('ships a 32×32 white-on-transparent outline icon', () => {
    const outline = decodePng(join(root, 'manifest', 'outline.png'));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let opaque = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = outline.pixel(x, y) as [number, number, number, number];
        if (a > 0) {
          opaque++;
          expect(Math.min(r, g, b)).toBeGreaterThan(200);
        }
      }
    }
    expect(outline.pixel(0, 0)[3]).toBe(0);
    expect(opaque).toBeGreaterThan(50);
  });

  it('zips files so that they come back byte for byte', () => {
    const files = [
      { name: 'manifest.json', data: Buffer.from('{"a":1}') },
      { name: 'color.png', data: readFileSync(join(root, 'manifest', 'color.png')) },
    ];
    const archive = zip(files);
    let at = 0;
    for (const file of files) {
      expect(archive.readUInt32LE(at)).toBe(0x04034b50);
      const size = archive.readUInt32LE(at + 18);
      const nameLength = archive.readUInt16LE(at + 26);
      expect(archive.toString('utf8', at + 30, at + 30 + nameLength)).toBe(file.name);
      const data = inflateRawSync(
        archive.subarray(at + 30 + nameLength, at + 30 + nameLength + size),
      );
      expect(data.equals(file.data)).toBe(true);
      at += 30 + nameLength + size;
    }
    expect(archive.readUInt32LE(archive.length - 22)).toBe(0x06054b50);
  });
});
