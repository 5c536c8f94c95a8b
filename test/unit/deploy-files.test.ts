import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadSettings, settingsSchema } from '../../src/config';
import { parseDatabaseUrl } from '../../src/store/open-store';

/**
 * The deployment files (issue #16) checked as far as they can be without Azure: provisioning, the
 * Oryx build and the image build never run here (the README says so). What can drift is checked:
 * every toolkit variable has a source, every app setting is one the bot reads and together they make
 * a valid production configuration, and the Dockerfile runs what CI's production install runs.
 */
const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Toolkit actions these files use (Microsoft 365 Agents Toolkit v1.9 yaml). */
const TOOLKIT_ACTIONS = new Set([
  'teamsApp/create',
  'arm/deploy',
  'script',
  'teamsApp/validateAppPackage',
  'teamsApp/update',
  'teamsApp/publishAppPackage',
  'azureAppService/zipDeploy',
  'cli/runNpmCommand',
  'file/createOrUpdateEnvironmentFile',
]);

type Step = { uses: string; with?: Record<string, unknown>; writeToEnvironmentFile?: object };

function steps(file: string): Step[] {
  const doc = parse(read(file)) as Record<string, unknown>;
  expect(doc.version).toBe('v1.9');
  expect(doc.environmentFolderPath).toBe('./env');
  return ['provision', 'deploy', 'publish'].flatMap((stage) => (doc[stage] as Step[]) ?? []);
}

/** Names declared in an env file (KEY=value lines). */
function declared(file: string): Set<string> {
  return new Set(
    read(file)
      .split('\n')
      .map((l) => /^([A-Z0-9_]+)=/.exec(l)?.[1])
      .filter((k): k is string => k !== undefined),
  );
}

const bicep = read('infra/azure.bicep');
const outputs = new Set([...bicep.matchAll(/^output (\w+) /gm)].map((m) => m[1]!));
/** `{ name: 'X', value: … }` entries of the web app's appSettings. */
const appSettings = new Map(
  [...bicep.matchAll(/\{ name: '(\w+)', value: ([^}]+) \}/g)].map((m) => [m[1]!, m[2]!.trim()]),
);

describe('m365agents.yml (atk provision / deploy / publish)', () => {
  const all = steps('m365agents.yml');

  it('uses toolkit actions only, and the files it names exist', () => {
    expect(all.map((s) => s.uses).filter((u) => !TOOLKIT_ACTIONS.has(u))).toEqual([]);
    const deploy = all.find((s) => s.uses === 'arm/deploy')!.with!.templates as {
      path: string;
      parameters: string;
    }[];
    for (const t of deploy) {
      expect(existsSync(join(root, t.path))).toBe(true);
      expect(existsSync(join(root, t.parameters))).toBe(true);
    }
    const zip = all.find((s) => s.uses === 'azureAppService/zipDeploy')!.with!;
    expect(existsSync(join(root, String(zip.ignoreFile)))).toBe(true);
    // The package the Teams steps upload is the one `npm run package` writes.
    for (const s of all.filter((x) => x.with?.appPackagePath))
      expect(s.with!.appPackagePath).toBe('./build/appPackage.zip');
    expect(read('scripts/package-app.ts')).toContain("join(root, 'build', 'appPackage.zip')");
  });

  it('has a source for every variable it and the parameters use: env/.env.dev, an action, or the template', () => {
    const written = new Set(
      all.flatMap((s) => Object.values(s.writeToEnvironmentFile ?? {}) as string[]),
    );
    const known = new Set([...declared('env/.env.dev'), ...written, ...outputs]);
    const used = [read('m365agents.yml'), read('infra/azure.parameters.json')].flatMap((text) =>
      [...text.matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]!),
    );
    expect(used.filter((v) => !known.has(v))).toEqual([]);
    // What `npm run package` reads: the template writes the bot id and host name.
    for (const name of ['BOT_ID', 'BOT_DOMAIN', 'WEB_APP_RESOURCE_ID'])
      expect(outputs.has(name)).toBe(true);
  });

  it('m365agents.local.yml runs the bot in local mode on the embedded store', () => {
    const local = steps('m365agents.local.yml');
    expect(local.map((s) => s.uses).filter((u) => !TOOLKIT_ACTIONS.has(u))).toEqual([]);
    const env = local.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile')!.with!;
    expect(env.target).toBe('./.env'); // the file the bot reads (src/config.ts readEnvironment)
    const values = env.envs as Record<string, string>;
    expect(Object.keys(values).filter((k) => !(k in settingsSchema.shape))).toEqual([]);
    expect(parseDatabaseUrl(values.DATABASE_URL!).kind).toBe('sqlite');
    expect(declared('env/.env.local').has('BOT_PORT')).toBe(true);
  });
});

