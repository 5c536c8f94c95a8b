import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkDomain, type CheckDependencies, type CheckRequest } from './checks/check-domain';
import { checkMfg } from './checks/check-mfg';
import { createCheckDependencies } from './checks/check-services';
import { EXIT, worstExitCode } from './cli/exit-codes';
import { toJsonDocument } from './cli/json-output';
import { renderAssessment } from './cli/report';
import { loadSettings, readEnvironment, type Settings } from './config';
import { parseAdfsSnapshot } from './engine/adfs-snapshot';
import type { EntraSide } from './engine/assessment-input';
import { parseDomain } from './engine/domain';
import { parseEntraFederation } from './engine/entra-federation';
import { parseExchangeTrust } from './engine/exchange-trust';
import type { Assessment } from './engine/types';
import { runExchange } from './cli/exchange-command';
import { bad, readInputFile, readJsonFile } from './cli/input-files';
import type * as MaintenanceModule from './cli/maintenance';
import { isAppError } from './errors';
import { SafeFetcher } from './sources/safe-fetcher';
import { runPool } from './pool';

/** `fedtrust sweep` / `migrate` (src/cli/maintenance.ts), loaded only when asked for. */
type Maintenance = typeof MaintenanceModule;

const VERSION = (
  JSON.parse(readFileSync(`${__dirname}/../package.json`, 'utf8')) as { version: string }
).version;
const CONCURRENCY = 4;

const HELP = `fedtrust ${VERSION} — checks federation trusts (AD FS / IdP ↔ Microsoft Entra ID, Exchange ↔ MFG)

Usage:
  fedtrust check <domain>… [--json] [--metadata-url URL | --metadata-file FILE]
                 [--entra-file FILE] [--adfs-properties-file FILE] [--now ISO-DATE]
  fedtrust mfg [--metadata-url URL | --metadata-file FILE] [--trust-file FILE] [--json] [--now ISO-DATE]
  fedtrust exchange [--auth-file FILE] [--app-file FILE] [--legacy-sp-file FILE] [--consent-file FILE]
                 [--trust-file FILE] [--mfg-metadata-file FILE] [--json] [--now ISO-DATE]
  fedtrust sweep                 one sweep of the watched domains now, posting due alerts (bot's store)
  fedtrust migrate               create or upgrade the store named by DATABASE_URL

Options:
  --json                       one JSON document on stdout (see README "JSON output")
  --metadata-url URL           the IdP's federation metadata (https); default: discovery
  --metadata-file FILE         the metadata document itself (air-gapped use)
  --entra-file FILE            Graph federationConfiguration JSON (replaces Graph)
  --adfs-properties-file FILE  Get-AdfsProperties | ConvertTo-Json
  --trust-file FILE            Get-FederationTrust | ConvertTo-Json
  --auth-file FILE             exchange: a collector 1.1 body, its exchangeAuth block, or
                               Get-AuthConfig | ConvertTo-Json (the Auth certificate slots)
  --app-file FILE              exchange: GET /applications(appId='…') of the dedicated hybrid app
  --legacy-sp-file FILE        exchange: GET /servicePrincipals(appId='00000002-0000-0ff1-ce00-000000000000')
  --consent-file FILE          exchange: GET /servicePrincipals(appId='…')/appRoleAssignments of the app
  --mfg-metadata-file FILE     exchange: MFG's metadata document (with --trust-file: rule 12, gated)
  --now ISO-DATE               assess as of this time (default: now)
  --no-color                   plain text even on a terminal
  -h, --help, --version

--metadata-*, --entra-file and --adfs-properties-file describe one domain. fedtrust exchange without
--app-file, --legacy-sp-file or --consent-file reads Entra through Graph when GRAPH_* is set.
Exit codes (Nagios): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN or bad input; the worst result wins.
sweep and migrate exit 0 when they ran (whatever a sweep found), 1 when they could not.
Settings come from the environment (.env.example): GRAPH_* for Entra's side, OUTBOUND_ALLOW_PRIVATE, …`;

