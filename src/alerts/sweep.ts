import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { checkDomainDetailed, type CheckDependencies } from '../checks/check-domain';
import { EXCHANGE_WATCH } from '../checks/check-exchange';
import { planAlertTransitions, type SweptFinding } from '../engine/alert-plan';
import type { EntraFederation } from '../engine/entra-federation';
import type { Assessment } from '../engine/types';
import { AppError } from '../errors';
import type { MetadataLoad, MetadataSource } from '../sources/metadata-source';
import type { Store, WatchRecord } from '../store/store';
import { sweepExchange, type SweptTarget } from './sweep-exchange';

export const SWEEP_LEASE = 'sweep';
/** A lease left by a killed sweep expires within this (DESIGN §7: within 60 s). */
export const SWEEP_LEASE_MS = 60_000;
const CONCURRENCY = 4;

export interface SweepDependencies {
  store: Store;
  checks: CheckDependencies;
  clock: () => Date;
  logger: Logger;
  escalateAfterHours: number;
}

export interface SweepResult {
  domains: number;
  results: Assessment[];
  newCertificates: { idpKey: string; thumbprints: string[] }[];
  transitions: number;
}

/**
 * The IdP an assessment belongs to: entityID and metadata URL (DESIGN §4 "Alerts"). When the metadata
 * could not be read the entityID is unknown: the IdP keeps the key it had (so its alerts can resolve
 * when the metadata is back), else it is keyed by its URL, or by the domain when even that is unknown.
 */
export function idpKeyOf(a: Assessment, previousKey?: string): string {
  const url = a.idp?.metadataUrl;
  if (a.idp?.entityId && url) return `${a.idp.entityId}|${url}`;
  if (previousKey && (!url || previousKey.endsWith(`|${url}`))) return previousKey;
  return `?|${url ?? `domain:${a.domain}`}`;
}

/** The metadata could not be read (rule 9): the sweep knows nothing about the certificates. */
function isUnreadable(a: Assessment): boolean {
  return a.findings.some(
    (f) => f.code.startsWith('METADATA_') && f.code !== 'METADATA_SIGNATURE_INVALID',
  );
}

/** The informational notice for certificates an IdP published since the last sweep (no acknowledgement). */
function certificateNotice(idpKey: string, thumbprints: string[], assessments: Assessment[]) {
  const domains = [...new Set(assessments.map((a) => a.domain))].sort();
  const certs =
    assessments[0]?.certificates.filter(
      (c) => thumbprints.includes(c.thumbprintSha1) && c.source === 'idp-metadata',
    ) ?? [];
  return {
    idpKey,
    domains,
    title: `New token-signing certificate published for ${domains.join(', ')}`,
    lines: [
      ...certs.map(
        (c) =>
          `${c.subject} (${c.thumbprintSha1}), valid ${c.notBefore.slice(0, 10)} to ${c.notAfter.slice(0, 10)}.`,
      ),
      'Nothing to do if Entra picks it up before the IdP switches to it; fedtrust alerts here if it does not.',
    ],
  };
}

/** Fetches each URL once per sweep however many domains share it (DESIGN §8). */
function oncePerUrl(source: MetadataSource): MetadataSource {
  const loads = new Map<string, Promise<MetadataLoad>>();
  return Object.assign(Object.create(source) as MetadataSource, {
    load(url: string, options?: { trusted?: boolean }): Promise<MetadataLoad> {
      let load = loads.get(url);
      if (!load) {
        load = source.load(url, options);
        loads.set(url, load);
      }
      return load;
    },
  });
}

interface Target {
  domain: string;
  metadataUrl?: string;
  /** The longest lead any watching conversation asked for (`set lead`), at least ALERT_LEAD_DAYS. */
  leadDays: number;
}

/** Distinct (domain, explicit metadata URL) pairs: each checked once however many conversations watch it. */
async function targets(
  store: Store,
  watches: WatchRecord[],
  defaultLeadDays: number,
): Promise<Target[]> {
  const leads = new Map<string, number>();
  for (const id of new Set(watches.map((w) => w.conversationId))) {
    leads.set(id, (await store.getConversation(id))?.leadDays ?? defaultLeadDays);
  }
  const seen = new Map<string, Target>();
  for (const w of watches) {
    const key = `${w.domain}|${w.metadataUrl ?? ''}`;
    const lead = Math.max(defaultLeadDays, leads.get(w.conversationId) ?? defaultLeadDays);
    const target = seen.get(key);
    if (target) target.leadDays = Math.max(target.leadDays, lead);
    else seen.set(key, { domain: w.domain, metadataUrl: w.metadataUrl, leadDays: lead });
  }
  return [...seen.values()];
}

/**
 * One sweep (on SWEEP_CRON and `fedtrust sweep`): under the sweep lease, assess every watched domain
 * with bounded concurrency, remember each assessment and the certificates seen, and write the alert
 * transitions and their deliveries in one transaction. Sending them is the notifier's job.
 * Throws SWEEP_BUSY when another sweep holds the lease.
 */
