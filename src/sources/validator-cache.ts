/** The last URLs kept by `memoryValidators` (the CLI's one-off checks). */
const CACHE_ENTRIES = 500;

/** What a conditional GET needs of an earlier answer: its validators and which content they validate. */
export interface Validators {
  etag?: string;
  lastModified?: string;
  status: number;
  url: string;
  /** SHA-256 of the document (hex). */
  hash: string;
}

/** An answer to keep: its validators and the document they validate. */
export interface Validated extends Validators {
  body: string;
}

/**
 * Where validators are kept (DESIGN §7 "Conditional GET"): in the store for the bot and `fedtrust sweep`,
 * so every process revalidates and no fixed-size cache stops working as watches grow.
 */
export interface ValidatorCache {
  /** The URL's validators, while the document they validate is kept. */
  get(url: string): Promise<Validators | undefined>;
  /** The document with this content hash, if still kept. */
  document(hash: string): Promise<string | undefined>;
  set(url: string, entry: Validated | undefined): Promise<void>;
}

/** The default without a store (the CLI's one-off checks): the last CACHE_ENTRIES URLs in memory. */
export function memoryValidators(entries = CACHE_ENTRIES): ValidatorCache {
  const cache = new Map<string, Validated>();
  return {
    get: (url) => Promise.resolve(cache.get(url)),
    document: (hash) =>
      Promise.resolve([...cache.values()].find((entry) => entry.hash === hash)?.body),
    set: (url, entry) => {
      cache.delete(url);
      if (entry) cache.set(url, entry);
      if (cache.size > entries) cache.delete(cache.keys().next().value as string);
      return Promise.resolve();
    },
  };
}
