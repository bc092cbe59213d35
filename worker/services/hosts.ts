import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../db.js';
import { formatIp, ipKey, parseCidr, parseIp, usableRange, CidrError, type Ip } from '../../schema/ip/cidr.js';
import { collapseUnused } from '../../schema/ip/ranges.js';
import { hostDevices, hostEvents, hostHourly, hosts, hostSamples, type HostRow } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import type { Effects } from '../effects.js';
import { AppError, notFound } from '../errors.js';
import { hostsEdited } from '../live/announce.js';
import { getSubnet, subnetContaining, subnetProbe } from './subnets.js';
import { yieldToEventLoop } from '../yield.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Hosts last seen before this instant (and not up now) are "previously used". */
export const previouslyUsedSilenceMs = (deps: Pick<AppDeps, 'config'>) => deps.config.previouslyUsedDays * 86_400_000;

/**
 * Whether a host that was alive has been seen silent by sweeps for longer than `silenceMs` (previouslyUsedSilenceMs):
 * its last check came that long after its last answer. Not "last seen long ago": a probe away for a week leaves its
 * hosts unchecked, not unused. In SQL: previouslyUsedSql.
 */
export const isPreviouslyUsed = (h: Pick<HostRow, 'status' | 'lastSeenAt' | 'lastCheckedAt'>, silenceMs: number) =>
  h.status !== 'up' && h.lastSeenAt !== null && h.lastCheckedAt !== null && h.lastCheckedAt.getTime() - h.lastSeenAt.getTime() > silenceMs;

export function hostView(h: HostRow, silenceMs: number) {
  return {
    kind: 'host' as const,
    id: h.id,
    subnetId: h.subnetId,
    ip: h.ip,
    status: h.status,
    latencyMs: h.latencyMs,
    hostname: h.hostname,
    hostnameSource: h.hostnameSource,
    description: h.description,
    tags: h.tags,
    notes: h.notes,
    reserved: h.reserved,
    reservedBy: h.reservedBy,
    reservedNote: h.reservedNote,
    reservedAt: iso(h.reservedAt),
    reservedUntil: iso(h.reservedUntil),
    firstSeenAt: iso(h.firstSeenAt),
    lastSeenAt: iso(h.lastSeenAt),
    lastCheckedAt: iso(h.lastCheckedAt),
    lastChangeAt: iso(h.lastChangeAt),
    timesSeen: h.timesSeen,
    ptrName: h.ptrName,
    ptrCheckedAt: iso(h.ptrCheckedAt),
    ptrForward: h.ptrForward,
    mac: h.mac,
    vendor: h.vendor,
    macRandom: h.macRandom,
    previouslyUsed: isPreviouslyUsed(h, silenceMs),
  };
}
export type HostView = ReturnType<typeof hostView>;

export async function getHost(deps: AppDeps, id: number): Promise<HostRow> {
  const [row] = await deps.db.select().from(hosts).where(eq(hosts.id, id));
  if (!row) throw notFound(`host ${id}`);
  return row;
}

/** Used addresses in order, with every run of unused ones collapsed to one row. Never enumerates the block. */
export async function subnetRows(deps: AppDeps, subnetId: number) {
  const subnet = await getSubnet(deps, subnetId);
  const c = parseCidr(subnet.cidr);
  const used = await deps.db.select().from(hosts).where(eq(hosts.subnetId, subnetId)).orderBy(asc(hosts.ipKey));
  const silenceMs = previouslyUsedSilenceMs(deps);
  const rows = collapseUnused(
    usableRange(c),
    used.map((h) => ({ value: BigInt(`0x${h.ipKey}`), item: h })),
  ).map((r) =>
    r.kind === 'used'
      ? hostView(r.item, silenceMs)
      : { kind: 'unused' as const, first: formatIp(r.first, c.family), last: formatIp(r.last, c.family), count: r.count.toString() },
  );
  return { subnet, rows };
}

