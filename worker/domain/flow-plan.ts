/** What a batch of `flows` items writes, and when flow rows are rolled up and pruned. Pure: plain values in and out. */
import { contains, usableRange, type Cidr } from '../../schema/ip/cidr.js';
import type { FlowsItem } from '../../schema/kinds/flows.js';
import { MAX_FUTURE_SKEW_MS, SPOOL_MAX_AGE_MS } from '../../schema/protocol.js';
import { parseIpFast } from './ip-text.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** An hour is rolled up once it has been over this long (minutes of it still in a probe's collector come first). */
export const ROLLUP_GRACE_MS = 5 * MINUTE_MS;
/** Rows an hour's roll-up keeps per table and probe, by bytes (the totals stay exact). */
export const ROLLUP_TOP = 500;

export const hourOf = (at: number): number => at - (((at % HOUR_MS) + HOUR_MS) % HOUR_MS);
export const dayOf = (at: number): number => at - (((at % DAY_MS) + DAY_MS) % DAY_MS);

/** Rows an item names outright: its lists, its totals, its exporters and the addresses it saw. */
export const listedFlowRows = (i: FlowsItem): number =>
  i.talkers.length + i.conversations.length + i.ports.length + i.matrix.length + 1 + i.exporters.length + i.seen.length;

/**
 * Why an item is refused by its time: older than a spool keeps it, or than the minute rows are kept (a late minute
 * must find the rest of its hour, to roll it up again), or ahead of the server's clock.
 */
export function checkFlowsTime(at: number, now: number, minuteRetentionMs: number): 'too_old' | 'in_future' | null {
  if (at < now - Math.min(SPOOL_MAX_AGE_MS, minuteRetentionMs)) return 'too_old';
  if (at > now + MAX_FUTURE_SKEW_MS) return 'in_future';
  return null;
}

type Volume = [bytes: number, packets: number, flows: number];
export interface FlowMinuteRows {
  totals: [bucket: number, ...Volume][];
  talkers: [bucket: number, ip: string, subnetId: number | null, bytesIn: number, bytesOut: number, packetsIn: number, packetsOut: number, flowsIn: number, flowsOut: number][];
  conversations: [bucket: number, src: string, dst: string, srcSubnetId: number | null, dstSubnetId: number | null, ...Volume][];
  ports: [bucket: number, protocol: number, port: number, ...Volume][];
  /** Subnet ids with 0 for External. */
  matrix: [bucket: number, from: number, to: number, ...Volume][];
}

export interface ExporterWrite {
  address: string;
  packets: number;
  flows: number;
  drops: Record<string, number>;
  templates: number;
  sequenceGaps: number;
  pending: number;
  samplingRate: number;
  versions: number[];
  firstSeenAt: number;
  lastSeenAt: number;
}

