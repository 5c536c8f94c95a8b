import { crc32, deflateRawSync } from 'node:zlib';
import { AppError } from './errors';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST = /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$/i;

export interface PackageSettings {
  MicrosoftAppId?: string;
  TEAMS_APP_ID?: string;
  BOT_DOMAIN?: string;
  APP_DEVELOPER_NAME?: string;
  APP_WEBSITE_URL?: string;
  APP_PRIVACY_URL?: string;
  APP_TERMS_URL?: string;
}

/**
 * Fills the manifest template (manifest/manifest.json, `${{NAME}}` placeholders) from the environment.
 * MicrosoftAppId is required (the bot id; also the app id unless TEAMS_APP_ID is set); BOT_DOMAIN, the
 * public host of the bot, becomes the valid domain and the default for the developer URLs.
 */
export function buildManifest(
  template: string,
  env: PackageSettings,
  version: string,
): Record<string, unknown> {
  const problems: string[] = [];
  if (!env.MicrosoftAppId || !GUID.test(env.MicrosoftAppId))
    problems.push("MicrosoftAppId must be the bot's Microsoft App ID (a GUID)");
  if (env.TEAMS_APP_ID && !GUID.test(env.TEAMS_APP_ID))
    problems.push('TEAMS_APP_ID must be a GUID');
  if (env.BOT_DOMAIN && !HOST.test(env.BOT_DOMAIN))
    problems.push('BOT_DOMAIN must be a host name like fedtrust.contoso.com');
  for (const key of ['APP_WEBSITE_URL', 'APP_PRIVACY_URL', 'APP_TERMS_URL'] as const) {
    const value = env[key];
    if (value && !/^https:\/\/\S+$/.test(value)) problems.push(`${key} must be an https:// URL`);
  }
  if (!env.BOT_DOMAIN && !(env.APP_WEBSITE_URL && env.APP_PRIVACY_URL && env.APP_TERMS_URL)) {
    problems.push(
      "set BOT_DOMAIN (the bot's public host), or APP_WEBSITE_URL, APP_PRIVACY_URL and APP_TERMS_URL",
    );
  }
  if (problems.length > 0)
    throw new AppError('BAD_INPUT', `Cannot build the app package:\n- ${problems.join('\n- ')}`);
  const site = env.BOT_DOMAIN ? `https://${env.BOT_DOMAIN}` : '';
  const values: Record<string, string> = {
    VERSION: version,
    MicrosoftAppId: env.MicrosoftAppId!,
    TEAMS_APP_ID: env.TEAMS_APP_ID ?? env.MicrosoftAppId!,
    APP_DEVELOPER_NAME: env.APP_DEVELOPER_NAME ?? 'fedtrust-bot',
    APP_WEBSITE_URL: env.APP_WEBSITE_URL ?? `${site}/`,
    APP_PRIVACY_URL: env.APP_PRIVACY_URL ?? `${site}/privacy`,
    APP_TERMS_URL: env.APP_TERMS_URL ?? `${site}/terms`,
  };
  const filled = template.replace(/\$\{\{([A-Za-z_]+)\}\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new AppError('BAD_INPUT', `the manifest template uses an unknown placeholder ${name}`);
    return JSON.stringify(value).slice(1, -1);
  });
  const manifest = JSON.parse(filled) as Record<string, unknown>;
  if (env.BOT_DOMAIN) manifest.validDomains = [env.BOT_DOMAIN];
  return manifest;
}

/** A minimal ZIP archive (deflate, no directories): what the Teams app package needs. */
export function zip(files: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const compressed = deflateRawSync(file.data);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0x21, 10); // 1980-01-01 00:00, reproducible
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(0x21, 12);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(compressed.length, 20);
    header.writeUInt32LE(file.data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, compressed);
    central.push(header, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
