import { ipKey, parseIp, usableRange, type Cidr } from '../../schema/ip/cidr.js';
import { MAX_FUTURE_SKEW_MS, MAX_LATENCY_MS, SPOOL_MAX_AGE_MS, type ResultRejection, type SweepResult } from '../../schema/protocol.js';

/** The addresses a sweep covers, as values and as the hex keys hosts are ordered by in SQL. */
export interface Span {
  first: bigint;
  last: bigint;
  firstKey: string;
  lastKey: string;
}

/** The sweep's range (or the subnet's usable range when it names none); null when the range is not usable addresses of the subnet. */
export function sweepSpan(cidr: Cidr, sweep: Pick<SweepResult, 'range'>): Span | null {
  const usable = usableRange(cidr);
  let { first, last } = usable;
  if (sweep.range) {
    try {
      const [a, b] = sweep.range.map(parseIp) as [ReturnType<typeof parseIp>, ReturnType<typeof parseIp>];
      if (a.family !== cidr.family || b.family !== cidr.family) return null;
      [first, last] = [a.value, b.value];
    } catch {
      return null;
    }
    if (first > last || first < usable.first || last > usable.last) return null;
  }
  return { first, last, firstKey: ipKey(first, cidr.family), lastKey: ipKey(last, cidr.family) };
}

/** Why a result of any kind started at `at` is refused by its time: older than a spool keeps it, or ahead of the server's clock. */
export function checkResultTime(at: number, now: number): 'too_old' | 'in_future' | null {
  if (at < now - SPOOL_MAX_AGE_MS) return 'too_old';
  if (at > now + MAX_FUTURE_SKEW_MS) return 'in_future';
  return null;
}

/** Why a sweep of a subnet the probe owns is refused, or null to apply it. `now` is the server's clock. */
export function checkSweep(cidr: Cidr, sweep: SweepResult, now: number): ResultRejection | null {
  const time = checkResultTime(sweep.at, now);
  if (time) return time;
  if (sweep.up.some((u) => u.latencyMs !== null && !(u.latencyMs >= 0 && u.latencyMs <= MAX_LATENCY_MS))) return 'bad_latency';
  if (!sweepSpan(cidr, sweep)) return 'bad_range';
  return null;
}

/** Addresses a frame lists (answers and silent ones): each may become a sample, so they count against the bound. */
export function listedEntries(sweeps: ReadonlyArray<SweepResult>): number {
  return sweeps.reduce((n, s) => n + s.up.length + s.down.length, 0);
}
