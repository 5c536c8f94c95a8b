/**
 * `npm run bench` (issue #14): every figure against a baseline measured in the same run, so figures
 * compare across machines — the engine against a bare parse, the CLI against a bare require, turns
 * against a bare botbuilder echo bot, sweeps against a keep-alive floor, fan-out against Teams' own
 * limit — plus the bot's event-loop delay under load. Prints one line per figure and writes
 * bench/results.json. Needs `npm run build` (it runs dist/) and the PostgreSQL of DESIGN ("test").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { assessDomain } from '../src/engine/assess-domain';
import { parseMetadata } from '../src/engine/metadata-parser';
import { verifyMetadataSignature } from '../src/engine/signature';
import { benchFanOut } from './fan-out';
import { benchLoad } from './load';
import { percentile, ROOT } from './processes';
import { benchSweep } from './sweep';
import { benchTurns, LEVELS, type TurnFigure } from './turns';

export interface Figure {
  figure: string;
  product: number;
  baseline: number | null;
  unit: string;
  /** product / baseline (how many times the baseline), when there is one. */
  ratio: number | null;
  target: string;
  met: boolean | null;
}

const figures: Figure[] = [];
const round = (n: number) => Math.round(n * 100) / 100;

function record(f: Omit<Figure, 'ratio'> & { ratio?: number | null }): void {
  const ratio = f.ratio !== undefined ? f.ratio : f.baseline ? round(f.product / f.baseline) : null;
  const figure = {
    ...f,
    product: round(f.product),
    baseline: f.baseline && round(f.baseline),
    ratio,
  };
  figures.push(figure);
  const met = figure.met === null ? '—' : figure.met ? 'met' : 'NOT met';
  console.log(
    [
      figure.figure.padEnd(62),
      `${figure.product} ${figure.unit}`.padStart(14),
      (figure.baseline === null ? '' : `${figure.baseline} ${figure.unit}`).padStart(14),
      (ratio === null ? '' : `${ratio}×`).padStart(8),
      figure.target.padStart(16),
      met.padStart(8),
    ].join(' '),
  );
}

/** Microseconds per call of `fn`, after a warm-up, over at least `minMs`. */
function perOpUs(fn: () => unknown, minMs = 1500): number {
  for (let i = 0; i < 5; i++) fn();
  let ops = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    fn();
    ops++;
  }
  return ((performance.now() - started) * 1000) / ops;
}

function engine(): void {
  const file = join(ROOT, 'test/fixtures/adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
  const xml = readFileSync(file, 'utf8');
  const raw = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true });
  const now = new Date('2026-11-22T00:00:00Z');
  const whole = () => {
    const parsed = parseMetadata(xml);
    if (!parsed.ok) throw new Error(parsed.reason);
    const signature = verifyMetadataSignature(xml, parsed.metadata);
    const signer = parsed.metadata.signingCerts[0]!;
    return assessDomain({
      domain: 'contoso.com',
      now,
      leadDays: 7,
      mode: 'sweep',
      metadata: { parsed: parsed.metadata, signature },
      entra: {
        kind: 'federated',
        federatedDomain: 'contoso.com',
        federation: {
          issuerUri: parsed.metadata.entityId,
          slots: [{ name: 'SigningCertificate', cert: signer }, { name: 'NextSigningCertificate' }],
        },
      },
    });
  };
  const parse = perOpUs(() => raw.parse(xml));
  const assessment = perOpUs(whole);
  // As a rate: assessments per second against bare parses per second of the same 70 KB document.
  record({
    figure: 'uncached assessment rate (parse + verify + assess)',
    product: 1e6 / assessment,
    baseline: 1e6 / parse,
    unit: '/s',
    target: '≥ 0.25×',
    met: parse / assessment >= 0.25,
  });
}

function cli(): void {
  const file = 'test/fixtures/adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml';
  const time = (args: string[]) => {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
      runs.push(performance.now() - started);
    }
    return percentile(runs, 50);
  };
  const bare = time(['-e', "require('fast-xml-parser')"]);
  const check = time([
    'dist/cli.js',
    'check',
    'contoso.com',
    '--metadata-file',
    file,
    '--now',
    '2026-12-01',
  ]);
  record({
    figure: '`fedtrust check --metadata-file`, start to exit (median of 7)',
    product: check,
    baseline: bare,
    unit: 'ms',
    target: '≤ 3×',
    met: check <= 3 * bare,
  });
}

