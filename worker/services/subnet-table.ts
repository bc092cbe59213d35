import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { CidrError, formatIp, ipKey, parseCidr, parseIp, usableRange, type Cidr } from '../../schema/ip/cidr.js';
import { collapseUnused, firstUnused } from '../../schema/ip/ranges.js';
import type { AddressCheckName, AddressSign } from '../../schema/kinds/address-check.js';
import { addressChecks, hosts, type HostStatus } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { hostTableRow } from '../domain/table-rows.js';
import { portChipsOfSubnet } from './ports.js';
import { AppError } from '../errors.js';
import { previouslyUsedSql } from './host-query.js';
import { isPreviouslyUsed, previouslyUsedSilenceMs } from './hosts.js';
import { getSubnet, subnetView } from './subnets.js';

/** Hosts are read as JSON built by SQLite, this many rows per query: far cheaper than a row object per host,
 * and each value stays well under D1's 2 MB limit even with long hostnames. */
const PART_ROWS = 2000;

/** [id, ip, ipKey, status, latencyMs, hostname, lastSeenAt ms, lastChangeAt ms, reserved 0/1, mac, vendor, macRandom 0/1, PTR forward mismatch 0/1, lastCheckedAt ms] */
type RawHost = [number, string, string, HostStatus, number | null, string | null, number | null, number | null, number, string | null, string | null, number, number, number | null];

/** One page of hosts as SQLite's JSON text, with its row count and last key (where the next page starts). */
type HostPage = { part: string; n: number; last: string | null };

async function tableHosts(deps: AppDeps, subnetId: number): Promise<RawHost[]> {
  const rows: RawHost[] = [];
  // pages follow the (subnet_id, ip_key) index from the last key read: no sort, no window over the whole subnet
  for (let after = '';;) {
    const [{ part, n, last }] = (await deps.db.all<HostPage>(sql`
      SELECT json_group_array(json_array(id, ip, ip_key, status, latency_ms, hostname, last_seen_at, last_change_at, reserved,
          mac, vendor, mac_random, coalesce(json_extract(ptr_forward, '$.matches') = 0, 0), last_checked_at)) AS part,
        count(*) AS n, max(ip_key) AS last
      FROM (SELECT * FROM ${hosts} WHERE subnet_id = ${subnetId} AND ip_key > ${after} ORDER BY ip_key LIMIT ${PART_ROWS})`)) as [HostPage]; // an aggregate without GROUP BY answers one row
    for (const h of JSON.parse(part) as RawHost[]) rows.push(h);
    if (n < PART_ROWS || last === null) break;
    after = last;
  }
  // json_group_array does not promise to keep the subquery's order
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1]![2] > rows[i]![2]) return rows.sort((a, b) => (a[2] < b[2] ? -1 : 1));
  }
  return rows;
}

/**
 * The subnet view in compact form: the usable range and one tuple per host, in address order. Runs of unused
 * addresses are the gaps between neighbours (and the range's ends); the client collapses them, so the answer
 * grows with the hosts only. The block is never enumerated.
 */
export async function subnetTable(deps: AppDeps, subnetId: number) {
  const subnet = await getSubnet(deps, subnetId);
  const c = parseCidr(subnet.cidr);
  const range = usableRange(c);
  const used = await tableHosts(deps, subnetId);
  const now = deps.clock.now();
  const silenceMs = previouslyUsedSilenceMs(deps);
  const rows = used.map(([id, ip, , status, latencyMs, hostname, lastSeenAt, lastChangeAt, reserved, mac, vendor, macRandom, ptrMismatch, lastCheckedAt]) =>
    hostTableRow(
      {
        id,
        ip,
        status,
        latencyMs,
        hostname,
        lastSeenAt,
        lastChangeAt,
        reserved: reserved === 1,
        previouslyUsed: isPreviouslyUsed({ status, lastSeenAt: lastSeenAt === null ? null : new Date(lastSeenAt), lastCheckedAt: lastCheckedAt === null ? null : new Date(lastCheckedAt) }, silenceMs),
        mac,
        vendor,
        macRandom: macRandom === 1,
        ptrMismatch: ptrMismatch === 1,
      },
      now,
    ),
  );
  const up = used.reduce((n, h) => n + (h[3] === 'up' ? 1 : 0), 0);
  const chips = await portChipsOfSubnet(deps, subnetId);
  return {
    subnet: subnetView(subnet, deps.config, { used: used.length, up }),
    now: Math.floor(now / 1000),
    range: [formatIp(range.first, c.family), formatIp(range.last, c.family)] as [string, string],
    hosts: rows,
    /** Open ports by host id: `[port, protocol, service]` (a host that is not up keeps its last known ones). */
    ports: Object.fromEntries([...chips].map(([id, list]) => [id, list.map((p): [number, 'tcp' | 'udp', string | null] => [p.port, p.protocol, p.service])])),
  };
}

function addressIn(c: Cidr, text: string, name: 'from' | 'to'): bigint {
  let ip;
  try {
    ip = parseIp(text);
  } catch (e) {
    if (e instanceof CidrError) throw new AppError(400, 'bad_range', `${name}: "${text}" is not an IP address`);
    throw e;
  }
  if (ip.family !== c.family || ip.value < c.first || ip.value > c.last) throw new AppError(400, 'bad_range', `${name}: ${ip.text} is not inside ${c.cidr}`);
  return ip.value;
}

/** Used addresses are read this many at a time while looking for free ones (a dense block takes a few rounds). */
const USED_PAGE = 2048;

