import { hybridHint } from '../checks/check-exchange';
import { checkMfg } from '../checks/check-mfg';
import { createCheckDependencies } from '../checks/check-services';
import type { Settings } from '../config';
import { assessHybrid } from '../engine/assess-hybrid';
import { parseExchangeAuth, type ExchangeAuth } from '../engine/exchange-auth';
import { parseExchangeTrust } from '../engine/exchange-trust';
import {
  FULL_ACCESS_AS_APP,
  parseApplication,
  parseAssignments,
  parseServicePrincipal,
  type HybridEntra,
} from '../engine/hybrid-entra';
import { federationTrustUsage } from '../engine/hybrid-facts';
import { isOrganizationName } from '../engine/organization';
import { isObject, pickString } from '../engine/ps-json';
import type { Assessment } from '../engine/types';
import { bad, readInputFile, readJsonFile } from './input-files';

/** The options `fedtrust exchange` reads (parseArgs values). */
type Values = Partial<
  Record<
    | 'auth-file'
    | 'app-file'
    | 'legacy-sp-file'
    | 'consent-file'
    | 'trust-file'
    | 'mfg-metadata-file',
    string
  >
>;

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
export async function runExchange(
  v: Values,
  settings: Settings,
  now: Date,
  userAgent: string,
): Promise<Assessment[]> {
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
  const deps = createCheckDependencies(settings, userAgent);
  let entra = hybridEntraFromFiles(v);
  if (!entra) {
    entra = deps.hybridApps
      ? await deps.hybridApps.read(auth ? hybridHint(auth) : undefined)
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
