import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Secrets never reach the log (DESIGN §10, STYLE "redaction at the source"): the real logger, on stdout. */
it('redacts passwords, client secrets, tokens and Authorization headers wherever they are logged', () => {
  const script = `
    const { createLogger } = require('./src/logger');
    const log = createLogger('info');
    log.info({ settings: { MicrosoftAppPassword: 'app-pass-1', GRAPH_CLIENT_SECRET: 'graph-secret-2', COLLECTOR_TOKEN: 'collector-3', METRICS_TOKEN: 'metrics-4' } }, 'settings');
    log.info({ req: { headers: { authorization: 'Bearer token-5' } }, res: { headers: { authorization: 'Bearer token-6' } } }, 'request');
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(2);
  for (const secret of [
    'app-pass-1',
    'graph-secret-2',
    'collector-3',
    'metrics-4',
    'token-5',
    'token-6',
  ])
    expect(run.stdout).not.toContain(secret);
  expect(run.stdout.match(/\[redacted\]/g)).toHaveLength(6);
}, 60_000);