/**
 * Unused addresses (no host record) of the subnet from `first` to `last` (inclusive, inside its usable range), in
 * order, at most `want`. Reads used addresses a page at a time along hosts_subnet_key_idx; never enumerates the block.
 */
export async function unusedAddresses(deps: AppDeps, subnetId: number, c: Cidr, first: bigint, last: bigint, want: number): Promise<bigint[]> {
  const found: bigint[] = [];
  let cursor = first;
  while (cursor <= last && found.length < want) {
    const page = await deps.db
      .select({ ipKey: hosts.ipKey })
      .from(hosts)
      .where(and(eq(hosts.subnetId, subnetId), gte(hosts.ipKey, ipKey(cursor, c.family)), lte(hosts.ipKey, ipKey(last, c.family))))
      .orderBy(asc(hosts.ipKey))
      .limit(USED_PAGE);
    const used = page.map((h) => ({ value: BigInt(`0x${h.ipKey}`), item: null }));
    // a full page only tells us which addresses are used up to its last one
    const windowEnd = page.length === USED_PAGE ? used.at(-1)!.value : last;
    found.push(...firstUnused(collapseUnused({ first: cursor, last: windowEnd }, used), want - found.length));
    cursor = windowEnd + 1n;
  }
  return found;
}

/**
 * Unused addresses of the subnet's usable range between `from` and `to` (inclusive), in order, at most `limit`.
 * `next` is the first free address after the page, or null when there is none up to `to`. `reusable`: previously
 * used addresses in the same span (alive once, silent past PREVIOUSLY_USED_DAYS, not reserved), each with its
 * hint, at most `limit` from `from` on; `reusableNext` is where that list goes on. `verified`: the last live check
 * (POST /api/subnets/{id}/allocate) of each address listed, by address.
 */
export async function freeAddresses(deps: AppDeps, subnetId: number, q: { from?: string; to?: string; limit: number }) {
  const subnet = await getSubnet(deps, subnetId);
  const c = parseCidr(subnet.cidr);
  const usable = usableRange(c);
  const from = q.from === undefined ? c.first : addressIn(c, q.from, 'from');
  const to = q.to === undefined ? c.last : addressIn(c, q.to, 'to');
  if (from > to) throw new AppError(400, 'bad_range', `from ${formatIp(from, c.family)} is after to ${formatIp(to, c.family)}`);

  const end = to < usable.last ? to : usable.last;
  const start = from > usable.first ? from : usable.first;
  // one more than the page, to know where the next one starts
  const found = await unusedAddresses(deps, subnetId, c, start, end, q.limit + 1);
  const next = found.length > q.limit ? formatIp(found[q.limit]!, c.family) : null;
  const reusable = (await reusableAddresses(deps, subnetId, c, start, end, q.limit)).slice(0, q.limit + 1);
  const addresses = found.slice(0, q.limit).map((v) => formatIp(v, c.family));
  const listed = reusable.slice(0, q.limit).map(({ ipKey: _key, ...r }) => r);
  return {
    addresses,
    next,
    reusable: listed,
    reusableNext: reusable.length > q.limit ? reusable[q.limit]!.ip : null,
    verified: await lastChecks(deps, subnetId, [...addresses, ...listed.map((r) => r.ip)]),
  };
}

/** The last live check of each of these addresses of the subnet (address_checks), by address; unchecked ones are left out. */
export async function lastChecks(deps: AppDeps, subnetId: number, ips: readonly string[]) {
  const out: Record<string, { at: string; alive: boolean; signs: AddressSign[]; skipped: AddressCheckName[] }> = {};
  if (!ips.length) return out;
  const keys = ips.map((ip) => {
    const a = parseIp(ip);
    return ipKey(a.value, a.family);
  });
  // the keys as one JSON parameter: D1 binds at most 100
  const rows = await deps.db
    .select({ ip: addressChecks.ip, checkedAt: addressChecks.checkedAt, alive: addressChecks.alive, signs: addressChecks.signs, skipped: addressChecks.skipped })
    .from(addressChecks)
    .where(and(eq(addressChecks.subnetId, subnetId), sql`${addressChecks.ipKey} IN (SELECT value FROM json_each(${JSON.stringify(keys)}))`));
  for (const r of rows) out[r.ip] = { at: r.checkedAt.toISOString(), alive: r.alive, signs: r.signs, skipped: r.skipped };
  return out;
}

/**
 * Previously used hosts between `first` and `last` in address order, at most `limit` + 1 (along hosts_subnet_key_idx):
 * alive once, silent past PREVIOUSLY_USED_DAYS, not reserved; each with its hint.
 */
export async function reusableAddresses(deps: AppDeps, subnetId: number, c: Cidr, first: bigint, last: bigint, limit: number) {
  if (first > last) return [];
  const rows = await deps.db
    .select({ id: hosts.id, ip: hosts.ip, ipKey: hosts.ipKey, lastSeenAt: hosts.lastSeenAt, hostname: hosts.hostname, mac: hosts.mac })
    .from(hosts)
    .where(
      and(
        eq(hosts.subnetId, subnetId),
        gte(hosts.ipKey, ipKey(first, c.family)),
        lte(hosts.ipKey, ipKey(last, c.family)),
        // a reserved address is held by someone, so it is not offered
        previouslyUsedSql(previouslyUsedSilenceMs(deps)),
        eq(hosts.reserved, false),
      ),
    )
    .orderBy(asc(hosts.ipKey))
    .limit(limit + 1);
  return rows.map((h) => ({ ip: h.ip, ipKey: h.ipKey, previouslyUsed: { hostId: h.id, lastSeenAt: h.lastSeenAt!.toISOString(), hostname: h.hostname, mac: h.mac } }));
}
