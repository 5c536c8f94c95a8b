import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Issue #14: `fedtrust check … --metadata-file` loads only what a check needs. Run in a real process
 * (from source, as tsx loads it), listing every package the check loaded.
 */
it('checks a metadata file without loading the fetcher, Graph, the store or the Bot Framework', () => {
  const file = 'test/fixtures/adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml';
  const script = [
    "const { main } = require('./src/cli');",
    `main(['check', 'contoso.com', '--metadata-file', '${file}', '--json', '--now', '2026-12-01'], { out: () => {}, err: (t) => console.error(t) })`,
    '.then((code) => {',
    '  const packages = new Set(Object.keys(require.cache).map((k) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(k)?.[1]).filter(Boolean));',
    '  console.log(JSON.stringify({ code, packages: [...packages].sort() }));',
    '});',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: join(__dirname, '..', '..', '..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.stderr).toBe('');
  const { code, packages } = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    code: number;
    packages: string[];
  };
  expect(code).toBeLessThanOrEqual(2); // a verdict, whatever it is
  for (const heavy of [
    'undici',
    '@azure/identity',
    '@microsoft/microsoft-graph-client',
    'botbuilder',
    'kysely',
    'better-sqlite3',
    'pg',
    'adaptivecards-templating',
    '@peculiar/x509',
  ])
    expect(packages).not.toContain(heavy);
  expect(packages).toEqual(expect.arrayContaining(['fast-xml-parser', 'xml-crypto']));
}, 60_000);
