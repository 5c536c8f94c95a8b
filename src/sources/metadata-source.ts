import { createHash } from 'node:crypto';
import type { MetadataProblem } from '../engine/assessment-input';
import { parseMetadata, type ParsedMetadata } from '../engine/metadata-parser';
import { verifyMetadataSignature, type SignatureCheck } from '../engine/signature';
import { AppError, isAppError } from '../errors';
import type { SafeFetcher, TlsPeer } from './safe-fetcher';

export interface LoadedMetadata {
  parsed: ParsedMetadata;
  signature: SignatureCheck;
  url?: string;
  tls?: TlsPeer;
}

export type MetadataLoad =
  { ok: true; metadata: LoadedMetadata } | { ok: false; problem: MetadataProblem };

const PARSE_CACHE_ENTRIES = 200;

/**
 * Reads federation metadata: fetched under the outbound rules, parsed and signature-checked once per
 * distinct content (DESIGN §8: AD FS signature checks cost tens of ms; sweeps see the same bytes).
 */
export class MetadataSource {
  private readonly parsedByHash = new Map<
    string,
    { ok: true; parsed: ParsedMetadata; signature: SignatureCheck } | { ok: false; reason: string }
  >();

  constructor(private readonly fetcher: SafeFetcher) {}

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
    const hash = `${content}\u0000${options.issuerUri ?? ''}`;
    let entry = this.parsedByHash.get(hash);
    if (!entry) {
      const result = parseMetadata(xml, options);
      entry = result.ok
        ? {
            ok: true,
            parsed: result.metadata,
            signature: verifyMetadataSignature(xml, result.metadata),
          }
        : { ok: false, reason: result.reason };
      this.parsedByHash.set(hash, entry);
      if (this.parsedByHash.size > PARSE_CACHE_ENTRIES) {
        this.parsedByHash.delete(this.parsedByHash.keys().next().value as string);
      }
    }
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

  /**
   * Fetches and reads; every failure becomes a problem the engine turns into a finding — except, for a
   * URL the user `given` (`metadata <url>`, `--metadata-url`), the outbound rules refusing that URL
   * itself: that is bad input (BAD_INPUT), and nothing was fetched.
   */
  async load(
    url: string,
    options: { trusted?: boolean; given?: boolean; issuerUri?: string } = {},
  ): Promise<MetadataLoad> {
    try {
      const fetched = await this.fetcher.fetchText(url, { trusted: options.trusted });
      const read = this.read(fetched.body, url, {
        issuerUri: options.issuerUri,
        contentHash: fetched.contentHash,
      });
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