describe('infra/azure.bicep', () => {
  /** Platform settings App Service reads; every other app setting is one of the bot's. */
  const PLATFORM = new Set([
    'SCM_DO_BUILD_DURING_DEPLOYMENT',
    'NPM_CONFIG_INCLUDE',
    'WEBSITES_ENABLE_APP_SERVICE_STORAGE',
    'WEBSITES_PORT',
  ]);

  it('sets only settings the bot reads, and they make a valid production configuration with no secret', () => {
    const ours = [...appSettings.keys()].filter((k) => !PLATFORM.has(k));
    expect(ours.filter((k) => !(k in settingsSchema.shape))).toEqual([]);
    const identity = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    const tenant = '11111111-2222-3333-4444-555555555555';
    const literal = (v: string) => /^'(.*)'$/.exec(v)?.[1];
    const env: Record<string, string> = {};
    for (const key of ours) {
      const value = appSettings.get(key)!;
      env[key] =
        literal(value) ??
        {
          'identity.properties.clientId': identity,
          'identity.properties.tenantId': tenant,
          databaseUrl: 'sqlite:/home/data/fedtrust.db?journal=delete',
          sweepCron: '0 * * * *',
          allowedTenantIds: '',
          collectorToken: '',
        }[value] ??
        `unmapped: ${value}`;
    }
    const settings = loadSettings(env, { server: true });
    expect(settings).toMatchObject({
      NODE_ENV: 'production',
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppId: identity,
      localMode: false,
      graph: { managedIdentity: true, clientId: identity },
    });
    expect(settings.MicrosoftAppPassword).toBeUndefined();
    expect(settings.GRAPH_CLIENT_SECRET).toBeUndefined();
  });

  it('keeps SQLite off WAL on the /home share, uses /readyz as the health check, and a managed identity for the Azure Bot', () => {
    const sqlite = /: '(sqlite:[^']+)'/.exec(bicep)![1]!;
    expect(parseDatabaseUrl(sqlite)).toMatchObject({
      path: '/home/data/fedtrust.db',
      journal: 'delete',
    });
    expect(bicep).toContain("healthCheckPath: '/readyz'");
    expect(bicep).toContain("linuxFxVersion: 'NODE|20-lts'");
    expect(bicep).toContain("msaAppType: 'UserAssignedMSI'");
    expect(bicep).toContain("channelName: 'MsTeamsChannel'");
    expect(bicep).toContain("endpoint: 'https://${web.properties.defaultHostName}/api/messages'");
  });
});

describe('Dockerfile', () => {
  const docker = read('Dockerfile');
  const runtime = docker.slice(docker.lastIndexOf('\nFROM '));

  it('runs production dependencies only, as a non-root user, with a /readyz health check', () => {
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/readyz/);
    expect(runtime).toMatch(/CMD \["node", "dist\/index.js"\]/);
    expect(docker).toMatch(/^FROM node:20-/m);
  });

  it('ships the same runtime files as the production install CI checks', () => {
    // Each COPY's sources (every word but the flags and the destination), as paths in the repository.
    const copied = runtime
      .split('\n')
      .filter((l) => l.startsWith('COPY '))
      .flatMap((l) =>
        l
          .split(/\s+/)
          .slice(1, -1)
          .filter((w) => !w.startsWith('--')),
      )
      .map((p) => p.replace(/^\/app\//, ''));
    const script = read('scripts/check-production-install.sh');
    for (const file of [
      'package.json',
      'package-lock.json',
      'scripts/prepare.cjs',
      'dist',
      'cards',
      'bin',
    ]) {
      expect(copied).toContain(file);
      expect(script).toContain(file.replace('scripts/', ''));
    }
  });
});

describe('.vscode', () => {
  it('launches files that exist and tasks that are npm scripts', () => {
    const launch = JSON.parse(read('.vscode/launch.json')) as {
      configurations: { program: string; preLaunchTask?: string }[];
    };
    const tasks = JSON.parse(read('.vscode/tasks.json')) as {
      tasks: { label: string; command: string }[];
    };
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    for (const c of launch.configurations) {
      expect(existsSync(c.program.replace('${workspaceFolder}', root))).toBe(true);
      if (c.preLaunchTask) expect(tasks.tasks.map((t) => t.label)).toContain(c.preLaunchTask);
    }
    for (const t of tasks.tasks) {
      const npm = /^npm (?:run )?(\S+)$/.exec(t.command)![1]!;
      expect(npm === 'test' || npm in scripts).toBe(true);
    }
  });
});
