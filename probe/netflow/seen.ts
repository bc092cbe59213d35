/**
 * Addresses of managed subnets heard in flows, each reported once per period (an hour by default), with the minute
 * it was heard: the server finds those without a host record (unregistered talkers, one event per UTC day) and keeps
 * when each was first and last heard, to the period. Noted as flows arrive, queued, and taken a few hundred per flows
 * item: what does not fit waits for the next item. Bounded per period and in the queue; past a bound an address is
 * not reported (counted). Pure.
 */
import { Fifo } from './fifo.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** Distinct addresses remembered per period. */
export const SEEN_PER_DAY = 200_000;
/** Addresses waiting to be reported (300 go per item; a network with more new talkers an hour lags, then counts). */
export const SEEN_QUEUE_MAX = 100_000;

export interface SeenAddress {
  ip: string;
  subnetId: number;
  /** The minute it was heard (ms). */
  at: number;
}

export class SeenTracker {
  private readonly periods = new Map<number, Set<string>>();
  private newest = -Infinity;
  /** The set of the period noted last (consecutive notes nearly always share it). */
  private lastPeriod = NaN;
  private lastSet: Set<string> | null = null;
  private readonly queue = new Fifo<SeenAddress>();
  /** Addresses not reported because their period's set or the queue was full. */
  overflow = 0;

  constructor(
    private readonly perPeriod = SEEN_PER_DAY,
    private readonly periodMs = HOUR_MS,
  ) {}

  /** `atMs`: the minute it was heard in (reported with it; its UTC day is the one the server files it under). */
  note(ip: string, subnetId: number, atMs: number) {
    let period = Math.floor(atMs / this.periodMs);
    if (period > this.newest) {
      this.newest = period;
      // the period before stays for late flows; older ones go
      for (const p of this.periods.keys()) if (p < period - 1) this.periods.delete(p);
      this.lastSet = null;
    }
    // a late flow of an older period is checked against the oldest kept one (at worst reported once more)
    if (period < this.newest - 1) period = this.newest - 1;
    let set = period === this.lastPeriod ? this.lastSet : null;
    if (!set) {
      set = this.periods.get(period) ?? null;
      if (!set) this.periods.set(period, (set = new Set()));
      this.lastPeriod = period;
      this.lastSet = set;
    }
    if (set.has(ip)) return;
    if (set.size >= this.perPeriod || this.queued >= SEEN_QUEUE_MAX) {
      this.overflow++;
      return;
    }
    set.add(ip);
    this.queue.push({ ip, subnetId, at: atMs });
  }
  get queued(): number {
    return this.queue.size;
  }

  /** Up to `n` addresses, oldest first. */
  take(n: number): SeenAddress[] {
    return this.queue.take(n);
  }
}
