import type { Settings } from '../config';
import type * as GraphModule from '../sources/graph-directory';
import type * as HybridAppModule from '../sources/hybrid-app-reader';
import { MetadataSource } from '../sources/metadata-source';
import { RealmDiscovery } from '../sources/realm-discovery';
import { SafeFetcher, type Validated } from '../sources/safe-fetcher';
import { SnapshotSource } from '../sources/snapshot-source';
import type { SnapshotStore, ValidatorStore } from '../store/store';
import type { CheckDependencies } from './check-domain';

/** The sources a check needs, built from settings (shared by the bot and the CLI). */
export function createCheckDependencies(
  settings: Settings,
  userAgent: string,
  store?: Pick<SnapshotStore, 'listSnapshots'> & ValidatorStore,
  clock: () => Date = () => new Date(),
): CheckDependencies {
  const fetcher = new SafeFetcher({
    allowPrivateHosts: settings.OUTBOUND_ALLOW_PRIVATE,
    userAgent,
    // In the store, validators serve every process and survive restarts; the CLI keeps them in memory.
    ...(store
      ? {
          validators: {
            get: (url: string) => store.getValidators(url),
            document: (hash: string) => store.getDocument(hash),
            set: (url: string, entry: Validated | undefined) =>
              store.saveValidators(url, entry, clock()),
          },
        }
      : {}),
  });
  // Graph's client and @azure/identity load only where Graph is configured (~150 ms of a CLI start).
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose */
  const graph = settings.graph
    ? new (require('../sources/graph-directory') as typeof GraphModule).GraphDirectory(
        settings.graph,
        settings.GRAPH_BASE_URL,
        settings.LOGIN_BASE_URL,
      )
    : undefined;
  const hybridApps = graph
    ? new (require('../sources/hybrid-app-reader') as typeof HybridAppModule).HybridAppReader(graph)
    : undefined;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    metadata: new MetadataSource(fetcher, store, clock),
    realm: new RealmDiscovery(fetcher, settings.LOGIN_BASE_URL),
    graph,
    hybridApps,
    graphBaseUrl: settings.GRAPH_BASE_URL,
    snapshots: store ? new SnapshotSource(store) : undefined,
    mfgMetadataUrl: settings.MFG_METADATA_URL,
    leadDays: settings.ALERT_LEAD_DAYS,
  };
}
