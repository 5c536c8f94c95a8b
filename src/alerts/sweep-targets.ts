import type { CheckDependencies } from '../checks/check-domain';
import { checkDomainDetailed } from '../checks/check-domain';
import { longestLead } from '../engine/alert-audience';
import type { EntraFederation } from '../engine/entra-federation';
import {
  assessmentKey,
  domainIdpKey,
  parseWatchKey,
  targetRunKey,
  WATCH_ALL_KEY,
  type WatchTarget,
} from '../engine/subject';
import type { Assessment } from '../engine/types';
import type { MetadataLoad, MetadataSource } from '../sources/metadata-source';
import type { Logger } from 'pino';
import { isAppError } from '../errors';
import type { GraphDirectory } from '../sources/graph-directory';
import type {
  AssessmentStore,
  AuditLog,
  ConversationStore,
  WatchRecord,
  WatchStore,
} from '../store/store';
import { refreshWatchAll, type WatchAllDependencies } from '../use-cases/watch-all';

/** What checking targets reads and writes: the watches, each one's lead, and assessments. */
export type TargetStore = Pick<
  WatchStore,
  'listActiveWatches' | 'getAutoRollover' | 'addWatch' | 'removeWatch' | 'listWatches'
> &
  AuditLog &
  Pick<ConversationStore, 'getConversation'> &
  AssessmentStore;
import { storedExchangeResults, sweepExchange, type SweptTarget } from './sweep-exchange';

export interface TargetDependencies {
  store: TargetStore;
  clock: () => Date;
}

/** The metadata could not be read (rule 9): the sweep knows nothing about the certificates. */
export function isUnreadable(a: Assessment): boolean {
  return a.findings.some(
    (f) => f.code.startsWith('METADATA_') && f.code !== 'METADATA_SIGNATURE_INVALID',
  );
}

/** Fetches each URL once per sweep however many domains share it (DESIGN §8). */
export function oncePerUrl(source: MetadataSource): MetadataSource {
  const loads = new Map<string, Promise<MetadataLoad>>();
  return Object.assign(Object.create(source) as MetadataSource, {
    load(url: string, options?: { trusted?: boolean; issuerUri?: string }): Promise<MetadataLoad> {
      // Entra's issuerUri picks the entity of an aggregate: the same URL may read as another entity.
      const key = `${url}\u0000${options?.issuerUri ?? ''}`;
      let load = loads.get(key);
      if (!load) {
        load = source.load(url, { ...options, revalidate: true });
        loads.set(key, load);
      }
      return load;
    },
  });
}

export interface Target {
  watch: WatchTarget;
  /** The longest lead any watching conversation asked for (`set lead`), at least ALERT_LEAD_DAYS. */
  leadDays: number;
}

/**
 * Distinct watch targets (a domain with its explicit metadata URL, or the Exchange trust): each checked
 * once however many conversations watch it, with the longest lead among them (rule 4 fires that early;
 * the alert planner then posts to each conversation when its own lead opens).
 */
async function targets(
  store: Pick<ConversationStore, 'getConversation'>,
  watches: WatchRecord[],
  defaultLeadDays: number,
): Promise<Target[]> {
  const leads = new Map<string, number | undefined>();
  for (const id of new Set(watches.map((w) => w.conversationId)))
    leads.set(id, (await store.getConversation(id))?.leadDays);
  const seen = new Map<string, { watch: WatchTarget; leads: (number | undefined)[] }>();
  // `watch all` is not checked itself: the domains it brought are watch rows of their own.
  for (const w of watches.filter((x) => x.domain !== WATCH_ALL_KEY)) {
    const watch = parseWatchKey(w.domain, w.metadataUrl);
    const key = targetRunKey(watch);
    const target = seen.get(key) ?? { watch, leads: [] };
    target.leads.push(leads.get(w.conversationId));
    seen.set(key, target);
  }
  return [...seen.values()].map(({ watch, leads: l }) => ({
    watch,
    leadDays: longestLead(l, defaultLeadDays),
  }));
}

