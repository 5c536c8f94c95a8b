import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { buildManifest, zip } from '../../src/app-package';

const root = join(__dirname, '..', '..');
const template = readFileSync(join(root, 'manifest', 'manifest.json'), 'utf8');
const schema = JSON.parse(
  readFileSync(
    require.resolve('@microsoft/app-manifest/build/json-schemas/teams/v1.24/MicrosoftTeams.schema.json'),
    'utf8',
  ),
) as object;
const APP_ID = '6b1e0c52-0b6c-4f2b-9d1e-1a2b3c4d5e6f';

/** Width, height and RGBA pixels of a non-interlaced 8-bit RGBA PNG. */
function decodePng(file: string): {
  width: number;
  height: number;
  pixel(x: number, y: number): number[];
} {
  const png = readFileSync(file);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  expect(png[24]).toBe(8);
  expect(png[25]).toBe(6);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= 4 ? out[y * stride + i - 4]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const c = i >= 4 && y > 0 ? out[(y - 1) * stride + i - 4]! : 0;
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
    pixel: (x, y) => [...out.subarray(y * stride + x * 4, y * stride + x * 4 + 4)],
  };
}

describe('the Teams app package', () => {
  it('builds a manifest that validates against the official v1.24 schema (shipped by @microsoft/app-manifest)', () => {
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

  it('ships a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    const color = decodePng(join(root, 'manifest', 'color.png'));
    expect([color.width, color.height]).toEqual([192, 192]);
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