/** An address a probe heard inside a managed subnet on one UTC day. */
export interface Sighting {
  subnetId: number;
  ip: string;
  day: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface FlowsPlan {
  /** Minutes stored, oldest first. */
  accepted: number[];
  rejected: { at: number; reason: 'too_old' | 'in_future' }[];
  rows: FlowMinuteRows;
  /** Hour starts the accepted minutes fall in (each marked dirty). */
  hours: number[];
  /** Each reported exporter's counters from the newest item that has it. */
  exporters: ExporterWrite[];
  sightings: Sighting[];
  /** Texts that are not addresses (their rows are left out), the first few. */
  ignored: string[];
  /** Rows the plan writes (minute rows, exporters and sightings; the hour marks ride along). */
  rowCount: number;
}

const MAX_IGNORED = 10;

/**
 * The rows of a batch's `flows` items. Addresses are stored in canonical text (a row with one that is not an
 * address is left out); a key named twice in an item, or by two items of one minute, adds up when written.
 */
export function planFlows(items: readonly FlowsItem[], now: number, minuteRetentionMs: number): FlowsPlan {
  const plan: FlowsPlan = { accepted: [], rejected: [], rows: { totals: [], talkers: [], conversations: [], ports: [], matrix: [] }, hours: [], exporters: [], sightings: [], ignored: [], rowCount: 0 };
  const ignore = (text: string) => {
    if (plan.ignored.length < MAX_IGNORED) plan.ignored.push(text);
  };
  const ip = (text: string): string | null => {
    try {
      return parseIpFast(text).text;
    } catch {
      ignore(text);
      return null;
    }
  };
  const hours = new Set<number>();
  const exporters = new Map<string, { at: number; write: ExporterWrite }>();
  const sightings = new Map<string, Sighting>();
  const { rows } = plan;
  for (const item of [...items].sort((a, b) => a.at - b.at)) {
    const reason = checkFlowsTime(item.at, now, minuteRetentionMs);
    if (reason) {
      plan.rejected.push({ at: item.at, reason });
      continue;
    }
    const b = item.at;
    plan.accepted.push(b);
    hours.add(hourOf(b));
    rows.totals.push([b, item.totals.bytes, item.totals.packets, item.totals.flows]);
    for (const t of item.talkers) {
      const a = ip(t.ip);
      if (a !== null) rows.talkers.push([b, a, t.subnetId, t.bytesIn, t.bytesOut, t.packetsIn, t.packetsOut, t.flowsIn, t.flowsOut]);
    }
    for (const c of item.conversations) {
      const [src, dst] = [ip(c.src), ip(c.dst)];
      if (src !== null && dst !== null) rows.conversations.push([b, src, dst, c.srcSubnetId, c.dstSubnetId, c.bytes, c.packets, c.flows]);
    }
    for (const p of item.ports) rows.ports.push([b, p.protocol, p.port, p.bytes, p.packets, p.flows]);
    for (const m of item.matrix) rows.matrix.push([b, m.from ?? 0, m.to ?? 0, m.bytes, m.packets, m.flows]);
    for (const e of item.exporters) {
      const address = ip(e.address);
      if (address === null) continue;
      const { address: _, drops, versions, ...counters } = e;
      const known = exporters.get(address);
      if (!known || known.at <= b) exporters.set(address, { at: b, write: { address, ...counters, drops: { ...drops } as Record<string, number>, versions: [...versions] } });
    }
    for (const s of item.seen) {
      const a = ip(s.ip);
      if (a === null) continue;
      // when it was heard: a queued address rides in a later item (within a day of it; else the item's own minute)
      const heard = s.at !== undefined && Math.abs(s.at - b) <= DAY_MS ? s.at : b;
      const day = dayOf(heard);
      const key = `${s.subnetId}|${a}|${day}`;
      const known = sightings.get(key);
      if (known) {
        known.firstSeenAt = Math.min(known.firstSeenAt, heard);
        known.lastSeenAt = Math.max(known.lastSeenAt, heard);
      } else sightings.set(key, { subnetId: s.subnetId, ip: a, day, firstSeenAt: heard, lastSeenAt: heard });
    }
  }
  plan.hours = [...hours].sort((a, b) => a - b);
  plan.exporters = [...exporters.values()].map((e) => e.write);
  plan.sightings = [...sightings.values()];
  plan.rowCount = rows.totals.length + rows.talkers.length + rows.conversations.length + rows.ports.length + rows.matrix.length + plan.exporters.length + plan.sightings.length;
  return plan;
}

export const sightingKey = (s: Pick<Sighting, 'subnetId' | 'ip'>): string => `${s.subnetId}|${s.ip}`;

/**
 * The sightings that are usable addresses of the subnet they name (which must exist), and the rest (ignored, by
 * subnet). A router's flows cross every subnet, so any managed subnet counts, not only the probe's own.
 */
export function sightingsInside(
  sightings: readonly Sighting[],
  subnets: ReadonlyMap<number, Cidr>,
): { inside: Sighting[]; outside: { subnetId: number; addresses: string[] }[] } {
  const inside: Sighting[] = [];
  const outside = new Map<number, string[]>();
  for (const s of sightings) {
    const cidr = subnets.get(s.subnetId);
    let ok = false;
    if (cidr) {
      const a = parseIpFast(s.ip);
      const u = usableRange(cidr);
      ok = contains(cidr, a) && a.value >= u.first && a.value <= u.last;
    }
    if (ok) inside.push(s);
    else {
      const list = outside.get(s.subnetId) ?? [];
      if (list.length < MAX_IGNORED) list.push(s.ip);
      outside.set(s.subnetId, list);
    }
  }
  return { inside, outside: [...outside].map(([subnetId, addresses]) => ({ subnetId, addresses })) };
}

/** Of the sightings inside their subnet: those without a host record (`unregistered`), and of them the ones not recorded yet that day (`fresh`: one event each). */
export function unregisteredOf(
  inside: readonly Sighting[],
  known: ReadonlyMap<string, { registered: boolean; recorded: boolean }>,
): { unregistered: Sighting[]; fresh: Sighting[] } {
  const unregistered: Sighting[] = [];
  const fresh: Sighting[] = [];
  for (const s of inside) {
    const k = known.get(`${sightingKey(s)}|${s.day}`);
    if (k?.registered) continue;
    unregistered.push(s);
    if (!k?.recorded) fresh.push(s);
  }
  return { unregistered, fresh };
}

/**
 * What the retention removes, as "before" times: minute rows of hours wholly before the minute retention, but never of
 * an hour still waiting for its roll-up (`earliestDirty`), hour rows and unregistered talkers' days before the hourly
 * retention, and the marks of rolled hours whose minutes are gone.
 */
export function flowPruneCutoffs(
  now: number,
  minuteRetentionMs: number,
  hourlyRetentionMs: number,
  earliestDirty: number | null,
): { minutesBefore: number; hoursBefore: number; daysBefore: number; cleanMarksBefore: number } {
  const minutes = hourOf(now - minuteRetentionMs);
  return {
    minutesBefore: earliestDirty === null ? minutes : Math.min(minutes, hourOf(earliestDirty)),
    hoursBefore: hourOf(now - hourlyRetentionMs),
    daysBefore: dayOf(now - hourlyRetentionMs),
    cleanMarksBefore: minutes,
  };
}

/** Whether an hour (its start) is ready to be rolled up at `now`. */
export const rollupDue = (hour: number, now: number): boolean => hour + HOUR_MS + ROLLUP_GRACE_MS <= now;
