'use strict';
// One sweep in a process of its own, as `fedtrust sweep` runs it (bench/sweep.ts starts this twice per
// store and size). Plain Node on the compiled product (dist/), so the figures carry no TypeScript loader.
//   product: the real sweep (fetch, parse and verify, assess, store, plan the alerts), without the
//            delivery `fedtrust sweep` does after it;
//   floor:   the least any sweep must do — a keep-alive conditional GET per URL, one parse per distinct
//            document, one upsert per domain — in the same kind of store.
// Prints one JSON line: the sweep's wall time, and the whole process's CPU time and peak RSS.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const DIST = join(__dirname, '..', 'dist');
const CONCURRENCY = 4;

/** The floor's own tables: one row per URL (its ETag) and one per domain. */
async function openFloor(databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) {
    const Database = require('better-sqlite3');
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    db.exec(`create table if not exists floor_urls (url text primary key, etag text);
      create table if not exists floor_domains (domain text primary key, status text, checked_at text)`);
    const get = db.prepare('select etag from floor_urls where url = ?');
    const putUrl = db.prepare(
      'insert into floor_urls (url, etag) values (?, ?) on conflict (url) do update set etag = excluded.etag',
    );
    const putDomain = db.prepare(
      'insert into floor_domains (domain, status, checked_at) values (?, ?, ?) on conflict (domain) do update set status = excluded.status, checked_at = excluded.checked_at',
    );
    return {
      etag: async (url) => get.get(url)?.etag ?? undefined,
      save: async (url, etag, domains, status) => {
        putUrl.run(url, etag ?? null);
        for (const d of domains) putDomain.run(d, status, new Date().toISOString());
      },
      close: async () => db.close(),
    };
  }
  const { Pool } = require('pg');
  const url = new URL(databaseUrl);
  const schema = `"${url.searchParams.get('schema') ?? 'public'}"`;
  url.searchParams.delete('schema');
  const db = new Pool({ connectionString: url.toString(), max: CONCURRENCY });
  await db.query(`create schema if not exists ${schema};
    create table if not exists ${schema}.floor_urls (url text primary key, etag text);
    create table if not exists ${schema}.floor_domains (domain text primary key, status text, checked_at timestamptz)`);
  return {
    etag: async (u) =>
      (await db.query(`select etag from ${schema}.floor_urls where url = $1`, [u])).rows[0]?.etag ??
      undefined,
    save: async (u, etag, domains, status) => {
      await db.query(
        `insert into ${schema}.floor_urls (url, etag) values ($1, $2) on conflict (url) do update set etag = excluded.etag`,
        [u, etag ?? null],
      );
      for (const d of domains)
        await db.query(
          `insert into ${schema}.floor_domains (domain, status, checked_at) values ($1, $2, now()) on conflict (domain) do update set status = excluded.status, checked_at = excluded.checked_at`,
          [d, status],
        );
    },
    close: () => db.end(),
  };
}

async function floorSweep(databaseUrl, targets) {
  const { Agent, request } = require('undici');
  const { XMLParser } = require('fast-xml-parser');
  const floor = await openFloor(databaseUrl);
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: CONCURRENCY });
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true });
  const parsed = new Set();
  const byUrl = new Map();
  for (const t of targets) byUrl.set(t.url, [...(byUrl.get(t.url) ?? []), t.domain]);
  // The product's own pool (src/pool.ts): the floor differs in what it does, not in how it queues.
  const { runPool } = require(join(DIST, 'pool'));
  await runPool([...byUrl], CONCURRENCY, async ([url, domains]) => {
    const etag = await floor.etag(url);
    const response = await request(url, {
      dispatcher: agent,
      headers: etag ? { 'if-none-match': etag } : {},
    });
    const body = await response.body.text();
    let status = 'unchanged';
    if (response.statusCode === 200) {
      const hash = createHash('sha256').update(body).digest('hex');
      if (!parsed.has(hash)) {
        parser.parse(body);
        parsed.add(hash);
      }
      status = 'parsed';
    }
    await floor.save(url, response.headers.etag, domains, status);
  });
  await agent.close();
  await floor.close();
}

async function productSweep(databaseUrl) {
  // What `fedtrust sweep` runs before it delivers (src/cli/maintenance.ts).
  const { sweepNow } = require(join(DIST, 'cli/maintenance'));
  const { loadSettings, readEnvironment } = require(join(DIST, 'config'));
  const { createLogger } = require(join(DIST, 'logger'));
  const { openStore } = require(join(DIST, 'store/open-store'));
  const settings = loadSettings({ ...readEnvironment(), DATABASE_URL: databaseUrl });
  const store = await openStore(databaseUrl);
  try {
    await sweepNow(settings, store, createLogger('warn', 2), 'bench');
  } finally {
    await store.close();
  }
}

async function main() {
  const [mode, databaseUrl, targetsFile] = process.argv.slice(2);
  const started = performance.now();
  if (mode === 'floor')
    await floorSweep(databaseUrl, JSON.parse(readFileSync(targetsFile, 'utf8')));
  else await productSweep(databaseUrl);
  const ms = performance.now() - started;
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({
      ms,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      peakRssMb: usage.maxRSS / 1024,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