export async function runSweep(deps: SweepDependencies): Promise<SweepResult> {
  const holder = randomUUID();
  const started = deps.clock();
  if (!(await deps.store.acquireLease(SWEEP_LEASE, holder, SWEEP_LEASE_MS, started))) {
    throw new AppError(
      'SWEEP_BUSY',
      'another sweep is running (its lease expires within 60 s if it died)',
    );
  }
  const keepAlive = setInterval(
    () => void deps.store.acquireLease(SWEEP_LEASE, holder, SWEEP_LEASE_MS, deps.clock()),
    SWEEP_LEASE_MS / 3,
  );
  try {
    const checks: CheckDependencies = {
      ...deps.checks,
      metadata: oncePerUrl(deps.checks.metadata),
    };
    const lead = { defaultLeadDays: deps.checks.leadDays };
    const work = await targets(
      deps.store,
      await deps.store.listActiveWatches(),
      lead.defaultLeadDays,
    );
    const perTarget = new Array<SweptTarget[]>(work.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < work.length) {
        const index = next++;
        const target = work[index]!;
        perTarget[index] =
          target.domain === EXCHANGE_WATCH
            ? await sweepExchange(deps.store, checks, deps.clock)
            : [await sweepOne(deps, checks, target)];
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
    const results = perTarget.flat();
    const now = deps.clock();
    const newCertificates: SweepResult['newCertificates'] = [];
    const findings: SweptFinding[] = [];
    const swept = new Set<string>();
    const unreadable = new Set<string>();
    for (const { assessment: a, idpKey, watchKey, unreadable: unread } of results) {
      swept.add(idpKey);
      if (unread) unreadable.add(idpKey);
      for (const finding of a.findings) {
        const expiresAt = a.certificates.find(
          (c) => c.thumbprintSha1 === finding.thumbprint,
        )?.notAfter;
        findings.push({ idpKey, domain: watchKey, finding, ...(expiresAt ? { expiresAt } : {}) });
      }
      const published = a.certificates
        .filter((c) => c.source === 'idp-metadata' && c.role === 'signing')
        .map((c) => c.thumbprintSha1);
      const known = (await deps.store.certificateHistory(idpKey)).published.length > 0;
      const fresh = await deps.store.recordCertificates(idpKey, published, now);
      if (fresh.length > 0 && !newCertificates.some((n) => n.idpKey === idpKey)) {
        newCertificates.push({ idpKey, thumbprints: fresh });
        // The first sweep of an IdP learns its certificates; later ones announce what is new.
        if (known)
          await deps.store.queueNotice(
            certificateNotice(
              idpKey,
              fresh,
              results.filter((r) => r.idpKey === idpKey).map((r) => r.assessment),
            ),
            now,
          );
      }
    }
    const transitions = planAlertTransitions({
      now,
      findings,
      sweptIdpKeys: [...swept],
      unreadableIdpKeys: [...unreadable],
      alerts: await deps.store.listLiveAlerts([...swept]),
      escalateAfterHours: deps.escalateAfterHours,
    });
    await deps.store.applyAlertTransitions(transitions, now, lead);
    await deps.store.catchUpPosts(now, lead);
    deps.logger.info({ domains: work.length, transitions: transitions.length }, 'sweep done');
    return {
      domains: work.length,
      results: results.map((r) => r.assessment),
      newCertificates,
      transitions: transitions.length,
    };
  } finally {
    clearInterval(keepAlive);
    await deps.store.releaseLease(SWEEP_LEASE, holder);
  }
}

async function sweepOne(
  deps: SweepDependencies,
  checks: CheckDependencies,
  target: Target,
): Promise<SweptTarget> {
  const previous = await deps.store.getAssessment(target.domain);
  const previousIdp = previous?.idpKey;
  const history = previousIdp ? await deps.store.certificateHistory(previousIdp) : undefined;
  const { assessment, entra } = await checkDomainDetailed(checks, {
    domain: target.domain,
    now: deps.clock(),
    mode: 'sweep',
    metadataUrl: target.metadataUrl,
    leadDays: target.leadDays,
    autoRolloverFact: await deps.store.getAutoRollover(target.domain),
    history,
    // Stored as JSON: dates come back as strings, which rule 13 never reads (it compares ids and URIs).
    previousEntra: previous?.entra as EntraFederation | undefined,
    failedSweepsInARow: (previous?.failedSweeps ?? 0) + 1,
  });
  const idpKey = idpKeyOf(assessment, previousIdp);
  const unreadable = isUnreadable(assessment);
  await deps.store.saveAssessment({
    domain: target.domain,
    checkedAt: deps.clock(),
    status: assessment.status,
    idpKey,
    assessment,
    entra,
    failedSweeps: unreadable ? (previous?.failedSweeps ?? 0) + 1 : 0,
  });
  return { assessment, idpKey, watchKey: target.domain, unreadable };
}
