/** The PTR names of a subnet's alive hosts after a sweep: only the addresses due, a bounded number at once. */
import pLimit from 'p-limit';
import { MAX_NAMES_PER_ITEM, type NameLookup, type NamesItem } from '../../schema/kinds/names.js';
import { cacheSeconds, NameCache } from './name-cache.js';
import type { PtrLookup } from './resolver.js';

export const DEFAULT_PTR_CONCURRENCY = 16;

/** One lookup as a names item reports it. */
export function toNameLookup(ip: string, r: PtrLookup): NameLookup {
  const ttlSeconds = cacheSeconds(r);
  if (r.kind === 'name') return { ip, name: r.name, ttlSeconds, forward: r.forward };
  if (r.kind === 'none') return { ip, name: null, ttlSeconds, forward: null };
  // name null with `error`: the server keeps the name it had
  return { ip, name: null, ttlSeconds, forward: null, error: r.error.slice(0, 200) };
}

/** Lookups as items of at most `max` names; each item's `at` is one ms after the previous so every item has its own result key. */
export function namesItems(subnetId: number, at: number, names: NameLookup[], max = MAX_NAMES_PER_ITEM): NamesItem[] {
  const items: NamesItem[] = [];
  for (let i = 0; i < names.length; i += max) items.push({ kind: 'names', subnetId, at: at + items.length, names: names.slice(i, i + max) });
  return items;
}

export interface Resolver {
  lookup(ip: string): Promise<PtrLookup>;
}

/** The probe's name lookups, shared by every subnet's sweeps (one cache, one concurrency bound). */
export class NameLookups {
  private readonly limit;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly resolver: Resolver,
    concurrency = DEFAULT_PTR_CONCURRENCY,
    private readonly cache = new NameCache(),
  ) {
    this.limit = pLimit(concurrency);
  }

  /**
   * Looks up the names of `ips` that are due (not cached, not being looked up by an earlier sweep). Addresses not
   * yet started when `signal` aborts are left for the next sweep.
   */
  async lookup(subnetId: number, ips: string[], now: () => number, signal?: AbortSignal): Promise<NamesItem[]> {
    const at = now();
    const key = (ip: string) => `${subnetId} ${ip}`;
    const due = this.cache.due(ips.map(key), at).filter((k) => !this.inFlight.has(k));
    if (!due.length) return [];
    for (const k of due) this.inFlight.add(k);
    const one = async (k: string): Promise<NameLookup | null> => {
      try {
        if (signal?.aborted) return null;
        const ip = k.slice(k.indexOf(' ') + 1);
        const found = toNameLookup(ip, await this.resolver.lookup(ip));
        this.cache.set(k, now(), found.ttlSeconds);
        return found;
      } finally {
        this.inFlight.delete(k);
      }
    };
    const names = (await Promise.all(due.map((k) => this.limit(() => one(k))))).filter((n): n is NameLookup => n !== null);
    return namesItems(subnetId, at, names);
  }
}