const OPTIONS = {
  json: { type: 'boolean' },
  'metadata-url': { type: 'string' },
  'metadata-file': { type: 'string' },
  'entra-file': { type: 'string' },
  'adfs-properties-file': { type: 'string' },
  'trust-file': { type: 'string' },
  'auth-file': { type: 'string' },
  'app-file': { type: 'string' },
  'legacy-sp-file': { type: 'string' },
  'consent-file': { type: 'string' },
  'mfg-metadata-file': { type: 'string' },
  now: { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime()))
    throw bad(`--now ${value} is not an ISO 8601 date (e.g. 2026-11-22 or 2026-11-22T10:00:00Z)`);
  return date;
}

function checkUrlArgument(url: string | undefined): void {
  if (url === undefined) return;
  try {
    SafeFetcher.checkUrl(url);
  } catch (error) {
    throw bad(`--metadata-url: ${(error as Error).message}`);
  }
}

function entraFromFile(path: string, domain: string): EntraSide {
  const parsed = parseEntraFederation(readJsonFile(path, '--entra-file'));
  if (!parsed.ok) throw bad(`--entra-file ${path}: ${parsed.reason}`);
  if (!parsed.federation) {
    return {
      kind: 'not-federated',
      detail: `The Entra file lists no federation configuration for ${domain}.`,
    };
  }
  return { kind: 'federated', federation: parsed.federation, federatedDomain: domain };
}

/** Validates every argument before anything is fetched; bad input throws BAD_INPUT. */
function planChecks(
  domains: string[],
  v: Values,
  deps: CheckDependencies,
  now: Date,
): CheckRequest[] {
  if (domains.length === 0) throw bad('name at least one domain: fedtrust check contoso.com');
  const perDomain = [
    'metadata-url',
    'metadata-file',
    'entra-file',
    'adfs-properties-file',
  ] as const;
  const given = perDomain.filter((o) => v[o] !== undefined);
  if (domains.length > 1 && given.length > 0) {
    throw bad(
      `--${given[0]} describes one domain; it cannot be used with ${domains.length} domains`,
    );
  }
  if (v['metadata-url'] && v['metadata-file'])
    throw bad('give --metadata-url or --metadata-file, not both');
  checkUrlArgument(v['metadata-url']);
  return domains.map((input) => {
    const domain = parseDomain(input);
    if (!domain.ok) throw bad(domain.reason);
    const request: CheckRequest = { domain: domain.ascii, now, metadataUrl: v['metadata-url'] };
    if (v['metadata-file']) {
      request.metadataXml = readInputFile(v['metadata-file'], '--metadata-file');
      const read = deps.metadata.read(request.metadataXml);
      if (!read.ok) throw bad(`--metadata-file ${v['metadata-file']}: ${read.problem.detail}`);
    }
    if (v['entra-file']) request.entra = entraFromFile(v['entra-file'], domain.ascii);
    if (v['adfs-properties-file']) {
      const adfs = parseAdfsSnapshot(
        readJsonFile(v['adfs-properties-file'], '--adfs-properties-file'),
      );
      if (!adfs.ok) throw bad(`--adfs-properties-file: ${adfs.reason}`);
      request.adfs = adfs.snapshot;
    }
    return request;
  });
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
}

async function runCheck(
  domains: string[],
  v: Values,
  settings: Settings,
  io: Io,
  now: Date,
): Promise<Assessment[]> {
  const deps = createCheckDependencies(settings, `fedtrust-cli/${VERSION}`);
  const requests = planChecks(domains, v, deps, now);
  let done = 0;
  return runPool(requests, CONCURRENCY, async (request) => {
    const result = await checkDomain(deps, request);
    done++;
    if (requests.length > 1)
      io.err(`checked ${request.domain} (${done}/${requests.length}): ${result.status}`);
    return result;
  });
}

