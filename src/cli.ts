import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkDomain, type CheckDependencies, type CheckRequest } from './checks/check-domain';
import { hybridHint } from './checks/check-exchange';
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
import { assessHybrid, federationTrustUsage } from './engine/assess-hybrid';
import { parseExchangeAuth, type ExchangeAuth } from './engine/exchange-auth';
import { parseExchangeTrust } from './engine/exchange-trust';
import {
  FULL_ACCESS_AS_APP,
  parseApplication,
  parseAssignments,
  parseServicePrincipal,
  type HybridEntra,
} from './engine/hybrid-entra';
import { isOrganizationName } from './engine/organization';
import { isObject, pickString } from './engine/ps-json';
import type { Assessment } from './engine/types';
import type * as MaintenanceModule from './cli/maintenance';
import { AppError, isAppError } from './errors';
import { SafeFetcher } from './sources/safe-fetcher';
import { runPool } from './pool';

/** `fedtrust sweep` / `migrate` (src/cli/maintenance.ts), loaded only when asked for. */
type Maintenance = typeof MaintenanceModule;

const VERSION = (
  JSON.parse(readFileSync(`${__dirname}/../package.json`, 'utf8')) as { version: string }
).version;
const MAX_FILE_BYTES = 4 * 1024 * 1024;
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

function bad(message: string): AppError {
  return new AppError('BAD_INPUT', message);
}

function readInputFile(path: string, what: string): string {
  try {
    if (statSync(path).size > MAX_FILE_BYTES)
      throw bad(`${what} ${path} is larger than ${MAX_FILE_BYTES} bytes`);
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (isAppError(error)) throw error;
    throw bad(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function readJsonFile(path: string, what: string): unknown {
  const text = readInputFile(path, what);
  try {
    return JSON.parse(text);
  } catch {
    throw bad(`${what} ${path} is not valid JSON`);
  }
}

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

/** Entra's half of the hybrid trust from the Graph answers an air-gapped admin saved. */
function hybridEntraFromFiles(v: Values): HybridEntra | undefined {
  if (!v['app-file'] && !v['legacy-sp-file'] && !v['consent-file']) return undefined;
  const app = v['app-file']
    ? parseApplication(readJsonFile(v['app-file'], '--app-file'))
    : undefined;
  if (v['app-file'] && !app)
    throw bad(`--app-file ${v['app-file']}: not a Graph application (id, appId, keyCredentials)`);
  const legacy = v['legacy-sp-file']
    ? parseServicePrincipal(readJsonFile(v['legacy-sp-file'], '--legacy-sp-file'))
    : undefined;
  if (v['legacy-sp-file'] && !legacy)
    throw bad(
      `--legacy-sp-file ${v['legacy-sp-file']}: not a Graph service principal (id, keyCredentials)`,
    );
  const assignments = v['consent-file']
    ? parseAssignments(readJsonFile(v['consent-file'], '--consent-file'))
    : undefined;
  const principalId = assignments?.find((a) => a.principalId)?.principalId;
  return {
    kind: 'known',
    app,
    foundBy: 'file',
    // The consent answer is the app's service principal's: it exists, under the id it names.
    appServicePrincipal: assignments
      ? {
          id: principalId ?? '<APP_SP_ID>',
          appId: app?.appId ?? '',
          displayName: app?.displayName ?? '',
          accountEnabled: true,
          keyCredentials: [],
          passwordCredentials: [],
        }
      : undefined,
    assignments,
    exchangeOnlineSpId:
      legacy?.id ?? assignments?.find((a) => a.appRoleId === FULL_ACCESS_AS_APP)?.resourceId,
    legacyServicePrincipal: legacy,
  };
}

/** `fedtrust exchange`: the hybrid app (rule group 14) and, with a trust file, the MFG trust (rule 12). */
async function runExchange(v: Values, settings: Settings, now: Date): Promise<Assessment[]> {
  let auth: ExchangeAuth | undefined;
  let organization = 'exchange';
  if (v['auth-file']) {
    const json = readJsonFile(v['auth-file'], '--auth-file');
    const parsed = parseExchangeAuth(json);
    if (!parsed.ok) throw bad(`--auth-file ${v['auth-file']}: ${parsed.reason}`);
    auth = parsed.auth;
    const named = isObject(json) ? pickString(json, 'organization') : undefined;
    if (named && isOrganizationName(named)) organization = named;
  }
  const deps = createCheckDependencies(settings, `fedtrust-cli/${VERSION}`);
  let entra = hybridEntraFromFiles(v);
  if (!entra) {
    entra = deps.hybridApps
      ? await deps.hybridApps.read(auth && !auth.slotsOnly ? hybridHint(auth) : undefined)
      : { kind: 'unknown', reason: 'no --app-file given and Graph is not configured (GRAPH_*).' };
  }
  const results: Assessment[] = [
    assessHybrid({
      now,
      mode: 'on-demand',
      organization,
      auth,
      entra,
      graphBaseUrl: settings.GRAPH_BASE_URL,
    }),
  ];
  if (v['trust-file'] || v['mfg-metadata-file']) {
    const metadataXml = v['mfg-metadata-file']
      ? readInputFile(v['mfg-metadata-file'], '--mfg-metadata-file')
      : undefined;
    if (metadataXml !== undefined && !deps.metadata.read(metadataXml).ok)
      throw bad(
        `--mfg-metadata-file ${v['mfg-metadata-file']}: not a federation metadata document`,
      );
    let trust;
    if (v['trust-file']) {
      const parsed = parseExchangeTrust(readJsonFile(v['trust-file'], '--trust-file'));
      if (!parsed.ok) throw bad(`--trust-file: ${parsed.reason}`);
      trust = parsed.trust;
    }
    results.push(
      await checkMfg(deps.metadata, {
        now,
        metadataUrl: settings.MFG_METADATA_URL,
        metadataXml,
        trust,
        trustUsage: federationTrustUsage(auth),
      }),
    );
  }
  return results;
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
      results = await runExchange(values, settings, now);
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