function turns(all: TurnFigure[]): void {
  const get = (kind: TurnFigure['kind'], connections: number) =>
    all.find((t) => t.kind === kind && t.connections === connections)!;
  for (const connections of LEVELS) {
    const echo = get('echo', connections);
    for (const kind of ['help', 'check'] as const) {
      const t = get(kind, connections);
      const floor = kind === 'help' ? 0.8 : 0.5;
      record({
        figure: `${kind === 'help' ? '`help`' : 'cached `check`'} turns/s, ${connections} connection(s), vs echo`,
        product: t.turnsPerSecond,
        baseline: echo.turnsPerSecond,
        unit: '/s',
        target: `≥ ${floor}×`,
        met: t.turnsPerSecond >= floor * echo.turnsPerSecond && t.errors === 0,
      });
    }
  }
  const echo10 = get('echo', 10);
  for (const kind of ['help', 'check'] as const) {
    const t = get(kind, 10);
    record({
      figure: `server CPU per ${kind === 'help' ? '`help`' : 'cached `check`'} turn (10 connections) vs echo`,
      product: t.cpuMsPerTurn,
      baseline: echo10.cpuMsPerTurn,
      unit: 'ms',
      target: kind === 'check' ? '≤ 2×' : '—',
      met: kind === 'check' ? t.cpuMsPerTurn <= 2 * echo10.cpuMsPerTurn : null,
    });
  }
  const check10 = get('check', 10);
  record({
    figure: 'cached `check` p95 latency, 10 connections',
    product: check10.p95Ms,
    baseline: echo10.p95Ms,
    unit: 'ms',
    target: '≤ 150 ms',
    met: check10.p95Ms <= 150,
  });
}

async function sweeps(): Promise<void> {
  for (const kind of ['sqlite', 'postgres'] as const)
    for (const domains of [1_000, 10_000]) {
      const s = await benchSweep(domains, kind);
      const what = `${domains.toLocaleString('en-US')}-domain sweep, ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`;
      const big = domains === 10_000;
      record({
        figure: `${what}: first sweep`,
        product: s.first.ms / 1000,
        baseline: s.floorFirst.ms / 1000,
        unit: 's',
        target: big ? '≤ 60 s' : '—',
        met: big ? s.first.ms <= 60_000 : null,
      });
      record({
        figure: `${what}: peak memory (RSS)`,
        product: Math.max(s.first.peakRssMb, s.second.peakRssMb),
        baseline: Math.max(s.floorFirst.peakRssMb, s.floorSecond.peakRssMb),
        unit: 'MB',
        target: big ? '≤ 300 MB' : '—',
        met: big ? Math.max(s.first.peakRssMb, s.second.peakRssMb) <= 300 : null,
      });
      record({
        figure: `${what}: second sweep / first (documents unchanged)`,
        product: s.second.ms / 1000,
        baseline: s.first.ms / 1000,
        unit: 's',
        target: '≤ 0.5×',
        met: s.second.ms <= 0.5 * s.first.ms,
      });
      record({
        figure: `${what}: second sweep, conditional GETs answered 304`,
        product: s.second.notModified,
        baseline: s.second.requests,
        unit: 'req',
        target: 'all',
        met:
          s.second.notModified === s.second.requests && s.second.conditional === s.second.requests,
      });
      record({
        figure: `${what}: second sweep, TLS handshakes (100 IdP hosts)`,
        product: s.second.handshakes,
        baseline: s.floorSecond.handshakes,
        unit: '',
        target: '—',
        met: null,
      });
    }
}

async function fanOut(): Promise<void> {
  for (const f of await benchFanOut()) {
    const where = f.replicas ? ` from ${f.replicas} replicas (PostgreSQL)` : '';
    record({
      figure: `fan-out: ${f.alerts} alert(s) → ${f.conversations.toLocaleString('en-US')} conversations${where}`,
      product: f.seconds,
      baseline: f.ideal,
      unit: 's',
      target: '< 1 % 429',
      met: f.sent === f.requests && f.throttledPercent < 1,
    });
  }
}

async function load(): Promise<void> {
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
  const r = await benchLoad(seconds);
  record({
    figure: `event-loop delay p99, 50 clients (help + cached check) for ${seconds} s`,
    product: r.eventLoopP99,
    baseline: null,
    unit: 'ms',
    target: '≤ 100 ms',
    met: r.eventLoopP99 <= 100 && r.errors === 0,
  });
}

function machine(): string {
  const cpu = cpus();
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  } catch {
    // not a checkout
  }
  return `${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}${commit ? `, commit ${commit}` : ''}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`fedtrust-bot bench — ${machine()}\n`);
  console.log(
    [
      'figure'.padEnd(62),
      'product'.padStart(14),
      'baseline'.padStart(14),
      'ratio'.padStart(8),
      'target'.padStart(16),
      'met'.padStart(8),
    ].join(' '),
  );
  engine();
  cli();
  turns(await benchTurns(Number(process.env.BENCH_TURN_SECONDS ?? 8)));
  await sweeps();
  await fanOut();
  await load();
  const minutes = (performance.now() - started) / 60_000;
  writeFileSync(
    join(__dirname, 'results.json'),
    `${JSON.stringify({ at: new Date().toISOString(), machine: machine(), minutes: round(minutes), figures }, null, 2)}\n`,
  );
  console.log(`\n${minutes.toFixed(1)} min; written to bench/results.json`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
