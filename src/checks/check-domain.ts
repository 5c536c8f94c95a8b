import type { AdfsSnapshot } from '../engine/adfs-snapshot';
import { assessDomain } from '../engine/assess-domain';
import type { CertificateHistory, EntraSide, MetadataProblem } from '../engine/assessment-input';
import type { EntraFederation } from '../engine/entra-federation';
import type { Assessment, Status } from '../engine/types';
import { AppError, isAppError } from '../errors';
import type { GraphDirectory } from '../sources/graph-directory';
import type { HybridAppReader } from '../sources/hybrid-app-reader';
import type { LoadedMetadata, MetadataLoad, MetadataSource } from '../sources/metadata-source';
import type { SnapshotSource } from '../sources/snapshot-source';
import { adfsMetadataUrlFor, type Realm, type RealmDiscovery } from '../sources/realm-discovery';

export interface CheckDependencies {
  metadata: MetadataSource;
  /** Absent: no realm discovery (air-gapped CLI use with files). */
  realm?: RealmDiscovery;
  /** Absent: Graph not configured; the check says so. */
  graph?: GraphDirectory;
  /** The collector's snapshots (AD FS facts, Exchange trusts); absent in the CLI. */
  snapshots?: SnapshotSource;
  /** MFG_METADATA_URL. */
  mfgMetadataUrl: string;
  /** Entra's half of the Exchange hybrid trust (Application.Read.All); absent: Graph not configured. */
  hybridApps?: HybridAppReader;
  /** GRAPH_BASE_URL: the cloud the hybrid remedies name (-AzureEnvironment); default worldwide. */
  graphBaseUrl?: string;
  leadDays: number;
  /** Counts every check run, on demand or in a sweep (`fedtrust_checks_total`). */
  metrics?: { countCheck(status: Status): void };
}

export interface CheckRequest {
  /** ASCII (punycode), already validated. */
  domain: string;
  now: Date;
  mode?: 'on-demand' | 'sweep';
  /** `metadata <url>` / `--metadata-url`: wins over discovery; refused URLs are bad input. */
  metadataUrl?: string;
  /** `--metadata-file`: the document itself (counts as reachable). */
  metadataXml?: string;
  /** `--entra-file`, parsed: replaces Graph. */
  entra?: EntraSide;
  adfs?: AdfsSnapshot;
  autoRolloverFact?: boolean;
  leadDays?: number;
  history?: CertificateHistory;
  previousEntra?: EntraFederation;
  failedSweepsInARow?: number;
}

const NO_GRAPH =
  'Graph is not configured (set GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH).';

type Discovery = {
  url?: string;
  passiveSignInUrl?: string;
  problem?: MetadataProblem;
  realm?: Realm;
};

function fromSignIn(signInUrl: string | undefined, source: string): Discovery | undefined {
  if (!signInUrl) return undefined;
  const url = adfsMetadataUrlFor(signInUrl);
  if (url) return { url, passiveSignInUrl: signInUrl };
  const host = URL.canParse(signInUrl) ? new URL(signInUrl).host : signInUrl;
  return {
    passiveSignInUrl: signInUrl,
    problem: {
      code: 'METADATA_URL_UNKNOWN',
      detail: `${source} points at ${host}, which is not AD FS: give the IdP's metadata URL (metadata <https-url>)`,
    },
  };
}

async function entraSide(
  deps: CheckDependencies,
  request: CheckRequest,
): Promise<EntraSide | { kind: 'not-in-tenant' }> {
  if (request.entra) return request.entra;
  if (!deps.graph) return { kind: 'unknown', reason: NO_GRAPH };
  try {
    return await deps.graph.federationFor(request.domain);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { kind: 'unknown', reason: `Graph could not be read (${error.message}).` };
  }
}

