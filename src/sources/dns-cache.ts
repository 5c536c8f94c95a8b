export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

/** How long a name's addresses are reused, and for how many names. */
const DNS_CACHE_MS = 30_000;
const DNS_CACHE_ENTRIES = 1_000;

/**
 * A resolver that asks `resolve` for a name at most once per 30 s (a sweep fetches from the same IdP
 * hosts thousands of times). Failures are not kept. The fetcher still judges every answer by the
 * address policy and pins the address it connects to, on every request.
 */
export function cachedResolver(resolve: Resolver, now: () => number = Date.now): Resolver {
  const answers = new Map<string, { addresses: Awaited<ReturnType<Resolver>>; until: number }>();
  return async (host) => {
    const hit = answers.get(host);
    if (hit && hit.until > now()) return hit.addresses;
    const addresses = await resolve(host);
    answers.delete(host);
    answers.set(host, { addresses, until: now() + DNS_CACHE_MS });
    if (answers.size > DNS_CACHE_ENTRIES) answers.delete(answers.keys().next().value as string);
    return addresses;
  };
}