export interface HostFields {
  hostname?: string | null;
  description?: string;
  tags?: string[];
  notes?: string;
  reserved?: boolean;
  reservedBy?: string | null;
  reservedNote?: string | null;
  /** ISO 8601; null: the reservation does not expire. */
  reservedUntil?: string | null;
}

/**
 * The reservation columns a change of fields sets: `reservedAt` when an address becomes reserved (kept while it stays
 * so), both times cleared when it stops being reserved. `wasReserved`: the row's state before (false for a new host).
 */
function reservationColumns(f: HostFields, wasReserved: boolean, now: Date) {
  const { reservedUntil, ...rest } = f;
  // with reserved: false the expiry goes with the reservation (an editor sends the form's fields together)
  if (reservedUntil != null && f.reserved === undefined && !wasReserved) {
    throw new AppError(400, 'not_reserved', 'reservedUntil needs the address reserved: send reserved: true with it');
  }
  const until = reservedUntil === undefined ? {} : { reservedUntil: reservedUntil === null ? null : new Date(reservedUntil) };
  if (f.reserved === false) return { ...rest, reservedAt: null, reservedUntil: null };
  // a new reservation does not inherit an expiry left from an earlier one
  if (f.reserved === true && !wasReserved) return { ...rest, reservedUntil: null, ...until, reservedAt: now };
  return { ...rest, ...until };
}

function hostnameColumns(f: HostFields, source: 'manual' | 'import') {
  if (f.hostname === undefined) return {};
  return { hostname: f.hostname || null, hostnameSource: f.hostname ? source : null };
}

/** Columns of a new host row for an address already known to lie in `subnetId`. */
export function hostValues(subnetId: number, ip: Ip, fields: HostFields, source: 'manual' | 'import', now: Date) {
  return { subnetId, ip: ip.text, ipKey: ipKey(ip.value, ip.family), ...reservationColumns(fields, false, now), ...hostnameColumns(fields, source), createdAt: now, updatedAt: now };
}

/** Values for a new host row at `ip`, which must fall inside a known subnet. */
export async function newHostValues(deps: AppDeps, ipText: string, fields: HostFields, source: 'manual' | 'import') {
  let ip;
  try {
    ip = parseIp(ipText);
  } catch (e) {
    if (e instanceof CidrError) throw new AppError(400, e.code, e.message);
    throw e;
  }
  const subnet = await subnetContaining(deps, ip.family, ipKey(ip.value, ip.family));
  if (!subnet) throw new AppError(400, 'no_subnet', `${ip.text} is not inside any subnet; add the subnet first`);
  return hostValues(subnet.id, ip, fields, source, new Date(deps.clock.now()));
}

/** Inserts the host record (409 host_exists if the address has one). Routes call `addHost`, which adds the effects. */
export async function createHost(deps: AppDeps, ip: string, fields: HostFields): Promise<HostRow> {
  const values = await newHostValues(deps, ip, fields, 'manual');
  const exists = async () => {
    const [existing] = await deps.db.select({ id: hosts.id }).from(hosts).where(eq(hosts.ip, values.ip));
    return existing && new AppError(409, 'host_exists', `${values.ip} already has a host record (id ${existing.id})`, { hostId: existing.id });
  };
  const known = await exists();
  if (known) throw known;
  try {
    const [row] = await deps.db.insert(hosts).values(values).returning();
    return row!;
  } catch (e) {
    // another request created it between our check and our insert: the UNIQUE index decided
    if (isUniqueViolation(e, 'hosts.ip')) throw (await exists()) ?? e;
    throw e;
  }
}

/** A new host record, and what follows: its probe's assignment (IPv6 sweeps list the known hosts), the live feed. */
export async function addHost(deps: AppDeps, ip: string, fields: HostFields): Promise<{ row: HostRow; effects: Effects }> {
  const row = await createHost(deps, ip, fields);
  return { row, effects: { assignments: [await subnetProbe(deps, row.subnetId)], live: [hostsEdited([row.subnetId])] } };
}

