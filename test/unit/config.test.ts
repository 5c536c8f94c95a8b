import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, readEnvironment, settingsSchema } from '../../src/config';
import { isAppError } from '../../src/errors';

/** Reads .env.example the way dotenv would: KEY=value lines, comments skipped. */
function envExample(): Record<string, string> {
  const text = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

function problemsOf(env: Record<string, string>, server = false): string {
  try {
    loadSettings(env, { server });
  } catch (error) {
    if (isAppError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  return '';
}

describe('settings', () => {
  it('.env.example documents every key of the schema and parses through it', () => {
    const example = envExample();
    expect(Object.keys(example).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    const s = loadSettings(example);
    expect(s).toMatchObject({
      PORT: 3978,
      DATABASE_URL: 'sqlite:./data/fedtrust.db',
      ALERT_LEAD_DAYS: 7,
      ESCALATE_AFTER_HOURS: 4,
      localMode: true,
    });
    expect(s.graph).toBeUndefined();
  });

  it('applies the defaults of DESIGN §3 to an empty environment', () => {
    expect(loadSettings({})).toMatchObject({
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
      LOGIN_BASE_URL: 'https://login.microsoftonline.com',
      MFG_METADATA_URL:
        'https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml',
      SWEEP_CRON: '0 * * * *',
      ALLOWED_TENANT_IDS: [],
      OUTBOUND_ALLOW_PRIVATE: [],
    });
  });

  it('reports every problem at once, in one message', () => {
    const message = problemsOf({
      PORT: '99999',
      ALERT_LEAD_DAYS: 'seven',
      GRAPH_BASE_URL: 'http://graph.example/v1.0',
      GRAPH_CLIENT_ID: 'not-a-guid',
      SWEEP_CRON: 'hourly',
      DATABASE_URL: 'mysql://x',
    });
    for (const key of [
      'PORT',
      'ALERT_LEAD_DAYS',
      'GRAPH_BASE_URL',
      'GRAPH_CLIENT_ID',
      'SWEEP_CRON',
      'DATABASE_URL',
    ]) {
      expect(message).toContain(key);
    }
  });

  it('needs the Graph settings together', () => {
    expect(problemsOf({ GRAPH_CLIENT_SECRET: 's' })).toMatch(/GRAPH_TENANT_ID/);
    const s = loadSettings({
      GRAPH_TENANT_ID: '11111111-2222-3333-4444-555555555555',
      GRAPH_CLIENT_ID: '66666666-7777-8888-9999-000000000000',
      GRAPH_CLIENT_SECRET: 's',
    });
    expect(s.graph).toMatchObject({ clientSecret: 's' });
  });

  it('refuses local mode for the server in production, not for the CLI', () => {
    expect(problemsOf({ NODE_ENV: 'production' }, true)).toMatch(/MicrosoftAppId/);
    expect(problemsOf({ NODE_ENV: 'production' }, false)).toBe('');
  });

  it('strips a trailing slash, lower-cases host lists and freezes the result', () => {
    const s = loadSettings({
      GRAPH_BASE_URL: 'https://graph.microsoft.us/',
      OUTBOUND_ALLOW_PRIVATE: 'ADFS.corp.local, sts.corp.local',
    });
    expect(s.GRAPH_BASE_URL).toBe('https://graph.microsoft.us');
    expect(s.OUTBOUND_ALLOW_PRIVATE).toEqual(['adfs.corp.local', 'sts.corp.local']);
    expect(Object.isFrozen(s)).toBe(true);
  });
});

describe('.env', () => {
  it('reads .env of the working directory into the environment; a variable already set wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtrust-env-'));
    writeFileSync(join(dir, '.env'), 'FEDTRUST_TEST_FROM_FILE=file\nFEDTRUST_TEST_BOTH=file\n');
    process.env.FEDTRUST_TEST_BOTH = 'environment';
    try {
      const env = readEnvironment(dir);
      expect(env.FEDTRUST_TEST_FROM_FILE).toBe('file');
      expect(env.FEDTRUST_TEST_BOTH).toBe('environment');
    } finally {
      delete process.env.FEDTRUST_TEST_FROM_FILE;
      delete process.env.FEDTRUST_TEST_BOTH;
    }
  });

  it('reads nothing when there is no .env', () => {
    expect(readEnvironment(mkdtempSync(join(tmpdir(), 'fedtrust-env-')))).toBe(process.env);
  });
});
