/**
 * When each address's name is due to be looked up again. Pure: the clock is passed in. A name is kept for its
 * record's TTL within PTR_MIN/MAX_TTL_SECONDS, "no name" likewise (the negative TTL), a failed lookup briefly.
 */
import { PTR_MAX_TTL_SECONDS, PTR_MIN_TTL_SECONDS } from '../../schema/kinds/names.js';
import type { PtrAnswer } from './dns-wire.js';

/** A failed lookup (timeout, SERVFAIL) is tried again after this long. */
const ERROR_RETRY_SECONDS = 60;
/** "No name" without a SOA to say for how long. */
export const NEGATIVE_DEFAULT_SECONDS = 300;
export const DEFAULT_MAX_ENTRIES = 100_000;

export const clampTtl = (ttl: number) => Math.min(PTR_MAX_TTL_SECONDS, Math.max(PTR_MIN_TTL_SECONDS, Math.round(ttl)));

/** How long (seconds) an answer is trusted. */
export function cacheSeconds(answer: PtrAnswer): number {
  switch (answer.kind) {
    case 'name':
      return clampTtl(answer.ttl);
    case 'none':
      return clampTtl(answer.ttl ?? NEGATIVE_DEFAULT_SECONDS);
    case 'error':
      // an unusable record (a name that is not a hostname) holds for its TTL like any other; a failure is retried soon
      return answer.ttl === undefined ? ERROR_RETRY_SECONDS : clampTtl(answer.ttl);
  }
}

export class NameCache {
  /** key → expiry (ms); Map order is insertion order, so the first entry is the oldest. */
  private readonly entries = new Map<string, number>();

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records a lookup made at `now` that holds for `seconds`; beyond the bound the oldest entries go. */
  set(key: string, now: number, seconds: number): void {
    this.entries.delete(key);
    this.entries.set(key, now + seconds * 1000);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** The keys to look up at `now`: never looked up, forgotten, or expired. Each once, in the order given. */
  due(keys: Iterable<string>, now: number): string[] {
    const out = new Set<string>();
    for (const key of keys) {
      const expires = this.entries.get(key);
      if (expires === undefined || expires <= now) out.add(key);
    }
    return [...out];
  }
}
