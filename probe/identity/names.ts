/** The PTR names of a subnet's alive hosts after a sweep: only the addresses due, a bounded number at once. */
import pLimit from 'p-limit';
import { MAX_NAMES_PER_ITEM, type NameLookup, type NamesItem } from '../../schema/kinds/names.js';
import { MAX_FRAME_LENGTH } from '../../schema/protocol.js';
import { cacheSeconds, NameCache } from './name-cache.js';
import { MAX_FORWARD, type PtrLookup } from './resolver.js';

export const DEFAULT_PTR_CONCURRENCY = 16;
/** JSON characters of one names item at most: its results frame (the batch around it) stays well inside MAX_FRAME_LENGTH. */
export const MAX_NAMES_ITEM_CHARS = 192 * 1024;
if (MAX_NAMES_ITEM_CHARS + 4096 > MAX_FRAME_LENGTH) throw new Error('MAX_NAMES_ITEM_CHARS leaves no room for the frame around it');

/** One lookup as a names item reports it. */
export function toNameLookup(ip: string, r: PtrLookup): NameLookup {
  const ttlSeconds = cacheSeconds(r);
  if (r.kind === 'name') return { ip, name: r.name, ttlSeconds, forward: r.forward && { addresses: r.forward.addresses.slice(0, MAX_FORWARD), matches: r.forward.matches } };
  if (r.kind === 'none') return { ip, name: null, ttlSeconds, forward: null };
  // name null with `error`: the server keeps the name it had
  return { ip, name: null, ttlSeconds, forward: null, error: r.error.slice(0, 200) };
}

/**
 * Lookups as items of at most `max` names and `maxChars` characters of JSON each (1000 IPv6 lookups with long names
 * and forward addresses are more than a frame holds); each item's `at` is one ms after the previous so every item has
 * its own result key.
 */
export function namesItems(subnetId: number, at: number, names: NameLookup[], max = MAX_NAMES_PER_ITEM, maxChars = MAX_NAMES_ITEM_CHARS): NamesItem[] {
  const items: NamesItem[] = [];
  const empty = (n: number) => JSON.stringify({ kind: 'names', subnetId, at: at + n, names: [] }).length;
  let chunk: NameLookup[] = [];
  let chars = empty(0);
  const flush = () => {
    items.push({ kind: 'names', subnetId, at: at + items.length, names: chunk });
    chunk = [];
    chars = empty(items.length);
  };
  for (const n of names) {
    const json = JSON.stringify(n).length;
    // one more name: its JSON and the comma before it
    if (chunk.length && (chunk.length >= max || chars + 1 + json > maxChars)) flush();
    chars += (chunk.length ? 1 : 0) + json;
    chunk.push(n);
  }
  if (chunk.length) flush();
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
