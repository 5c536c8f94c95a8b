import type { IncomingMessage } from 'node:http';
import {
  mergeExchangeAuth,
  parseExchangeAuth,
  type ExchangeAuth,
} from '../../src/engine/exchange-auth';
import {
  parseApplication,
  parseAssignments,
  parseGraphRoles,
  parseServicePrincipal,
  type HybridEntra,
} from '../../src/engine/hybrid-entra';
import { readFixture } from './fixtures';

/** The synthetic Exchange hybrid fixtures (scripts/make-exchange-hybrid-fixtures.ts). */
export const HYBRID = 'exchange-hybrid';

export function hybridJson(name: string): unknown {
  return JSON.parse(readFixture(`${HYBRID}/${name}`)) as unknown;
}

export const IDS = hybridJson('ids.json') as {
  organizationGuid: string;
  tenantId: string;
  appId: string;
  appObjectId: string;
  appServicePrincipalId: string;
  exchangeOnlineServicePrincipalId: string;
  microsoftGraphServicePrincipalId: string;
  thumbprints: Record<'cur' | 'next' | 'old' | 'lapsed' | 'foreign', string>;
};

/** A collector fixture as the store would give it back: received at `receivedAt`. */
export function authFixture(name: string, receivedAt?: Date): ExchangeAuth {
  const parsed = parseExchangeAuth(hybridJson(name), { receivedAt });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.auth;
}

export function authFixtures(names: string[], receivedAt?: Date): ExchangeAuth {
  return mergeExchangeAuth(names.map((n) => authFixture(n, receivedAt)))!;
}

export interface EntraFixtures {
  app?: string;
  sp?: string | null;
  consent?: string;
  legacy?: string;
  graphRoles?: string;
}

/** Entra's side from Graph fixtures; defaults: the app holds current only, consented, legacy SP clean. */
export function entraFixture(files: EntraFixtures = {}): HybridEntra {
  const app = files.app === undefined ? 'graph-app-holds-current-only.json' : files.app;
  const sp = files.sp === undefined ? 'graph-app-sp.json' : files.sp;
  return {
    kind: 'known',
    app: app ? parseApplication(hybridJson(app)) : undefined,
    foundBy: 'auth-server',
    appServicePrincipal: sp ? parseServicePrincipal(hybridJson(sp)) : undefined,
    assignments: parseAssignments(hybridJson(files.consent ?? 'graph-app-sp-consent.json')),
    exchangeOnlineSpId: IDS.exchangeOnlineServicePrincipalId,
    microsoftGraph: files.graphRoles ? parseGraphRoles(hybridJson(files.graphRoles)) : undefined,
    legacyServicePrincipal: parseServicePrincipal(
      hybridJson(files.legacy ?? 'graph-legacy-sp-clean.json'),
    ),
  };
}

/** What the Graph stand-in answers for the hybrid reads (design §3.2), by fixture name. */
export interface HybridGraph {
  /** G1; null: no such application (404). */
  app?: string | null;
  /** G3; null: no service principal. */
  sp?: string | null;
  consent?: string;
  legacy?: string;
  graphRoles?: string;
  /** G4 in two pages instead of one. */
  pagedHolders?: boolean;
  /** Every hybrid read answers 403 (no Application.Read.All). */
  forbidden?: boolean;
}

const EXO = '00000002-0000-0ff1-ce00-000000000000';
const MSGRAPH = '00000003-0000-0000-c000-000000000000';

/**
 * Routes for the Entra stand-in (test/support/entra-stand-in.ts): the paths the reader asks for,
 * answered with the fixtures. Returns a function that changes the answers (e.g. after an upload).
 */
export function hybridGraphRoutes(
  routes: Map<string, (req: IncomingMessage) => [number, unknown, Record<string, string>?]>,
  graphOrigin: string,
  initial: HybridGraph = {},
): (next: HybridGraph) => void {
  let state = initial;
  const json = (name: string | null | undefined, fallback: string) => (): [number, unknown] => {
    if (state.forbidden) return [403, hybridJson('graph-403.json')];
    const file = name === undefined ? fallback : name;
    return file === null
      ? [404, { error: { code: 'Request_ResourceNotFound', message: 'not found' } }]
      : [200, hybridJson(file)];
  };
  const set = (path: string, answer: () => [number, unknown]) => routes.set(path, answer);
  const spFields = 'id,appId,displayName,accountEnabled,keyCredentials,passwordCredentials';
  const apply = () => {
    set(`/servicePrincipals(appId='${EXO}')?$select=${spFields}`, () =>
      json(state.legacy, 'graph-legacy-sp-clean.json')(),
    );
    set(
      `/applications(appId='${IDS.appId}')?$select=id,appId,displayName,createdDateTime,keyCredentials,passwordCredentials,requiredResourceAccess`,
      () => json(state.app, 'graph-app-holds-current-only.json')(),
    );
    set(
      `/applications?$filter=displayName eq 'ExchangeServerApp-${IDS.organizationGuid}'&$select=id,appId,displayName`,
      () =>
        json(
          state.app === null ? 'graph-app-list-empty.json' : 'graph-app-list-by-name.json',
          '',
        )(),
    );
    set(`/servicePrincipals(appId='${IDS.appId}')?$select=${spFields}`, () =>
      json(state.sp, 'graph-app-sp.json')(),
    );
    set(
      `/servicePrincipals(appId='${IDS.appId}')/appRoleAssignments?$select=id,appRoleId,resourceId,resourceDisplayName,createdDateTime`,
      () => json(state.consent, 'graph-app-sp-consent.json')(),
    );
    set(`/servicePrincipals(appId='${MSGRAPH}')?$select=id,appRoles`, () =>
      json(state.graphRoles, 'graph-msgraph-approles.json')(),
    );
    const holders = `/servicePrincipals/${IDS.exchangeOnlineServicePrincipalId}/appRoleAssignedTo?$select=id,appRoleId,principalId,principalDisplayName,principalType,createdDateTime`;
    set(holders, () => {
      if (state.forbidden) return [403, hybridJson('graph-403.json')];
      if (!state.pagedHolders) return [200, hybridJson('graph-exo-approleassignedto.json')];
      const page = hybridJson('graph-exo-approleassignedto.page1.json') as Record<string, string>;
      // Graph's next link, on this Graph host.
      page['@odata.nextLink'] = `${graphOrigin}/v1.0${holders}&$skiptoken=page2`;
      return [200, page];
    });
    set(`${holders}&$skiptoken=page2`, () => [
      200,
      hybridJson('graph-exo-approleassignedto.page2.json'),
    ]);
    set(`/servicePrincipals/${IDS.appServicePrincipalId}?$select=appId,displayName`, () =>
      json('graph-holder-sp.json', '')(),
    );
  };
  apply();
  return (next) => {
    state = next;
  };
}
