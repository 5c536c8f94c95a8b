/**
 * `npm run package`: writes build/appPackage.zip (manifest.json with MicrosoftAppId filled in, and the
 * two icons) for upload to Teams. Settings come from the environment (see README "Deploy").
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildManifest, zip } from '../src/app-package';
import { isAppError } from '../src/errors';

const root = join(__dirname, '..');
try {
  const version = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  ).version;
  // BOT_ID: the Microsoft 365 Agents Toolkit's name for the bot's id (m365agents.yml).
  const env = { ...process.env, MicrosoftAppId: process.env.MicrosoftAppId || process.env.BOT_ID };
  const manifest = buildManifest(
    readFileSync(join(root, 'manifest', 'manifest.json'), 'utf8'),
    env,
    version,
  );
  const out = join(root, 'build', 'appPackage.zip');
  mkdirSync(join(root, 'build'), { recursive: true });
  writeFileSync(
    out,
    zip([
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2)) },
      { name: 'color.png', data: readFileSync(join(root, 'manifest', 'color.png')) },
      { name: 'outline.png', data: readFileSync(join(root, 'manifest', 'outline.png')) },
    ]),
  );
  process.stdout.write(
    `wrote ${out} (bot ${String((manifest.bots as { botId: string }[])[0]?.botId)})\n`,
  );
} catch (error) {
  process.stderr.write(`package: ${isAppError(error) ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
