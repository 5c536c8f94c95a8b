import {
  EXCHANGE_ONLINE_APP_ID,
  FULL_ACCESS_AS_APP,
  HYBRID_APP_PREFIX,
  MICROSOFT_GRAPH_APP_ID,
  hybridAppHolders,
  parseApplication,
  parseAssignments,
  parseGraphRoles,
  parseServicePrincipal,
  type HybridEntra,
} from '../engine/hybrid-entra';
import { isObject, pickString } from '../engine/ps-json';
import { isAppError } from '../errors';
import type { GraphDirectory } from './graph-directory';

/** What the on-premises side says about the app (the Auth snapshot), when there is one. */
export interface HybridAppHint {
  /** The EvoSts auth server's ApplicationIdentifier (a GUID). */
  appId?: string;
  organizationGuid?: string;
  /** RouteThroughMSGraph is on: consent is judged on Microsoft Graph's roles. */
  graphWorkflow?: boolean;
}

const APP_FIELDS =
  'id,appId,displayName,createdDateTime,keyCredentials,passwordCredentials,requiredResourceAccess';
const SP_FIELDS = 'id,appId,displayName,accountEnabled,keyCredentials,passwordCredentials';
const MAX_PAGES = 20;

const byAppId = (collection: string, appId: string) =>
  `/${collection}(appId='${encodeURIComponent(appId)}')`;

/**
 * Reads Entra's half of the Exchange hybrid trust with Application.Read.All only
 * (design/exchange-hybrid.md §3.2): the legacy first-party principal (G2), the dedicated app by
 * the auth server's appId (G1), else by name (G1b), else by who holds full_access_as_app (G4),
 * its service principal and consent (G3, G3b). Single-object reads, so `key` is returned.
 */
export class HybridAppReader {
  constructor(private readonly graph: GraphDirectory) {}

  /** null for a 404: the object does not exist. */
  private async optional(path: string): Promise<unknown> {
    try {
      return await this.graph.read(path);
    } catch (error) {
      if (isAppError(error, 'GRAPH_NOT_FOUND')) return null;
      throw error;
    }
  }

  /** Every page of a list, following @odata.nextLink on the Graph host only. */
  private async all(path: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let next: string | undefined = path;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const json = await this.graph.read(next);
      if (!isObject(json)) break;
      if (Array.isArray(json.value)) items.push(...(json.value as unknown[]));
      const link = pickString(json, '@odata.nextLink');
      next = undefined;
      if (link && URL.canParse(link)) {
        const url = new URL(link);
        if (url.host === this.graph.host)
          next = `${url.pathname.replace(/^\/v1\.0/, '')}${url.search}`;
      }
    }
    return items;
  }

  private async findAppId(hint: HybridAppHint | undefined, exoSpId: string | undefined) {
    if (hint?.appId) return { appId: hint.appId, foundBy: 'auth-server' as const };
    if (hint?.organizationGuid) {
      const name = `${HYBRID_APP_PREFIX}${hint.organizationGuid}`;
      const list = await this.graph.read(
        `/applications?$filter=${encodeURIComponent(`displayName eq '${name}'`)}&$select=id,appId,displayName`,
      );
      const found = parseApplication(list);
      return found ? { appId: found.appId, foundBy: 'name' as const } : undefined;
    }
    if (!exoSpId) return undefined;
    const holders = hybridAppHolders({
      value: await this.all(
        `/servicePrincipals/${encodeURIComponent(exoSpId)}/appRoleAssignedTo?$select=id,appRoleId,principalId,principalDisplayName,principalType,createdDateTime`,
      ),
    });
    for (const holder of holders) {
      const sp = await this.optional(
        `/servicePrincipals/${encodeURIComponent(holder.principalId)}?$select=appId,displayName`,
      );
      const appId = isObject(sp) ? pickString(sp, 'appId') : undefined;
      if (appId) return { appId, foundBy: 'permission' as const };
    }
    return undefined;
  }

  /** Entra's side, or why it could not be read (403: no Application.Read.All; one-sided). */
  async read(hint?: HybridAppHint): Promise<HybridEntra> {
    try {
      const legacyJson = await this.optional(
        `${byAppId('servicePrincipals', EXCHANGE_ONLINE_APP_ID)}?$select=${SP_FIELDS}`,
      );
      const legacy = legacyJson ? parseServicePrincipal(legacyJson) : undefined;
      const found = await this.findAppId(hint, legacy?.id);
      const appJson = found
        ? await this.optional(`${byAppId('applications', found.appId)}?$select=${APP_FIELDS}`)
        : null;
      const app = appJson ? parseApplication(appJson) : undefined;
      if (!app)
        return { kind: 'known', legacyServicePrincipal: legacy, exchangeOnlineSpId: legacy?.id };
      const spJson = await this.optional(
        `${byAppId('servicePrincipals', app.appId)}?$select=${SP_FIELDS}`,
      );
      const appServicePrincipal = spJson ? parseServicePrincipal(spJson) : undefined;
      const assignments = appServicePrincipal
        ? parseAssignments({
            value: await this.all(
              `${byAppId('servicePrincipals', app.appId)}/appRoleAssignments?$select=id,appRoleId,resourceId,resourceDisplayName,createdDateTime`,
            ),
          })
        : [];
      const hasEws = assignments.some((a) => a.appRoleId === FULL_ACCESS_AS_APP);
      const graphJson =
        !hasEws || hint?.graphWorkflow
          ? await this.optional(
              `${byAppId('servicePrincipals', MICROSOFT_GRAPH_APP_ID)}?$select=id,appRoles`,
            )
          : null;
      return {
        kind: 'known',
        app,
        foundBy: found?.foundBy,
        appServicePrincipal,
        assignments,
        exchangeOnlineSpId: legacy?.id,
        microsoftGraph: graphJson ? parseGraphRoles(graphJson) : undefined,
        legacyServicePrincipal: legacy,
      };
    } catch (error) {
      if (isAppError(error)) return { kind: 'unknown', reason: `${error.message}.` };
      throw error;
    }
  }
}
