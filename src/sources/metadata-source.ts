import { createHash } from 'node:crypto';
import type { MetadataProblem } from '../engine/assessment-input';
import { parseMetadata, type ParsedMetadata } from '../engine/metadata-parser';
import { verifyMetadataSignature, type SignatureCheck } from '../engine/signature';
import { AppError, isAppError } from '../errors';
import type { ValidatorStore } from '../store/store';
import type { FetchResult, SafeFetcher, TlsPeer } from './safe-fetcher';

export interface LoadedMetadata {
  parsed: ParsedMetadata;
  signature: SignatureCheck;
  url?: string;
  tls?: TlsPeer;
}

export type MetadataLoad =
  { ok: true; metadata: LoadedMetadata } | { ok: false; problem: MetadataProblem };

const PARSE_CACHE_ENTRIES = 200;
/** How long (real time) a load is reused as it is, without asking the IdP again (README "Performance"). */
export const FRESH_MS = 5_000;
const RECENT_ENTRIES = 1_000;

type ReadEntry =
  { ok: true; parsed: ParsedMetadata; signature: SignatureCheck } | { ok: false; reason: string };

/** What one content (and, for an aggregate, Entra's issuerUri) reads as. */
const entryKey = (contentHash: string, issuerUri: string | undefined) =>
  `${contentHash}\u0000${issuerUri ?? ''}`;

/** Where signature checks of fetched documents are kept across processes (the store). */
export type SignatureChecks = Pick<ValidatorStore, 'getSignatureCheck' | 'saveSignatureCheck'>;

/**
 * Reads federation metadata: fetched under the outbound rules, parsed and signature-checked once per
 * distinct content (DESIGN §8: AD FS signature checks cost tens of ms; sweeps see the same bytes).
 * With a store, the signature check of a document the store keeps is kept too, so another process
 * (`fedtrust sweep`, a restarted bot) or a bot watching more documents than it caches in memory
 * only parses an unchanged document again.
 */
export class MetadataSource {
  private readonly parsedByHash = new Map<string, ReadEntry>();
  private readonly recent = new Map<string, { at: number; load: Promise<MetadataLoad> }>();

  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly checks?: SignatureChecks,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Parses a document already in hand (a file, a collector upload). `issuerUri`: Entra's, which picks
   * the entity of a federation aggregate (the same bytes can then read as different entities).
   */
  read(
    xml: string,
    url?: string,
    options: { issuerUri?: string; contentHash?: string } = {},
  ): MetadataLoad {
    // The fetcher already hashed what it fetched (or kept the hash with its validators).
    const content = options.contentHash ?? createHash('sha256').update(xml).digest('hex');
    const key = entryKey(content, options.issuerUri);
    return asLoad(
      this.parsedByHash.get(key) ?? this.remember(key, readDocument(xml, options)),
      url,
    );
  }

  private remember(key: string, entry: ReadEntry): ReadEntry {
    this.parsedByHash.set(key, entry);
    if (this.parsedByHash.size > PARSE_CACHE_ENTRIES)
      this.parsedByHash.delete(this.parsedByHash.keys().next().value as string);
    return entry;
  }

  /** A fetched document: from memory, else parsed, with its signature check from the store if kept. */
  private async readFetched(fetched: FetchResult, issuerUri: string | undefined) {
    const key = entryKey(fetched.contentHash, issuerUri);
    const cached = this.parsedByHash.get(key);
    if (cached) return cached;
    if (!this.checks || !fetched.kept)
      return this.remember(key, readDocument(fetched.body, { issuerUri }));
    const storedKey = createHash('sha256').update(key).digest('hex');
    const stored = await this.checks.getSignatureCheck(storedKey);
    const entry = readDocument(fetched.body, { issuerUri }, stored);
    if (entry.ok && !stored)
      await this.checks.saveSignatureCheck(
        storedKey,
        fetched.contentHash,
        entry.signature,
        this.clock(),
      );
    return this.remember(key, entry);
  }

  /**
   * Fetches and reads; every failure becomes a problem the engine turns into a finding — except, for a
   * URL the user `given` (`metadata <url>`, `--metadata-url`), the outbound rules refusing that URL
   * itself: that is bad input (BAD_INPUT), and nothing was fetched.
   */
  load(
    url: string,
    options: { trusted?: boolean; given?: boolean; issuerUri?: string; revalidate?: boolean } = {},
  ): Promise<MetadataLoad> {
    // Loads of the same URL within FRESH_MS share one fetch (a burst of checks, Re-check pressed by
    // several people, domains of one IdP checked together): no revalidation round trip each time.
    // A sweep always revalidates (`revalidate`): it fetches each URL once anyway (oncePerUrl).
    const key = JSON.stringify([url, options.trusted, options.given, options.issuerUri]);
    const now = performance.now();
    const recent = this.recent.get(key);
    if (recent && now - recent.at < FRESH_MS && !options.revalidate) return recent.load;
    const load = this.fetchAndRead(url, options);
    // Kept in the order loaded (delete, then set), so the oldest are first and pruning stops early.
    this.recent.delete(key);
    this.recent.set(key, { at: now, load });
    for (const [k, r] of this.recent) {
      if (this.recent.size <= RECENT_ENTRIES && now - r.at < FRESH_MS) break;
      this.recent.delete(k);
    }
    return load;
  }

  private async fetchAndRead(
    url: string,
    options: { trusted?: boolean; given?: boolean; issuerUri?: string },
  ): Promise<MetadataLoad> {
    try {
      // On a 304 for content already read here, the document is not even loaded from the store.
      const hit: { entry?: ReadEntry } = {};
      const fetched = await this.fetcher.fetchText(url, {
        trusted: options.trusted,
        reuse: (contentHash) => {
          hit.entry = this.parsedByHash.get(entryKey(contentHash, options.issuerUri));
          return hit.entry !== undefined;
        },
      });
      const read = asLoad(
        fetched.reused && hit.entry
          ? hit.entry
          : await this.readFetched(fetched, options.issuerUri),
        url,
      );
      return read.ok ? { ok: true, metadata: { ...read.metadata, tls: fetched.tls } } : read;
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (options.given && error.code === 'URL_REFUSED')
        throw new AppError(
          'BAD_INPUT',
          `The metadata URL was refused by the outbound rules: ${error.message}`,
          { cause: error },
        );
      const refused = error.code === 'URL_REFUSED' || error.code === 'REDIRECT_REFUSED';
      const code = refused ? 'METADATA_BLOCKED' : 'METADATA_UNREACHABLE';
      const detail =
        code === 'METADATA_BLOCKED'
          ? `The metadata URL was refused by the outbound rules: ${error.message}`
          : `The metadata could not be fetched: ${error.message}`;
      return { ok: false, problem: { code, detail, url } };
    }
  }
}

function asLoad(entry: ReadEntry, url: string | undefined): MetadataLoad {
  if (!entry.ok) {
    return {
      ok: false,
      problem: {
        code: 'METADATA_INVALID',
        detail: `The metadata is not usable: ${entry.reason}`,
        url,
      },
    };
  }
  return { ok: true, metadata: { parsed: entry.parsed, signature: entry.signature, url } };
}

/** Parses, and checks the signature unless its outcome for these bytes is already known. */
function readDocument(
  xml: string,
  options: { issuerUri?: string },
  knownSignature?: SignatureCheck,
): ReadEntry {
  const result = parseMetadata(xml, options);
  if (!result.ok) return { ok: false, reason: result.reason };
  const signature = knownSignature ?? verifyMetadataSignature(xml, result.metadata);
  return { ok: true, parsed: result.metadata, signature };
}