async function runMfg(v: Values, settings: Settings, now: Date): Promise<Assessment[]> {
  if (v['metadata-url'] && v['metadata-file'])
    throw bad('give --metadata-url or --metadata-file, not both');
  checkUrlArgument(v['metadata-url']);
  const deps = createCheckDependencies(settings, `fedtrust-cli/${VERSION}`);
  const metadataXml = v['metadata-file']
    ? readInputFile(v['metadata-file'], '--metadata-file')
    : undefined;
  if (metadataXml !== undefined) {
    const read = deps.metadata.read(metadataXml);
    if (!read.ok) throw bad(`--metadata-file ${v['metadata-file']}: ${read.problem.detail}`);
  }
  let trust;
  if (v['trust-file']) {
    const parsed = parseExchangeTrust(readJsonFile(v['trust-file'], '--trust-file'));
    if (!parsed.ok) throw bad(`--trust-file: ${parsed.reason}`);
    trust = parsed.trust;
  }
  const result = await checkMfg(deps.metadata, {
    now,
    metadataUrl: v['metadata-url'] ?? settings.MFG_METADATA_URL,
    metadataXml,
    trust,
  });
  return [result];
}

/** node:util parseArgs' refusals, said the way the rest of the CLI speaks (its own text is for developers). */
function argumentProblem(error: unknown): string | undefined {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^' ]+)/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return `unknown option ${option ?? ''}; run fedtrust --help for the options`.replace('  ', ' ');
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return /does not take/.test(message ?? '')
      ? `${option ?? 'that option'} takes no value`
      : `${option ?? 'that option'} needs a value`;
  if (code?.startsWith('ERR_PARSE_ARGS'))
    return 'the arguments could not be read; run fedtrust --help';
  return undefined;
}

/** The `fedtrust` command. Returns the exit code; never throws. */
export async function main(argv: string[], io?: Partial<Io>): Promise<number> {
  const out = io?.out ?? ((text: string) => void process.stdout.write(`${text}\n`));
  const err = io?.err ?? ((text: string) => void process.stderr.write(`${text}\n`));
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const color =
      io?.color ?? (process.stdout.isTTY === true && !values['no-color'] && !process.env.NO_COLOR);
    const [command, ...rest] = positionals;
    if (values.version) return (out(VERSION), EXIT.ok);
    if (values.help || command === 'help' || command === undefined)
      return (out(HELP), command === undefined && !values.help ? EXIT.unknown : EXIT.ok);
    const settings = loadSettings(readEnvironment());
    // --now is the assessment time everywhere, checkedAt included, so output is reproducible.
    const now = parseNow(values.now);
    let results: Assessment[];
    if (command === 'sweep' || command === 'migrate') {
      if (rest.length > 0) throw bad(`fedtrust ${command} takes no arguments`);
      // Loaded only here: a check needs neither the store nor the Bot Framework.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: import() would need ESM under jest
      const { runMaintenance } = require('./cli/maintenance') as Maintenance;
      return await runMaintenance(command, settings, { out, err, version: VERSION });
    }
    if (command === 'check')
      results = await runCheck(rest, values, settings, { out, err, color }, now);
    else if (command === 'exchange') {
      if (rest.length > 0) throw bad(`fedtrust exchange takes no domain (got "${rest[0]}")`);
      results = await runExchange(values, settings, now, `fedtrust-cli/${VERSION}`);
    } else if (command === 'mfg') {
      if (rest.length > 0) throw bad(`fedtrust mfg takes no domain (got "${rest[0]}")`);
      results = await runMfg(values, settings, now);
    } else throw bad(`unknown command "${command}"; run fedtrust --help`);
    out(
      values.json
        ? toJsonDocument(now, results)
        : results.map((r) => renderAssessment(r, { color })).join('\n\n'),
    );
    return worstExitCode(results.map((r) => r.status));
  } catch (error) {
    const message = isAppError(error)
      ? error.message
      : (argumentProblem(error) ?? `unexpected error: ${(error as Error).message}`);
    err(`fedtrust: ${message.split('\n').join('\n  ')}`);
    return EXIT.unknown;
  }
}

// Run directly (`node dist/cli.js …`, or from source with tsx) as well as through bin/fedtrust.js.
if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
