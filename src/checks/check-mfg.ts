import { assessMfg } from '../engine/assess-mfg';
import type { ExchangeTrust } from '../engine/exchange-trust';
import type { Assessment } from '../engine/types';
import type { MetadataLoad, MetadataSource } from '../sources/metadata-source';

export interface MfgCheckRequest {
  now: Date;
  mode?: 'on-demand' | 'sweep';
  metadataUrl: string;
  /** `--metadata-file`: the MFG document itself. */
  metadataXml?: string;
  trust?: ExchangeTrust;
  firstSeen?: Record<string, string>;
  /** The rule-12 gate from an Auth snapshot (`fedtrust exchange --auth-file`). */
  trustUsage?: 'in-use' | 'fallback-only' | 'not-in-use';
  organization?: string;
}

/** The Microsoft Federation Gateway's certificates against the Exchange federation trust. */
export async function checkMfg(
  metadata: MetadataSource,
  request: MfgCheckRequest,
): Promise<Assessment> {
  const load: MetadataLoad =
    request.metadataXml !== undefined
      ? metadata.read(request.metadataXml)
      : await metadata.load(request.metadataUrl);
  return assessMfg({
    now: request.now,
    mode: request.mode ?? 'on-demand',
    mfg: load.ok ? load.metadata : undefined,
    mfgProblem: load.ok ? undefined : load.problem,
    trust: request.trust,
    firstSeen: request.firstSeen,
    expectedMetadataUrl: request.metadataUrl,
    trustUsage: request.trustUsage,
    organization: request.organization,
  });
}
