import type { IncomingMessage } from 'node:http';
import { makeCert, type GeneratedCert } from './certs';
import {
  CLIENT as ENTRA_CLIENT,
  TENANT as ENTRA_TENANT,
  startEntraStandIn,
  type EntraStandIn,
} from './entra-stand-in';
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
const AUTH_SUBJECT = 'CN=Microsoft Exchange Server Auth Certificate';
const MSGRAPH = '00000003-0000-0000-c000-000000000000';

/**
 * Routes for the Entra stand-in (test/support/entra-stand-in.ts): the paths the reader asks for,
 * answered with the fixtures. Returns a function that changes the answers (e.g. after an upload).
 */
export function hybridGraphRoutes(
  routes: Map<string, (req: IncomingMessage) => [number, unknown, Record<string, string>?]>,
  graphOrigin: string,
  initial: HybridGraph = {},
  read: (name: string) => unknown = hybridJson,
): (next: HybridGraph) => void {
  let state = initial;
  const hybridJson = read;
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

/**
 * The design's §4.3 story placed around `now` (for the demo and the Playground test, which run on the
 * real clock): the Auth certificate has 57 days left, the monitor staged its successor 3 days ago,
 * effective in 27 days, and the app holds only the current one — a warning, by the design's timings.
 * Real certificates generated for these dates; every other answer is the fixtures'.
 */
export async function hybridScenario(now: Date): Promise<(name: string) => unknown> {
  const DAY = 86_400_000;
  const staged = new Date(now.getTime() - 3 * DAY);
  const cur = await makeCert(
    AUTH_SUBJECT,
    new Date(staged.getTime() - 1766 * DAY),
    new Date(staged.getTime() + 60 * DAY),
  );
  const next = await makeCert(AUTH_SUBJECT, staged, new Date(staged.getTime() + 1826 * DAY));
  const effective = new Date(staged.getTime() + 30 * DAY);
  const certificate = (c: GeneratedCert, slot: string) => ({
    Slot: slot,
    Thumbprint: c.info.thumbprintSha1,
    FoundOnServer: true,
    HasPrivateKey: true,
    Certificate: {
      Subject: AUTH_SUBJECT,
      Issuer: AUTH_SUBJECT,
      SerialNumber: c.info.serialNumber,
      Thumbprint: c.info.thumbprintSha1,
      NotBefore: `/Date(${c.info.notBefore.getTime()})/`,
      NotAfter: `/Date(${c.info.notAfter.getTime()})/`,
      RawData: c.info.base64,
    },
  });
  const body = hybridJson('collector-auth-next-staged.ps7.json') as {
    collectedAt: string;
    exchangeAuth: { authConfig: Record<string, unknown>; authCertificates: unknown[] };
  };
  body.collectedAt = now.toISOString();
  Object.assign(body.exchangeAuth.authConfig, {
    CurrentCertificateThumbprint: cur.info.thumbprintSha1,
    NextCertificateThumbprint: next.info.thumbprintSha1,
    NextCertificateEffectiveDate: effective.toISOString(),
    WhenChangedUTC: staged.toISOString(),
  });
  body.exchangeAuth.authCertificates = [certificate(cur, 'Current'), certificate(next, 'Next')];
  const key = (c: GeneratedCert, keyId: string) => ({
    customKeyIdentifier: c.info.thumbprintSha1,
    displayName: 'Added by ConfigureExchangeHybridApplication.ps1',
    endDateTime: c.info.notAfter.toISOString(),
    key: c.info.base64,
    keyId,
    startDateTime: c.info.notBefore.toISOString(),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  });
  const app = (keys: unknown[]) => ({
    ...(hybridJson('graph-app-holds-none.json') as object),
    keyCredentials: keys,
  });
  const generated: Record<string, unknown> = {
    'collector-auth-next-staged.ps7.json': body,
    'graph-app-holds-current-only.json': app([key(cur, '0c7d4b1e-2f3a-4b5c-8d6e-7f8091a2b3c4')]),
    'graph-app-holds-current-and-next.json': app([
      key(cur, '0c7d4b1e-2f3a-4b5c-8d6e-7f8091a2b3c4'),
      key(next, '6e5f4a3b-2c1d-4e0f-9a8b-7c6d5e4f3a2b'),
    ]),
  };
  return (name) => generated[name] ?? hybridJson(name);
}

/** Local HTTPS stand-ins for login.microsoftonline.com and Graph that answer the hybrid reads. */
export async function startHybridEntra(
  read: (name: string) => unknown,
  ports: { login?: number; graph?: number } = {},
): Promise<{
  standIn: EntraStandIn;
  env: Record<string, string>;
  set: (next: HybridGraph) => void;
}> {
  const standIn = await startEntraStandIn(ports);
  const graphOrigin = `https://localhost:${standIn.graph.port}`;
  const set = hybridGraphRoutes(standIn.routes, graphOrigin, {}, read);
  return {
    standIn,
    set,
    env: {
      GRAPH_TENANT_ID: ENTRA_TENANT,
      GRAPH_CLIENT_ID: ENTRA_CLIENT,
      GRAPH_CLIENT_SECRET: 'demo-secret',
      GRAPH_BASE_URL: graphOrigin,
      LOGIN_BASE_URL: `https://localhost:${standIn.login.port}`,
    },
  };
}

/** What Send-FedTrustSnapshot.ps1 does: POST the body with the collector token. */
export async function postCollectorBody(
  botUrl: string,
  token: string,
  body: unknown,
): Promise<number> {
  const response = await fetch(`${botUrl}/api/collector/snapshots`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify(body),
  });
  return response.status;
}