async function discoverRealm(
  deps: CheckDependencies,
  domain: string,
): Promise<Realm | AppError | undefined> {
  if (!deps.realm) return undefined;
  try {
    return await deps.realm.discover(domain);
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
}

function discover(
  entra: EntraSide | { kind: 'not-in-tenant' },
  realm: Realm | AppError | undefined,
): Discovery {
  if (entra.kind === 'federated') {
    const f = entra.federation;
    const found = fromSignIn(
      f.passiveSignInUri ?? f.metadataExchangeUri ?? f.activeSignInUri,
      "Entra's sign-in URL",
    );
    if (found) return found;
  }
  if (realm instanceof AppError) {
    return {
      problem: {
        code: 'METADATA_UNREACHABLE',
        detail: `The IdP could not be found: ${realm.message}`,
        stage: 'discovery',
      },
    };
  }
  if (!realm) {
    return {
      problem: {
        code: 'METADATA_URL_UNKNOWN',
        detail: 'No metadata URL was given and discovery is off',
      },
    };
  }
  if (realm.kind === 'federated') {
    return (
      fromSignIn(realm.authUrl ?? realm.metadataUrl, 'Realm discovery') ?? {
        realm,
        problem: {
          code: 'METADATA_URL_UNKNOWN',
          detail: 'Realm discovery says the domain is federated but names no sign-in URL',
        },
      }
    );
  }
  return { realm };
}

/**
 * One on-demand or sweep check of a domain: gathers Entra's side, discovers and reads the IdP
 * metadata (concurrently), then hands everything to the pure engine.
 */
export async function checkDomain(
  deps: CheckDependencies,
  request: CheckRequest,
): Promise<Assessment> {
  return (await checkDomainDetailed(deps, request)).assessment;
}

/** A check, plus Entra's federation configuration as read (sweeps keep it to detect changes, rule 13). */
export async function checkDomainDetailed(
  deps: CheckDependencies,
  request: CheckRequest,
): Promise<{ assessment: Assessment; entra?: EntraFederation }> {
  const assessment = await runCheck(deps, request);
  deps.metrics?.countCheck(assessment.result.status);
  return { assessment: assessment.result, entra: assessment.entra };
}

async function runCheck(
  deps: CheckDependencies,
  request: CheckRequest,
): Promise<{ result: Assessment; entra?: EntraFederation }> {
  const explicit = request.metadataXml !== undefined || request.metadataUrl !== undefined;
  const [entraAnswer, realm] = await Promise.all([
    entraSide(deps, request),
    explicit ? Promise.resolve(undefined) : discoverRealm(deps, request.domain),
  ]);
  let entra: EntraSide =
    entraAnswer.kind === 'not-in-tenant'
      ? { kind: 'unknown', reason: `${request.domain} is not a domain of this tenant in Graph.` }
      : entraAnswer;
  const base = {
    domain: request.domain,
    now: request.now,
    leadDays: request.leadDays ?? deps.leadDays,
    mode: request.mode ?? 'on-demand',
    adfs: request.adfs,
    autoRolloverFact: request.autoRolloverFact,
    history: request.history,
    previousEntra: request.previousEntra,
  } as const;
  if (entra.kind === 'not-federated') return { result: assessDomain({ ...base, entra }) };

  let load: MetadataLoad | undefined;
  let passiveSignInUrl: string | undefined;
  // In a federation aggregate, the entity Entra trusts is the one to check (DESIGN §6).
  const issuerUri = entra.kind === 'federated' ? entra.federation.issuerUri : undefined;
  if (request.metadataXml !== undefined) {
    load = deps.metadata.read(request.metadataXml, undefined, { issuerUri });
  } else if (request.metadataUrl !== undefined) {
    load = await deps.metadata.load(request.metadataUrl, { given: true, issuerUri });
  } else {
    const found = discover(entraAnswer, realm);
    passiveSignInUrl = found.passiveSignInUrl;
    if (found.realm && found.realm.kind !== 'federated' && entra.kind !== 'federated') {
      const detail =
        found.realm.kind === 'managed'
          ? `${request.domain} is a managed (cloud-only) domain: there is no federation trust to check.`
          : `${request.domain} is not registered with Microsoft Entra ID.`;
      entra = { kind: 'not-federated', detail };
      return { result: assessDomain({ ...base, entra }) };
    }
    if (found.url) load = await deps.metadata.load(found.url, { issuerUri });
    else if (found.problem) load = { ok: false, problem: found.problem };
  }
  const metadata: LoadedMetadata | undefined = load?.ok ? load.metadata : undefined;
  const problem =
    load && !load.ok
      ? { ...load.problem, failedSweepsInARow: request.failedSweepsInARow }
      : undefined;
  // The collector's AD FS snapshot for this IdP, unless the caller gave one (--adfs-properties-file).
  const adfs =
    base.adfs ??
    (metadata && deps.snapshots
      ? await deps.snapshots.adfsFor({
          entityId: metadata.parsed.entityId,
          metadataUrl: metadata.url,
        })
      : undefined);
  const result = assessDomain({
    ...base,
    adfs,
    entra,
    metadata,
    metadataProblem: problem,
    passiveSignInUrl,
    tls: metadata?.tls ? { host: metadata.tls.host, notAfter: metadata.tls.notAfter } : undefined,
  });
  return { result, entra: entra.kind === 'federated' ? entra.federation : undefined };
}
