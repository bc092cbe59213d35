import { sql } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import { bounded, CHANGES_LIMIT, parseSince } from '../domain/changes-window.js';
import { DAY_MS } from '../domain/flow-plan.js';
import { getSubnet } from './subnets.js';

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

/** A host that answered this many sweep intervals before a chosen time was still answering then (sweeps run every interval ±10 %). */
const STILL_ANSWERING_INTERVALS = 1.5;

type HostLine = { hostId: number; ip: string; hostname: string | null; mac: string | null; vendor: string | null };
type NewHostRow = HostLine & { firstSeenAt: number };
type NewMacRow = HostLine & { mac: string; previousMac: string | null; firstSeenAt: number };
type MissingRow = HostLine & { lastSeenAt: number; status: 'up' | 'down' | 'unknown' };
type UnregisteredRow = { ip: string; firstSeenAt: number; lastSeenAt: number; probeId: number | null };

/**
 * What is new and what is missing in a subnet since `since` (ISO 8601 or ms; default: the start of its latest sweep):
 * - newHosts: addresses first answering at or after `since`;
 * - newMacs: MACs an address had never had before, first seen at or after `since` (previousMac: the device it had
 *   before, null for its first MAC);
 * - missing: addresses that were still answering when the window began (they answered in the sweep before the last
 *   one, for the default window; within one and a half sweep intervals before `since`, for a chosen one; or later)
 *   and did not answer their latest check. Their status may still be `up` until
 *   DOWN_AFTER_FAILURES silent sweeps make it `down`.
 * - unregistered: addresses heard in flows in the window without a host record (unregistered talkers; one with a record
 *   by now is left out), each with the first and last minute heard in the window's days and the probe that first did.
 * Each list newest first, at most 500 (`truncated`: one was cut). The hosts' lists read the subnet's rows along
 * hosts_subnet_key_idx, the MACs along host_devices_first_seen_idx.
 */
/** A probe reports an address it hears at most once an hour (probe/netflow/seen.ts): its last report may be that much before the window. */
const SEEN_REPORT_MS = 3_600_000;

export async function subnetChanges(deps: AppDeps, subnetId: number, sinceText: string | undefined) {
  const subnet = await getSubnet(deps, subnetId);
  const now = deps.clock.now();
  const since = sinceText === undefined ? undefined : parseSince(sinceText, now);
  const swept = subnet.lastSweepAt?.getTime() ?? null;
  const from = since ?? swept ?? now;
  // "still answering when the window began": for the last sweep, seen in the sweep before it (the ingest keeps both
  // starts); for a chosen time, seen within one and a half sweep intervals before it (sweeps run every interval ±10 %)
  const aliveFrom =
    since === undefined ? (subnet.previousSweepAt?.getTime() ?? from) : from - STILL_ANSWERING_INTERVALS * subnet.sweepIntervalSeconds * 1000;
  const more = CHANGES_LIMIT + 1;

  const fromDay = from - (from % DAY_MS);
  const [newHosts, newMacs, missing, heard] = await Promise.all([
    deps.db.all<NewHostRow>(sql`
      SELECT id AS hostId, ip, hostname, mac, vendor, first_seen_at AS firstSeenAt FROM hosts
      WHERE subnet_id = ${subnetId} AND first_seen_at >= ${from}
      ORDER BY first_seen_at DESC, ip_key LIMIT ${more}`),
    deps.db.all<NewMacRow>(sql`
      SELECT h.id AS hostId, h.ip, h.hostname, d.mac, d.vendor, d.first_seen_at AS firstSeenAt,
        (SELECT p.mac FROM host_devices p WHERE p.host_id = d.host_id AND p.first_seen_at < d.first_seen_at
          ORDER BY p.last_seen_at DESC, p.first_seen_at DESC LIMIT 1) AS previousMac
      FROM host_devices d JOIN hosts h ON h.id = d.host_id
      WHERE d.first_seen_at >= ${from} AND h.subnet_id = ${subnetId}
      ORDER BY d.first_seen_at DESC, h.ip_key LIMIT ${more}`),
    deps.db.all<MissingRow>(sql`
      SELECT id AS hostId, ip, hostname, mac, vendor, last_seen_at AS lastSeenAt, status FROM hosts
      WHERE subnet_id = ${subnetId} AND last_seen_at >= ${aliveFrom} AND last_checked_at > last_seen_at
      ORDER BY last_seen_at DESC, ip_key LIMIT ${more}`),
    // along the key (subnet, day, ip): the window's days only
    deps.db.all<UnregisteredRow>(sql`
      SELECT u.ip, min(u.first_seen_at) AS firstSeenAt, max(u.last_seen_at) AS lastSeenAt,
        (SELECT f.probe_id FROM unregistered_talkers f WHERE f.subnet_id = ${subnetId} AND f.day >= ${fromDay} AND f.ip = u.ip ORDER BY f.first_seen_at LIMIT 1) AS probeId
      FROM unregistered_talkers u
      WHERE u.subnet_id = ${subnetId} AND u.day >= ${fromDay} AND u.last_seen_at >= ${from - SEEN_REPORT_MS}
        AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.ip = u.ip)
      GROUP BY u.ip ORDER BY lastSeenAt DESC, u.ip LIMIT ${more}`),
  ]);

  const hosts = bounded(newHosts);
  const macs = bounded(newMacs);
  const gone = bounded(missing);
  const talkers = bounded(heard);
  const line = (r: HostLine) => ({ hostId: Number(r.hostId), ip: r.ip, hostname: r.hostname, mac: r.mac, vendor: r.vendor });
  return {
    since: iso(from),
    until: iso(now),
    lastSweepAt: swept === null ? null : iso(swept),
    newHosts: hosts.list.map((r) => ({ ...line(r), firstSeenAt: iso(r.firstSeenAt) })),
    newMacs: macs.list.map((r) => ({ ...line(r), mac: r.mac, previousMac: r.previousMac, firstSeenAt: iso(r.firstSeenAt) })),
    missing: gone.list.map((r) => ({ ...line(r), lastSeenAt: iso(r.lastSeenAt), status: r.status })),
    unregistered: talkers.list.map((r) => ({ ip: r.ip, firstSeenAt: iso(r.firstSeenAt), lastSeenAt: iso(r.lastSeenAt), probeId: r.probeId === null ? null : Number(r.probeId) })),
    truncated: hosts.cut || macs.cut || gone.cut || talkers.cut,
  };
}
