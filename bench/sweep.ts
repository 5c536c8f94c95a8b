/**
 * Sweeps at size (issue #14): N watched domains (each with its own metadata URL) over 100 local HTTPS
 * IdPs, one per port, each serving one of 100 distinct documents made from the real fixtures, with
 * ETag and 304 support. Each size runs on SQLite and on PostgreSQL, the product's sweep twice (the
 * second finds every document unchanged) and, in the same minutes, the floor twice (bench/sweep-child.cjs, on dist/).
 * Counted at the IdPs: requests, conditional requests, 304 answers and TLS handshakes.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store';
import { personalChat } from '../test/support/fake-connector';
import { dropSchemas, testSchema, TEST_DATABASE_URL } from '../test/support/postgres';
import { issueServerCert } from '../test/support/tls';

const ROOT = join(__dirname, '..');
const HOSTS = 100;
const CONVERSATIONS = 100;

export interface SweepRun {
  ms: number;
  cpuMs: number;
  peakRssMb: number;
  requests: number;
  conditional: number;
  notModified: number;
  handshakes: number;
}

export interface SweepFigures {
  store: 'sqlite' | 'postgres';
  domains: number;
  first: SweepRun;
  second: SweepRun;
  floorFirst: SweepRun;
  floorSecond: SweepRun;
}

/** 100 distinct documents: the real fixtures, each copy told apart by a comment after the root. */
function documents(): string[] {
  const dir = join(ROOT, 'test/fixtures');
  const files = ['adfs', 'other-idp']
    .flatMap((d) => readdirSync(join(dir, d)).map((f) => join(dir, d, f)))
    .filter((f) => f.endsWith('.xml'))
    .sort();
  return Array.from(
    { length: HOSTS },
    (_, i) => `${readFileSync(files[i % files.length]!, 'utf8')}\n<!-- bench copy ${i} -->\n`,
  );
}

interface Idps {
  ports: number[];
  counts: Omit<SweepRun, 'ms' | 'cpuMs' | 'peakRssMb'>;
  close(): Promise<void>;
}

async function startIdps(): Promise<Idps> {
  const tls = await issueServerCert(['localhost']);
  const docs = documents();
  const counts = { requests: 0, conditional: 0, notModified: 0, handshakes: 0 };
  const servers: Server[] = [];
  for (let i = 0; i < HOSTS; i++) {
    const body = docs[i]!;
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    const server = createServer(tls, (req, res) => {
      counts.requests++;
      if (req.headers['if-none-match'] || req.headers['if-modified-since']) counts.conditional++;
      if (req.headers['if-none-match'] === etag) {
        counts.notModified++;
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml', etag }).end(body);
    });
    server.on('secureConnection', () => counts.handshakes++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  return {
    ports: servers.map((s) => (s.address() as AddressInfo).port),
    counts,
    close: async () => {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

function targetsFor(domains: number, ports: number[]) {
  return Array.from({ length: domains }, (_, i) => ({
    domain: `d${String(i).padStart(5, '0')}.bench.example`,
    url: `https://localhost:${ports[i % HOSTS]}/tenant/${i}/FederationMetadata/2007-06/FederationMetadata.xml`,
  }));
}

/** N watches from 100 conversations, each domain with its own metadata URL. */
async function seed(databaseUrl: string, targets: { domain: string; url: string }[]) {
  const store = await openStore(databaseUrl);
  const now = new Date();
  try {
    for (let c = 0; c < CONVERSATIONS; c++)
      await store.upsertConversation(personalChat(`bench-${c}`, 'https://127.0.0.1:9/'), now);
    // 20 at a time: seeding 10,000 watches one round trip after another took 25 s on PostgreSQL.
    for (let start = 0; start < targets.length; start += 20)
      await Promise.all(
        targets.slice(start, start + 20).map((t, j) =>
          store.addWatch({
            conversationId: `bench-${(start + j) % CONVERSATIONS}`,
            domain: t.domain,
            metadataUrl: t.url,
            createdAt: now,
          }),
        ),
      );
  } finally {
    await store.close();
  }
}

function runChild(args: string[]): Promise<{ ms: number; cpuMs: number; peakRssMb: number }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      join(__dirname, 'sweep-child.cjs'),
      ...args,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        OUTBOUND_ALLOW_PRIVATE: 'localhost',
        NODE_EXTRA_CA_CERTS: join(ROOT, 'test/support/tls/ca.pem'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      process.removeListener('exit', stop);
      if (process.env.BENCH_SHOW_STDERR) process.stderr.write(err);
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{'))
        resolve(JSON.parse(line) as { ms: number; cpuMs: number; peakRssMb: number });
      else reject(new Error(`sweep child ${args[0]} exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

async function measured(idps: Idps, args: string[]): Promise<SweepRun> {
  const before = { ...idps.counts };
  const usage = await runChild(args);
  const c = idps.counts;
  return {
    ...usage,
    requests: c.requests - before.requests,
    conditional: c.conditional - before.conditional,
    notModified: c.notModified - before.notModified,
    handshakes: c.handshakes - before.handshakes,
  };
}

/** The product's sweep and the floor, each twice, at `domains` on one kind of store. */
export async function benchSweep(
  domains: number,
  kind: 'sqlite' | 'postgres',
): Promise<SweepFigures> {
  const idps = await startIdps();
  const dir = mkdtempSync(join(tmpdir(), 'fedtrust-bench-'));
  const schemas: string[] = [];
  const urlFor = (name: string) =>
    kind === 'sqlite'
      ? `sqlite:${join(dir, `${name}.db`)}`
      : `${TEST_DATABASE_URL}?schema=${testSchema(schemas)}`;
  try {
    const targets = targetsFor(domains, idps.ports);
    const targetsFile = join(dir, 'targets.json');
    writeFileSync(targetsFile, JSON.stringify(targets));
    const product = urlFor('product');
    await seed(product, targets);
    const floor = urlFor('floor');
    const first = await measured(idps, ['product', product]);
    const floorFirst = await measured(idps, ['floor', floor, targetsFile]);
    const second = await measured(idps, ['product', product]);
    const floorSecond = await measured(idps, ['floor', floor, targetsFile]);
    return { store: kind, domains, first, second, floorFirst, floorSecond };
  } finally {
    await idps.close();
    rmSync(dir, { recursive: true, force: true });
    if (schemas.length > 0) await dropSchemas(schemas);
  }
}

if (require.main === module) {
  void (async () => {
    const domains = Number(process.argv[2] ?? 1000);
    const kind = (process.argv[3] ?? 'sqlite') as 'sqlite' | 'postgres';
    console.log(JSON.stringify(await benchSweep(domains, kind), null, 1));
  })();
}
