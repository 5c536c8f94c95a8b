import { AppError, isAppError } from '../errors';
import { isObject, pickString } from '../engine/ps-json';
import type { SafeFetcher } from './safe-fetcher';

/** What Entra's public realm discovery says about a domain. */
export type Realm =
  | { kind: 'federated'; authUrl?: string; metadataUrl?: string; brand?: string }
  | { kind: 'managed' }
  | { kind: 'unknown' };

/**
 * Reads the answer of `/common/userrealm/<user>?api-version=…`: v2.x answers NameSpaceType and
 * AuthURL, v1.0 answers account_type and federation_metadata_url (captures in fixtures/userrealm).
 */
export function parseRealm(json: unknown): Realm | undefined {
  if (!isObject(json)) return undefined;
  const type = (
    pickString(json, 'NameSpaceType') ?? pickString(json, 'account_type')
  )?.toLowerCase();
  if (type === 'managed') return { kind: 'managed' };
  if (type === 'unknown') return { kind: 'unknown' };
  if (type !== 'federated') return undefined;
  return {
    kind: 'federated',
    authUrl: pickString(json, 'AuthURL'),
    metadataUrl: pickString(json, 'federation_metadata_url'),
    brand: pickString(json, 'FederationBrandName'),
  };
}

/** AD FS publishes its metadata at a fixed path on the host of its sign-in URL (DESIGN §4 step 2). */
export const ADFS_METADATA_PATH = '/FederationMetadata/2007-06/FederationMetadata.xml';

/**
 * The metadata URL for a discovered sign-in or MEX URL: AD FS (path under /adfs/) → its fixed path;
 * anything else → undefined (that IdP needs an explicit `metadata <url>`).
 */
export function adfsMetadataUrlFor(signInUrl: string | undefined): string | undefined {
  if (!signInUrl || !URL.canParse(signInUrl)) return undefined;
  const url = new URL(signInUrl);
  if (!url.pathname.toLowerCase().startsWith('/adfs/')) return undefined;
  return `https://${url.host}${ADFS_METADATA_PATH}`;
}

export class RealmDiscovery {
  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly loginBaseUrl: string,
  ) {}

  /** Asks realm discovery about a made-up user of the domain; the login host is trusted (settings). */
  async discover(domain: string): Promise<Realm> {
    const url = `${this.loginBaseUrl}/common/userrealm/fedtrust-probe@${encodeURIComponent(domain)}?api-version=2.1`;
    let body: string;
    try {
      body = (
        await this.fetcher.fetchText(url, {
          trusted: true,
          accept: 'application/json',
          maxBytes: 256 * 1024,
        })
      ).body;
    } catch (error) {
      const why = isAppError(error) ? error.message : 'request failed';
      throw new AppError('REALM_DISCOVERY_FAILED', `realm discovery for ${domain} failed: ${why}`, {
        cause: error,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      throw new AppError('REALM_DISCOVERY_FAILED', 'realm discovery did not answer JSON', {
        cause: error,
      });
    }
    const realm = parseRealm(json);
    if (!realm)
      throw new AppError('REALM_DISCOVERY_FAILED', 'realm discovery answered an unknown shape');
    return realm;
  }
}
