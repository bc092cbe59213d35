import { sql, type SQL } from 'drizzle-orm';
import type { Cidr } from '../../schema/ip/cidr.js';
import type { LiveMacChange } from '../../schema/live.js';
import type { SweepResult } from '../../schema/protocol.js';
import { muteCheck, tagsOf, type AlertSetup } from '../alerts/context.js';
import type { AlertDraft } from '../alerts/types.js';
import type { AppDeps } from '../deps.js';
import { identityOf, macSightings, planDevices, type MacChange, type StoredIdentity } from '../domain/device-plan.js';
import { jsonRowChunks } from '../services/json-rows.js';

/** A host as the sweep read it (loadTracked): its id, address, stored MAC and last answer. */
export interface DeviceHost {
  id: number;
  ip: string;
  mac: string | null;
  lastSeenAt: number | null;
}

export interface SweepDevices {
  statements: SQL[];
  drafts: AlertDraft[];
  /** Device rows written (counted against the batch's bound). */
  rows: number;
  /** For the live feed; hostId null: a host this batch creates (looked up after the commit). */
  changes: (Omit<LiveMacChange, 'hostId'> & { hostId: number | null })[];
}

const NONE: SweepDevices = { statements: [], drafts: [], rows: 0, changes: [] };


/** The vendors of the stored MACs of hosts whose MAC is about to change (read only then: most sweeps change none). */
async function storedVendors(deps: AppDeps, ids: number[]): Promise<Map<number, string | null>> {
  if (!ids.length) return new Map();
  const rows = await deps.db.all<{ id: number; vendor: string | null }>(sql`SELECT id, vendor FROM hosts WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Map(rows.map((r) => [r.id, r.vendor]));
}

/**
 * What one subnet's sweeps mean for its hosts' MACs: the hosts' MAC columns, the device history (`host_devices`)
 * and a `mac.changed` event per change of a host that had a MAC. Statements run after the sweep's host upsert in
 * the same batch (device rows find hosts created by it through their address). A sweep whose MACs are those
 * stored writes nothing here and reads nothing more. `room`: device rows the batch may still write.
 */
export async function sweepDevices(
  deps: AppDeps,
  alerts: () => Promise<AlertSetup>,
  at: { subnetId: number; probeId: number },
  cidr: Cidr,
  before: readonly DeviceHost[],
  sweeps: readonly SweepResult[],
  room: number,
): Promise<SweepDevices> {
  const sightings = macSightings(cidr, sweeps);
  if (!sightings.size) return NONE;
  const byIp = new Map(before.map((h) => [h.ip, h]));
  for (const [ip, list] of sightings) {
    const mac = byIp.get(ip)?.mac ?? null;
    if (list.every((s) => s.mac === null || s.mac === mac)) sightings.delete(ip);
  }
  if (!sightings.size) return NONE;

  const changing = [...sightings.keys()].map((ip) => byIp.get(ip)).filter((h): h is DeviceHost => !!h?.mac);
  const vendors = await storedVendors(deps, changing.map((h) => h.id));
  const stored = new Map<string, StoredIdentity>();
  for (const h of before) {
    if (!sightings.has(h.ip)) continue;
    const current = h.mac ? { ...identityOf(h.mac, null), vendor: vendors.get(h.id) ?? null } : null;
    stored.set(h.ip, { current, lastSeenAt: h.lastSeenAt });
  }
  const plan = planDevices(sightings, (ip) => stored.get(ip), room);
  if (plan.deferred.length) deps.log.warn('MAC changes deferred to a later sweep: the batch has no room for their device rows', { subnetId: at.subnetId, hosts: plan.deferred.length });
  if (!plan.hosts.length) return NONE;

  const replaced = new Set(plan.changes.filter((c) => c.from !== null).map((c) => c.ip));
  const statements: SQL[] = [
    ...jsonRowChunks(plan.hosts, (h) => [h.ip, h.identity.mac, h.identity.vendor, h.identity.random ? 1 : 0]).map(
      (j) => sql`UPDATE hosts SET mac = j.value->>1, vendor = j.value->>2, mac_random = j.value->>3 FROM json_each(${j}) j WHERE hosts.ip = j.value->>0`,
    ),
    // each row takes the name the address has now (a device leaving keeps the name it had while it was there), except
    // a device that just replaced another: the address's name was the old device's, so it starts without one until a
    // lookup or an edit names it (a MAC coming back keeps the name it had before)
    ...jsonRowChunks(plan.devices, (d) => [d.ip, d.mac, d.vendor, d.random ? 1 : 0, d.current && replaced.has(d.ip) ? 1 : 0, d.firstSeenAt, d.lastSeenAt]).map(
      (j) => sql`INSERT INTO host_devices (host_id, mac, vendor, mac_random, hostname, first_seen_at, last_seen_at)
        SELECT h.id, j.value->>1, j.value->>2, j.value->>3, CASE WHEN j.value->>4 = 1 THEN NULL ELSE h.hostname END, j.value->>5, j.value->>6
        FROM json_each(${j}) j JOIN hosts h ON h.ip = j.value->>0 WHERE true
        ON CONFLICT(host_id, mac) DO UPDATE SET vendor = coalesce(excluded.vendor, host_devices.vendor), mac_random = excluded.mac_random,
          hostname = coalesce(excluded.hostname, host_devices.hostname),
          first_seen_at = min(host_devices.first_seen_at, excluded.first_seen_at), last_seen_at = max(host_devices.last_seen_at, excluded.last_seen_at)`,
    ),
  ];
  return {
    statements,
    drafts: await macAlerts(deps, alerts, at, byIp, plan.changes),
    rows: plan.devices.length,
    changes: plan.changes.map((c) => ({
      hostId: byIp.get(c.ip)?.id ?? null,
      subnetId: at.subnetId,
      ip: c.ip,
      from: c.from && { mac: c.from.mac, vendor: c.from.vendor },
      to: { mac: c.to.mac, vendor: c.to.vendor },
      at: new Date(c.at).toISOString(),
    })),
  };
}

/** One `mac.changed` per change of a host that had a MAC (a first MAC is no news), muted like the host's other events. */
async function macAlerts(
  deps: AppDeps,
  alerts: () => Promise<AlertSetup>,
  at: { subnetId: number; probeId: number },
  byIp: ReadonlyMap<string, DeviceHost>,
  changes: readonly MacChange[],
): Promise<AlertDraft[]> {
  const told = changes.filter((c) => c.from && byIp.has(c.ip));
  if (!told.length) return [];
  const setup = await alerts();
  const mute = muteCheck(setup, await tagsOf(deps, setup, [...new Set(told.map((c) => byIp.get(c.ip)!.id))]));
  return told.map((c) => {
    const hostId = byIp.get(c.ip)!.id;
    return {
      type: 'mac.changed',
      at: c.at,
      hostId,
      subnetId: at.subnetId,
      probeId: at.probeId,
      previous: c.from!.mac,
      current: c.to.mac,
      mutedBy: mute({ hostId, subnetId: at.subnetId }, c.at),
      mac: { previous: c.from!, current: c.to },
    };
  });
}
