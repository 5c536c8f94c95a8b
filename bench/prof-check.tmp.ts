import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FakeConnector } from '../test/support/fake-connector';
import { readFixture } from '../test/support/fixtures';
import { teamsMessage } from '../test/support/teams-activities';
import { startHttpsServer } from '../test/support/tls';
import { ROOT } from './processes';
import { spawn } from 'node:child_process';
const DOCUMENT = readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
void (async () => {
  const etag = `"${createHash('sha1').update(DOCUMENT).digest('hex')}"`;
  const idp = await startHttpsServer(
    (req, res) => {
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { etag }).end(DOCUMENT);
    },
    { hosts: ['localhost'] },
  );
  const connector = await new FakeConnector().start();
  const forget = setInterval(() => void (connector.calls.length = 0), 200);
  const child = spawn(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-dir=/tmp/botprof', 'dist/index.js'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '39781',
        NODE_ENV: 'development',
        NODE_EXTRA_CA_CERTS: join(ROOT, 'test/support/tls/ca.pem'),
        MicrosoftAppId: '',
        LOG_LEVEL: 'warn',
        DATABASE_URL: 'sqlite::memory:',
        OUTBOUND_ALLOW_PRIVATE: 'localhost',
        SWEEP_CRON: '0 0 1 1 *',
      },
      stdio: 'inherit',
    },
  );
  await new Promise((r) => setTimeout(r, 3000));
  const text = `check fedtrust contoso.com metadata https://localhost:${idp.port}/FederationMetadata/2007-06/FederationMetadata.xml`;
  const until = performance.now() + 8000;
  let n = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (performance.now() < until) {
        const r = await fetch('http://127.0.0.1:39781/api/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(teamsMessage(connector.url, text)),
        });
        await r.arrayBuffer();
        n++;
      }
    }),
  );
  console.log('turns', n);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  clearInterval(forget);
  await connector.close();
  await idp.close();
})();
