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
