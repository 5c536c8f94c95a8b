import { GraphDirectory } from '../../src/sources/graph-directory';
import { HybridAppReader } from '../../src/sources/hybrid-app-reader';
import { startEntraStandIn, TENANT, CLIENT, type EntraStandIn } from '../support/entra-stand-in';
import { IDS, hybridGraphRoutes, type HybridGraph } from '../support/exchange-hybrid';
import { requireTestCa } from '../support/tls';

requireTestCa();

let entra: EntraStandIn;
let reader: HybridAppReader;

beforeAll(async () => {
  entra = await startEntraStandIn();
  reader = new HybridAppReader(
    new GraphDirectory(
      { tenantId: TENANT, clientId: CLIENT, clientSecret: 'test-secret' },
      `https://localhost:${entra.graph.port}`,
      `https://localhost:${entra.login.port}`,
    ),
  );
});

afterAll(() => entra.close());

function answer(graph: HybridGraph): void {
  entra.routes.clear();
  entra.graphRequests.length = 0;
  hybridGraphRoutes(entra.routes, `https://localhost:${entra.graph.port}`, graph);
}

const paths = () => entra.graphRequests.map((r) => decodeURIComponent(r.path).split('?')[0] ?? '');

describe('HybridAppReader against a local Graph (design/exchange-hybrid.md §3.2)', () => {
  it('finds the app by the auth server appId, with its keys, consent and the legacy principal', async () => {
    answer({
      app: 'graph-app-holds-current-and-next.json',
      legacy: 'graph-legacy-sp-with-keys.json',
    });
    const entraSide = await reader.read({ appId: IDS.appId });
    if (entraSide.kind !== 'known') throw new Error(entraSide.reason);
    expect(entraSide.foundBy).toBe('auth-server');
    expect(entraSide.app?.keyCredentials.map((k) => k.thumbprint)).toEqual([
      IDS.thumbprints.cur,
      IDS.thumbprints.next,
    ]);
    expect(entraSide.app?.keyCredentials[0]?.cert?.notAfter).toEqual(
      new Date('2027-01-10T09:14:22Z'),
    );
    expect(entraSide.assignments).toEqual([
      {
        appRoleId: 'dc890d15-9560-4a4c-9b7f-a736ec74ec40',
        resourceId: IDS.exchangeOnlineServicePrincipalId,
      },
    ]);
    expect(entraSide.legacyServicePrincipal?.keyCredentials).toHaveLength(2);
    expect(entraSide.exchangeOnlineSpId).toBe(IDS.exchangeOnlineServicePrincipalId);
    // full_access_as_app is consented and the workflow is EWS: Microsoft Graph's roles are not read.
    expect(paths()).not.toContain(
      "/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')",
    );
    // Every request carried the app-only token.
    expect(
      entra.graphRequests.every((r) => r.authorization?.startsWith('Bearer test-token-')),
    ).toBe(true);
  });

  it('without an appId on premises, finds it by its name ExchangeServerApp-<organization guid>', async () => {
    answer({});
    const entraSide = await reader.read({ organizationGuid: IDS.organizationGuid });
    expect(entraSide).toMatchObject({ kind: 'known', foundBy: 'name', app: { appId: IDS.appId } });
  });

  it('without a snapshot, by who holds full_access_as_app — over two pages, never the archiver', async () => {
    answer({ pagedHolders: true });
    const entraSide = await reader.read();
    expect(entraSide).toMatchObject({
      kind: 'known',
      foundBy: 'permission',
      app: { appId: IDS.appId },
    });
    expect(paths()).not.toContain('/servicePrincipals/c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f');
    expect(paths().filter((p) => p.endsWith('/appRoleAssignedTo'))).toHaveLength(2);
  });

  it('no app in Entra is a known answer (the engine says HYBRID_APP_NOT_CONFIGURED)', async () => {
    answer({ app: null });
    const entraSide = await reader.read({ organizationGuid: IDS.organizationGuid });
    expect(entraSide).toEqual({
      kind: 'known',
      legacyServicePrincipal: expect.objectContaining({ id: IDS.exchangeOnlineServicePrincipalId }),
      exchangeOnlineSpId: IDS.exchangeOnlineServicePrincipalId,
    });
  });

  it("reads Microsoft Graph's roles by value when full_access_as_app is not consented", async () => {
    answer({ consent: 'graph-app-graph-consent.json' });
    const entraSide = await reader.read({ appId: IDS.appId });
    expect(entraSide.kind === 'known' && entraSide.microsoftGraph?.roleIds['Calendars.Read']).toBe(
      '798ee544-9d2d-430c-a058-570e29e34338',
    );
  });

  it('without Application.Read.All (403): one-sided, and says which permission to grant', async () => {
    answer({ forbidden: true });
    const entraSide = await reader.read({ appId: IDS.appId });
    expect(entraSide).toEqual({
      kind: 'unknown',
      reason: expect.stringMatching(
        /HTTP 403\): grant Application\.Read\.All with admin consent\.$/,
      ),
    });
  });
});
