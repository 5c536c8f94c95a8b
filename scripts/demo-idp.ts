/**
 * `npm run demo:idp`: serves a real AD FS metadata fixture over HTTPS on https://localhost:8443, with a
 * certificate from the test CA, so a newcomer can try the bot offline:
 *   npm run start:demo        (the bot, trusting the test CA and allowing localhost)
 *   npm run playground        (Microsoft 365 Agents Playground in the browser)
 *   check fedtrust contoso.com metadata https://localhost:8443/FederationMetadata/2007-06/FederationMetadata.xml
 * Optional: DEMO_FIXTURE=adfs/<file>.xml, DEMO_PORT=8443.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpsServer } from '../test/support/tls';

const fixture = process.env.DEMO_FIXTURE ?? 'adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml';
const port = Number(process.env.DEMO_PORT ?? 8443);

async function main(): Promise<void> {
  const xml = readFileSync(join(__dirname, '..', 'test', 'fixtures', fixture), 'utf8');
  const server = await startHttpsServer(
    (req, res) => {
      res.setHeader('content-type', 'application/xml');
      res.end(xml);
      process.stdout.write(`served ${req.url ?? '/'}\n`);
    },
    { hosts: ['localhost', '127.0.0.1'], port },
  );
  process.stdout.write(
    `Demo IdP: https://localhost:${server.port}/FederationMetadata/2007-06/FederationMetadata.xml (${fixture})\n`,
  );
}

void main();
