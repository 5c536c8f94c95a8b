import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Issue #16: no DEP0111 at every start (restify 11 → spdy → http-deceiver), other warnings intact. */
it('loads the server without the two http_parser warnings, and keeps every other warning', () => {
  const script = [
    "require('./src/server');",
    "process.binding('http_parser');",
    "process.emitWarning('something else is deprecated', 'DeprecationWarning', 'DEP0999');",
  ].join('');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(0);
  expect(run.stderr).not.toContain('DEP0111');
  expect(run.stderr).toContain('DEP0999');
}, 60_000);
