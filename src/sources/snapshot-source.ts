import { parseAdfsSnapshot, type AdfsSnapshot } from '../engine/adfs-snapshot';
import { mergeExchangeAuth, parseExchangeAuth, type ExchangeAuth } from '../engine/exchange-auth';
import { parseExchangeTrust, type ExchangeTrust } from '../engine/exchange-trust';
import { isObject } from '../engine/ps-json';
import type { SnapshotKind, SnapshotRecord, SnapshotStore } from '../store/store';

/** One organisation's latest Exchange federation trust, as the collector last sent it. */
export interface OrganizationTrust {
  organization: string;
  computerName?: string;
  trust: ExchangeTrust;
}

/** Compares entityIDs and URLs the way AD FS writes them: case and a trailing slash do not matter. */
function sameId(a: string | undefined, b: string | undefined): boolean {
  const normal = (s: string) => s.trim().toLowerCase().replace(/\/+$/, '');
  return a !== undefined && b !== undefined && normal(a) === normal(b);
}

function hostOf(url: string | undefined): string | undefined {
  return url && URL.canParse(url) ? new URL(url).hostname.toLowerCase() : undefined;
}

function toAdfs(record: SnapshotRecord): AdfsSnapshot | undefined {
  const payload = isObject(record.payload) ? record.payload : {};
  const certificates: unknown[] = Array.isArray(payload.certificates) ? payload.certificates : [];
  const items = [payload.properties, ...certificates].filter((i) => i !== undefined && i !== null);
  const parsed = parseAdfsSnapshot(items);
  return parsed.ok ? { ...parsed.snapshot, receivedAt: record.receivedAt } : undefined;
}

/**
 * The collector's snapshots as the engine reads them (DESIGN §5 "collector snapshots"). Payloads are
 * stored as received and parsed here, so a better parser applies to snapshots already kept.
 */
export class SnapshotSource {
  constructor(private readonly store: Pick<SnapshotStore, 'listSnapshots'>) {}

  /**
   * The same source reading each kind of snapshot from the store once (a sweep: thousands of checks,
   * each asking for its AD FS farm, would otherwise read and parse every snapshot every time).
   */
  once(): SnapshotSource {
    const lists = new Map<SnapshotKind | undefined, Promise<SnapshotRecord[]>>();
    return new SnapshotSource({
      listSnapshots: (kind) => {
        let list = lists.get(kind);
        if (!list) {
          list = this.store.listSnapshots(kind);
          lists.set(kind, list);
        }
        return list;
      },
    });
  }

  /** Every organisation's latest Exchange trust (one per trust name), oldest organisation name first. */
  async exchangeTrusts(organization?: string): Promise<OrganizationTrust[]> {
    const out: OrganizationTrust[] = [];
    for (const record of await this.store.listSnapshots('exchange-trust')) {
      if (organization && record.organization.toLowerCase() !== organization.toLowerCase())
        continue;
      const parsed = parseExchangeTrust(record.payload);
      if (!parsed.ok) continue;
      out.push({
        organization: record.organization,
        computerName: record.computerName,
        trust: { ...parsed.trust, receivedAt: record.receivedAt },
      });
    }
    return out;
  }

  /**
   * Every organisation's Exchange Auth facts (collector 1.1), merged over its reporting servers:
   * slots from the newest snapshot, each server's own certificate view.
   */
  async exchangeAuth(
    organization?: string,
  ): Promise<{ organization: string; auth: ExchangeAuth }[]> {
    const byOrganization = new Map<string, { organization: string; parts: ExchangeAuth[] }>();
    for (const record of await this.store.listSnapshots('exchange-auth')) {
      if (organization && record.organization.toLowerCase() !== organization.toLowerCase())
        continue;
      const parsed = parseExchangeAuth(record.payload, {
        computerName: record.computerName ?? record.sourceKey,
        receivedAt: record.receivedAt,
        collectedAt: record.collectedAt,
      });
      if (!parsed.ok) continue;
      const auth = parsed.auth;
      const key = record.organization.toLowerCase();
      const entry = byOrganization.get(key) ?? { organization: record.organization, parts: [] };
      entry.parts.push(auth);
      byOrganization.set(key, entry);
    }
    return [...byOrganization.values()].flatMap(({ organization: name, parts }) => {
      const auth = mergeExchangeAuth(parts);
      return auth ? [{ organization: name, auth }] : [];
    });
  }

  /** Organisation names that sent an Exchange trust or Auth snapshot. */
  async organizations(): Promise<string[]> {
    const names = [
      ...(await this.exchangeTrusts()).map((t) => t.organization),
      ...(await this.exchangeAuth()).map((a) => a.organization),
    ];
    return [...new Set(names)];
  }

  /**
   * The AD FS farm that publishes this metadata: its identifier is the entityID, or its host name
   * is the metadata URL's host. The newest snapshot wins when several match.
   */
  async adfsFor(idp: {
    entityId?: string;
    metadataUrl?: string;
  }): Promise<AdfsSnapshot | undefined> {
    const host = hostOf(idp.metadataUrl);
    let best: AdfsSnapshot | undefined;
    for (const record of await this.store.listSnapshots('adfs')) {
      const snapshot = toAdfs(record);
      if (!snapshot) continue;
      const matches =
        sameId(snapshot.identifier, idp.entityId) ||
        (host !== undefined && snapshot.hostName?.toLowerCase() === host);
      if (matches && (!best || (best.receivedAt ?? 0) < (snapshot.receivedAt ?? 0)))
        best = snapshot;
    }
    return best;
  }
}
