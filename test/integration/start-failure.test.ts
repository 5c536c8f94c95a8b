import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Start-up (src/index.ts): a store that does not answer is one clear line and exit 1, not a crash. */
it('exits 1 with one fatal line when the store cannot be reached at start-up', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join('src', 'index.ts')], {
    cwd: join(__dirname, '..', '..'),
    env: {
      ...process.env,
      DATABASE_URL: 'postgres://fedtrust:s3cret@127.0.0.1:1/fedtrust',
      PORT: '39990',
      MicrosoftAppId: '',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  const fatal = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((entry) => entry.level === 60);
  expect(fatal).toHaveLength(1);
  expect(fatal[0]?.msg).toMatch(/could not start: migration failed: connect ECONNREFUSED/);
  expect(result.stdout + result.stderr).not.toContain('s3cret');
}, 40_000);

it('exits 1 with one fatal line when its port is taken, instead of running on without a server', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  try {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join('src', 'index.ts')], {
      cwd: join(__dirname, '..', '..'),
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'fedtrust-port-')), 'fedtrust.db')}`,
        PORT: String(port),
        MicrosoftAppId: '',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.signal).toBeNull(); // it ended by itself, not by the timeout
    expect(result.status).toBe(1);
    const fatal = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]?.msg).toMatch(/could not start: .*EADDRINUSE/);
  } finally {
    taken.close();
  }
}, 40_000);
