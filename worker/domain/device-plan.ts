import type { Cidr } from '../../schema/ip/cidr.js';
import { isHostMac, isLocallyAdministered } from '../../schema/mac.js';
import type { SweepResult } from '../../schema/protocol.js';
import { parseIpFast } from './ip-text.js';
import { sweepSpan } from './sweep-checks.js';

/** A MAC as the IPAM records it: the vendor is never guessed for a locally administered (randomised) one. */
export interface MacIdentity {
  mac: string;
  vendor: string | null;
  random: boolean;
}

export function identityOf(mac: string, vendor: string | null | undefined): MacIdentity {
  const random = isLocallyAdministered(mac);
  return { mac, vendor: random ? null : (vendor ?? null), random };
}

/** One answer of a host that reported a MAC at least once in the batch; `mac` null: this answer carried none. */
export interface MacSighting {
  at: number;
  mac: string | null;
  vendor: string | null;
}

/**
 * The answers of each address that carried a MAC, oldest first, as planIngest takes them: usable addresses of the
 * subnet inside the sweep's span (the last entry of an address in one sweep wins). Answers without a MAC stay in
 * the list (they move the host's last seen); addresses that never carried one are left out.
 */
export function macSightings(cidr: Cidr, sweeps: readonly SweepResult[]): Map<string, MacSighting[]> {
  const out = new Map<string, MacSighting[]>();
  // most probes (off the hosts' segment, or before 0.4) send no MACs: nothing is parsed twice for them
  if (!sweeps.some((s) => s.up.some((u) => u.mac))) return out;
  const withMac = new Set<string>();
  for (const sweep of [...sweeps].sort((a, b) => a.at - b.at)) {
    const span = sweepSpan(cidr, sweep);
    if (!span) continue;
    const inSweep = new Map<string, MacSighting>();
    for (const u of sweep.up) {
      let ip;
      try {
        ip = parseIpFast(u.ip);
      } catch {
        continue;
      }
      if (ip.family !== cidr.family || ip.value < span.first || ip.value > span.last) continue;
      const mac = u.mac && isHostMac(u.mac) ? u.mac : null;
      inSweep.set(ip.text, { at: sweep.at, mac, vendor: mac ? (u.vendor ?? null) : null });
    }
    for (const [ip, s] of inSweep) {
      if (s.mac) withMac.add(ip);
      const list = out.get(ip) ?? [];
      list.push(s);
      out.set(ip, list);
    }
  }
  for (const ip of out.keys()) if (!withMac.has(ip)) out.delete(ip);
  return out;
}

/** What the database holds for an address before the batch (undefined in planDevices: no host row yet). */
export interface StoredIdentity {
  current: MacIdentity | null;
  /** The host's last answer before the batch: the last time its stored MAC answered. */
  lastSeenAt: number | null;
}

/** A `host_devices` upsert: first seen takes the smaller, last seen the larger; `current`: the host's MAC after the batch (its row takes the host's hostname). */
export interface DeviceRow {
  ip: string;
  mac: string;
  vendor: string | null;
  random: boolean;
  current: boolean;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** A host's MAC changed (`from` null: the first MAC it ever had, which is no alert). */
export interface MacChange {
  ip: string;
  at: number;
  from: MacIdentity | null;
  to: MacIdentity;
}

export interface DevicePlan {
  /** Hosts whose MAC columns change, with the MAC they have after the batch. */
  hosts: { ip: string; identity: MacIdentity }[];
  devices: DeviceRow[];
  changes: MacChange[];
  /** Addresses left for a later sweep because the batch's row budget had no room for their device rows (they keep their stored MAC, so the next sweep sees the same news). */
  deferred: string[];
}

function planHost(ip: string, sightings: readonly MacSighting[], stored: StoredIdentity | undefined) {
  let current = stored?.current ?? null;
  let last = stored?.lastSeenAt ?? null;
  const rows = new Map<string, DeviceRow>();
  const changes: MacChange[] = [];
  const touch = (id: MacIdentity, first: number, lastSeen: number) => {
    const row = rows.get(id.mac);
    if (row) {
      row.firstSeenAt = Math.min(row.firstSeenAt, first);
      row.lastSeenAt = Math.max(row.lastSeenAt, lastSeen);
      if (id.vendor !== null) row.vendor = id.vendor;
    } else rows.set(id.mac, { ip, mac: id.mac, vendor: id.vendor, random: id.random, current: false, firstSeenAt: first, lastSeenAt: lastSeen });
  };
  for (const s of sightings) {
    if (s.mac && s.mac !== current?.mac) {
      const to = identityOf(s.mac, s.vendor);
      // the old MAC's row closes at the host's previous answer: the last time that device answered
      if (current) touch(current, last ?? s.at, last ?? s.at);
      touch(to, s.at, s.at);
      changes.push({ ip, at: s.at, from: current, to });
      current = to;
    }
    last = s.at;
  }
  for (const row of rows.values()) row.current = row.mac === current?.mac;
  return { identity: current, rows: [...rows.values()], changes };
}

/**
 * The device history a batch's MACs write. The same MAC again writes nothing (the current device's last seen is
 * the host's own); a host's first MAC is a device row and no alert; a different MAC closes the old device's row,
 * opens (or brings back) the new one's, and is a change. Each device row takes one of `room` (the batch's row
 * budget): changes of hosts with a MAC first, then first MACs; a host that does not fit is deferred whole.
 */
export function planDevices(sightings: ReadonlyMap<string, readonly MacSighting[]>, stored: (ip: string) => StoredIdentity | undefined, room: number): DevicePlan {
  const plan: DevicePlan = { hosts: [], devices: [], changes: [], deferred: [] };
  const ips = [...sightings.keys()];
  const known = ips.filter((ip) => stored(ip)?.current);
  const fresh = ips.filter((ip) => !stored(ip)?.current);
  for (const ip of [...known, ...fresh]) {
    const h = planHost(ip, sightings.get(ip)!, stored(ip));
    if (!h.changes.length) continue;
    if (h.rows.length > room) {
      plan.deferred.push(ip);
      continue;
    }
    room -= h.rows.length;
    plan.hosts.push({ ip, identity: h.identity! });
    plan.devices.push(...h.rows);
    plan.changes.push(...h.changes);
  }
  return plan;
}
