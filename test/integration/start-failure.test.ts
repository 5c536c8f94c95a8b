import { spawnSync } from 'node:child_process';
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