/** Every target of a sweep now: the active watches, each (domain, URL) once, with the longest lead. */
export async function listTargets(store: TargetStore, defaultLeadDays: number): Promise<Target[]> {
  return targets(store, await store.listActiveWatches(), defaultLeadDays);
}

/**
 * Before a sweep lists its targets: `watch all` conversations get the domains federated since the last
 * sweep and lose those no longer federated. A Graph failure changes nothing (logged).
 */
export async function refreshWatchAllTargets(
  deps: WatchAllDependencies & { logger: Logger },
  graph: Pick<GraphDirectory, 'federatedDomains'> | undefined,
): Promise<void> {
  try {
    const changes = await refreshWatchAll(deps, graph && (() => graph.federatedDomains()));
    for (const c of changes.filter((x) => x.added.length + x.removed.length > 0))
      deps.logger.info(c, 'watch all: federated domains changed');
  } catch (error) {
    deps.logger.warn(
      { err: isAppError(error) ? error.message : String(error) },
      'watch all: Graph could not list the federated domains; the watches stay as they are',
    );
  }
}

/** A target's identity within a run (a retried job counts once). */
export function targetKey(target: Target): string {
  return targetRunKey(target.watch);
}

/** Checks one target and stores what was found; the planning reads it back (shared sweeps). */
export async function sweepTarget(
  deps: TargetDependencies,
  checks: CheckDependencies,
  target: Target,
): Promise<SweptTarget[]> {
  const { watch } = target;
  return watch.kind === 'exchange'
    ? sweepExchange(deps.store, checks, deps.clock)
    : [await sweepOne(deps, checks, watch, target.leadDays)];
}

/**
 * The targets' assessments as the last sweep stored them: what a shared sweep plans from once every
 * target's job is done (possibly on other replicas).
 */
export async function storedResults(
  store: AssessmentStore,
  work: Target[],
  mfgMetadataUrl: string,
): Promise<SweptTarget[]> {
  const out: SweptTarget[] = [];
  for (const { watch } of work) {
    if (watch.kind === 'exchange') {
      out.push(...(await storedExchangeResults(store, mfgMetadataUrl)));
      continue;
    }
    const s = await store.getAssessment(watch.domain);
    if (s?.idpKey) {
      const assessment = s.assessment;
      out.push({ assessment, idpKey: s.idpKey, watch, unreadable: isUnreadable(assessment) });
    }
  }
  return out;
}

async function sweepOne(
  deps: TargetDependencies,
  checks: CheckDependencies,
  watch: Extract<WatchTarget, { kind: 'domain' }>,
  leadDays: number,
): Promise<SweptTarget> {
  const key = assessmentKey({ kind: 'domain', domain: watch.domain });
  const previous = await deps.store.getSweepFacts(key);
  const previousIdp = previous?.idpKey;
  const history = previousIdp ? await deps.store.certificateHistory(previousIdp) : undefined;
  const { assessment, entra } = await checkDomainDetailed(checks, {
    domain: watch.domain,
    now: deps.clock(),
    mode: 'sweep',
    metadataUrl: watch.metadataUrl,
    leadDays,
    autoRolloverFact: await deps.store.getAutoRollover(watch.domain),
    history,
    // Stored as JSON: dates come back as strings, which rule 13 never reads (it compares ids and URIs).
    previousEntra: previous?.entra as EntraFederation | undefined,
    failedSweepsInARow: (previous?.failedSweeps ?? 0) + 1,
  });
  const idpKey = domainIdpKey(watch.domain, assessment.idp, previousIdp);
  const unreadable = isUnreadable(assessment);
  await deps.store.saveAssessment({
    domain: key,
    checkedAt: deps.clock(),
    status: assessment.status,
    idpKey,
    assessment,
    entra,
    failedSweeps: unreadable ? (previous?.failedSweeps ?? 0) + 1 : 0,
  });
  return {
    assessment,
    idpKey,
    watch,
    unreadable,
    ...(history && idpKey === previousIdp ? { published: history.published } : {}),
  };
}
