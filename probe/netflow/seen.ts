/**
 * Addresses of managed subnets heard in flows, each reported once per UTC day (the server finds those without a
 * host record: unregistered talkers). Noted as flows arrive, queued, and taken a few hundred per flows item: what
 * does not fit waits for the next item. Bounded per day; past the bound an address is not reported (counted). Pure.
 */
export const DAY_MS = 86_400_000;
/** Distinct addresses remembered per UTC day. */
export const SEEN_PER_DAY = 200_000;

export interface SeenAddress {
  ip: string;
  subnetId: number;
}

export class SeenTracker {
  private readonly days = new Map<number, Set<string>>();
  private queue: SeenAddress[] = [];
  private head = 0;
  /** Addresses not reported because their day's set was full. */
  overflow = 0;

  constructor(private readonly perDay = SEEN_PER_DAY) {}

  /** `atMs`: when it was heard (its UTC day is the one it is reported for). */
  note(ip: string, subnetId: number, atMs: number) {
    const day = Math.floor(atMs / DAY_MS);
    let set = this.days.get(day);
    if (!set) {
      set = new Set();
      this.days.set(day, set);
      // yesterday's stays for late flows; older days go
      for (const d of this.days.keys()) if (d < day - 1) this.days.delete(d);
    }
    if (set.has(ip)) return;
    if (set.size >= this.perDay) {
      this.overflow++;
      return;
    }
    set.add(ip);
    this.queue.push({ ip, subnetId });
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Up to `n` addresses, oldest first. */
  take(n: number): SeenAddress[] {
    const out = this.queue.slice(this.head, this.head + n);
    this.head += out.length;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