export async function updateHost(deps: AppDeps, id: number, fields: HostFields): Promise<{ row: HostRow; effects: Effects }> {
  const before = await getHost(deps, id);
  const now = new Date(deps.clock.now());
  const update = deps.db
    .update(hosts)
    .set({ ...reservationColumns(fields, before.reserved, now), ...hostnameColumns(fields, 'manual'), updatedAt: now })
    .where(eq(hosts.id, id))
    .returning();
  // a rename is the current device's name too (the device history records the name each device had)
  const [[row]] = (fields.hostname === undefined
    ? [await update]
    : await deps.db.batch([
        update,
        deps.db
          .update(hostDevices)
          .set({ hostname: fields.hostname || null })
          .where(and(eq(hostDevices.hostId, id), eq(hostDevices.mac, sql`(SELECT mac FROM hosts WHERE id = ${id})`))),
      ])) as [HostRow[], ...unknown[]];
  return { row: row!, effects: { live: [hostsEdited([row!.subnetId])] } };
}

/** Forgets a host with its history (the rows that hang off it cascade). */
export async function deleteHost(deps: AppDeps, id: number): Promise<{ effects: Effects }> {
  const host = await getHost(deps, id);
  await deps.db.delete(hosts).where(eq(hosts.id, host.id));
  return { effects: { assignments: [await subnetProbe(deps, host.subnetId)], live: [hostsEdited([host.subnetId])] } };
}

export const HISTORY_WINDOWS = { '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;
export type HistoryWindow = keyof typeof HISTORY_WINDOWS;

/**
 * Uptime and latency for a window, from the hourly roll-up (at most 168 rows), plus the raw
 * samples of the last two hours for a fine-grained sparkline tail.
 */
export async function hostHistory(deps: AppDeps, id: number, window: HistoryWindow) {
  await getHost(deps, id);
  const now = deps.clock.now();
  const since = Math.floor((now - HISTORY_WINDOWS[window]) / 3_600_000) * 3_600_000;
  const buckets = await deps.db
    .select()
    .from(hostHourly)
    .where(and(eq(hostHourly.hostId, id), gte(hostHourly.hour, new Date(since))))
    .orderBy(asc(hostHourly.hour));
  const recent = await deps.db
    .select({ at: hostSamples.at, up: hostSamples.up, latencyMs: hostSamples.latencyMs })
    .from(hostSamples)
    .where(and(eq(hostSamples.hostId, id), gte(hostSamples.at, new Date(now - 2 * 3_600_000))))
    .orderBy(asc(hostSamples.at));
  const total = buckets.reduce((n, b) => n + b.samples, 0);
  const up = buckets.reduce((n, b) => n + b.upSamples, 0);
  return {
    window,
    uptimePercent: total ? Math.round((up / total) * 10_000) / 100 : null,
    samples: total,
    hourly: buckets.map((b) => ({
      hour: b.hour.toISOString(),
      samples: b.samples,
      uptimePercent: Math.round((b.upSamples / b.samples) * 10_000) / 100,
      avgLatencyMs: b.upSamples ? b.latencySumMs / b.upSamples : null,
    })),
    recent: recent.map((s) => ({ at: s.at.toISOString(), up: s.up, latencyMs: s.latencyMs })),
  };
}

// ~40 bytes an address in the JSON list: far below D1's 2 MB per value
const IDS_PER_QUERY = 5000;

/** Ids of the hosts at these addresses: each list travels as one JSON parameter and its answer as one JSON value. */
export async function hostIdsByIp(deps: AppDeps, ips: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let i = 0; i < ips.length; i += IDS_PER_QUERY) {
    if (i) await yieldToEventLoop();
    const [{ part }] = (await deps.db.all<{ part: string }>(sql`
      SELECT json_group_array(json_array(ip, id)) AS part FROM ${hosts}
      WHERE ${hosts.ip} IN (SELECT value FROM json_each(${JSON.stringify(ips.slice(i, i + IDS_PER_QUERY))}))`)) as [{ part: string }];
    for (const [ip, id] of JSON.parse(part) as [string, number][]) found.set(ip, id);
  }
  return found;
}
