import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { GraphSettings } from '../config';
import { Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { EntraSide } from '../engine/assessment-input';
import { domainAndParents } from '../engine/domain';
import { parseEntraFederation } from '../engine/entra-federation';
import { isObject, pickString, unwrapList } from '../engine/ps-json';
import { AppError, isAppError } from '../errors';

/** Entra's answer for a domain, or that the tenant does not have it (then realm discovery decides). */
export type DirectoryAnswer = EntraSide | { kind: 'not-in-tenant' };

const KNOWN_AUTHORITIES = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
];
const TIMEOUT_MS = 15_000;
const MAX_RETRIES = 3;

/**
 * Microsoft Graph, app-only (Domain.Read.All): the domain's internalDomainFederation.
 * One credential per process, so MSAL's token cache serves every call until the token expires.
 */
export class GraphDirectory {
  private readonly client: Client;
  private readonly graphHost: string;

  constructor(settings: GraphSettings, graphBaseUrl: string, loginBaseUrl: string) {
    this.graphHost = new URL(graphBaseUrl).host;
    const loginHost = new URL(loginBaseUrl).host;
    const options = {
      authorityHost: loginBaseUrl,
      // MSAL validates authorities against Microsoft's list; a custom host (tests, private clouds) must opt out.
      disableInstanceDiscovery: !KNOWN_AUTHORITIES.includes(loginHost),
    };
    const credential: TokenCredential = settings.managedIdentity
      ? // App Service, Container Apps, VMs: the platform's endpoint (IDENTITY_ENDPOINT …) serves tokens.
        settings.clientId
        ? new ManagedIdentityCredential({ clientId: settings.clientId })
        : new ManagedIdentityCredential()
      : settings.clientSecret
        ? new ClientSecretCredential(
            settings.tenantId,
            settings.clientId,
            settings.clientSecret,
            options,
          )
        : new ClientCertificateCredential(
            settings.tenantId,
            settings.clientId,
            { certificatePath: settings.certificatePath ?? '' },
            options,
          );
    this.client = Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(credential, {
        scopes: [`${graphBaseUrl}/.default`],
      }),
      baseUrl: `${graphBaseUrl}/`,
      defaultVersion: 'v1.0',
      // The client sends its token only to Microsoft's Graph hosts and these (host name, no port).
      customHosts: new Set([new URL(graphBaseUrl).hostname]),
    });
  }

  /** One Graph read (a path under /v1.0), errors as AppErrors (GRAPH_AUTH_FAILED names the permission). */
  async read(path: string): Promise<unknown> {
    return this.get(path);
  }

  /** The Graph host (a next link elsewhere is never followed). */
  get host(): string {
    return this.graphHost;
  }

  private async get(path: string): Promise<unknown> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return (await this.client
        .api(path)
        .middlewareOptions([new RetryHandlerOptions(1, MAX_RETRIES)])
        .option('signal', controller.signal)
        .get()) as unknown;
    } catch (error) {
      throw toAppError(error, path, controller.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  private async federationConfiguration(domain: string): Promise<unknown> {
    return this.get(`/domains/${encodeURIComponent(domain)}/federationConfiguration`);
  }

  /**
   * The federation Entra holds for `domain`: its own, or for a subdomain without one, its federated
   * parent's (DESIGN §4 rule 11).
   */
  async federationFor(domain: string): Promise<DirectoryAnswer> {
    let json: unknown;
    try {
      json = await this.federationConfiguration(domain);
    } catch (error) {
      if (isAppError(error, 'GRAPH_NOT_FOUND')) return { kind: 'not-in-tenant' };
      throw error;
    }
    const own = parseEntraFederation(json);
    if (!own.ok)
      throw new AppError('GRAPH_FAILED', `Graph answered an unexpected shape: ${own.reason}`);
    if (own.federation)
      return { kind: 'federated', federation: own.federation, federatedDomain: domain };
    const info = await this.get(`/domains/${encodeURIComponent(domain)}`);
    const type = isObject(info) ? pickString(info, 'authenticationType')?.toLowerCase() : undefined;
    if (type !== 'federated') {
      return {
        kind: 'not-federated',
        detail: `${domain} is a ${type ?? 'managed'} domain in this tenant: there is no federation trust to check.`,
      };
    }
    for (const parent of domainAndParents(domain).slice(1)) {
      const parentJson = await this.federationConfiguration(parent).catch(() => undefined);
      const parsed = parentJson === undefined ? undefined : parseEntraFederation(parentJson);
      if (parsed?.ok && parsed.federation)
        return { kind: 'federated', federation: parsed.federation, federatedDomain: parent };
    }
    throw new AppError(
      'GRAPH_FAILED',
      `${domain} is federated but no federated parent domain was found`,
    );
  }

  /** Every federated domain of the tenant (for `check fedtrust all`). */
  async federatedDomains(): Promise<string[]> {
    const json = await this.get('/domains?$select=id,authenticationType,isVerified');
    return unwrapList(json)
      .filter((d) => pickString(d, 'authenticationType')?.toLowerCase() === 'federated')
      .map((d) => pickString(d, 'id'))
      .filter((id): id is string => id !== undefined)
      .sort();
  }
}

function toAppError(error: unknown, path: string, timedOut: boolean): AppError {
  if (timedOut)
    return new AppError(
      'GRAPH_FAILED',
      `Graph did not answer ${path} within ${TIMEOUT_MS / 1000} s`,
      { cause: error },
    );
  if (error instanceof GraphError) {
    const status = error.statusCode;
    if (status === 401 || status === 403) {
      const permission = /^\/(applications|servicePrincipals)/.test(path)
        ? 'Application.Read.All'
        : 'Domain.Read.All';
      return new AppError(
        'GRAPH_AUTH_FAILED',
        `Graph refused ${path.split('?')[0]} (HTTP ${status}): grant ${permission} with admin consent`,
        { cause: error },
      );
    }
    if (status === 404)
      return new AppError('GRAPH_NOT_FOUND', `Graph answered HTTP 404 for ${path}`, {
        cause: error,
      });
    if (status > 0)
      return new AppError('GRAPH_FAILED', `Graph answered HTTP ${status} for ${path}`, {
        cause: error,
      });
  }
  const e = error as { name?: string; message?: string };
  if (
    e.name === 'AuthenticationRequiredError' ||
    e.name === 'CredentialUnavailableError' ||
    /AADSTS|token/i.test(e.message ?? '')
  ) {
    return new AppError(
      'GRAPH_AUTH_FAILED',
      `the app could not get a Graph token: ${(e.message ?? '').split('\n')[0]}`,
      { cause: error },
    );
  }
  return new AppError(
    'GRAPH_FAILED',
    `Graph request ${path} failed: ${(e.message ?? 'unknown error').split('\n')[0]}`,
    { cause: error },
  );
}
