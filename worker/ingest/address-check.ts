import { sql, type SQL } from 'drizzle-orm';
import { ipKey, parseIp, usableRange, type Cidr } from '../../schema/ip/cidr.js';
import type { AddressCheckItem, AddressCheckOutcome } from '../../schema/kinds/address-check.js';
import { isLocallyAdministered } from '../../schema/mac.js';
import { matchVendor, type OuiTable } from '../../schema/oui.js';
import { discoveredHost, isTaken, type DiscoveredHost } from '../domain/allocation-plan.js';
import { checkResultTime } from '../domain/sweep-checks.js';
import { hostsEdited } from '../live/announce.js';
import { jsonRowChunks } from '../services/json-rows.js';
import type { Rejection, ResultIngest } from './types.js';

interface CheckWrite {
  subnetId: number;
  jobId: string;
  at: number;
  ip: string;
  ipKey: string;
  outcome: AddressCheckOutcome;
}

interface Discovered extends DiscoveredHost {
  subnetId: number;
  ipKey: string;
  at: number;
  vendor: string | null;
  macRandom: boolean;
}

/** The address as stored, or null when it is not a usable address of the subnet. */
function usableKey(cidr: Cidr, text: string): { ip: string; key: string } | null {
  try {
    const ip = parseIp(text);
    const usable = usableRange(cidr);
    if (ip.family !== cidr.family || ip.value < usable.first || ip.value > usable.last) return null;
    return { ip: ip.text, key: ipKey(ip.value, ip.family) };
  } catch {
    return null;
  }
}

function checkStatements(checks: readonly CheckWrite[], probeId: number): SQL[] {
  // the newest check of an address is kept (two in one batch: the later one)
  return jsonRowChunks(checks, (c) => [c.subnetId, c.ipKey, c.ip, c.jobId, c.at, isTaken(c.outcome) ? 1 : 0, JSON.stringify(c.outcome.signs), JSON.stringify(c.outcome.skipped ?? [])]).map(
    (j) => sql`INSERT INTO address_checks (subnet_id, ip_key, ip, job_id, probe_id, checked_at, alive, signs, skipped)
        SELECT value->>0, value->>1, value->>2, value->>3, ${probeId}, value->>4, value->>5, value->>6, value->>7 FROM json_each(${j}) WHERE true
        ON CONFLICT(subnet_id, ip_key) DO UPDATE SET ip = excluded.ip, job_id = excluded.job_id, probe_id = excluded.probe_id,
          checked_at = excluded.checked_at, alive = excluded.alive, signs = excluded.signs, skipped = excluded.skipped
        WHERE excluded.checked_at >= address_checks.checked_at`,
  );
}

const PTR_NAMES_IT = sql`excluded.ptr_name IS NOT NULL AND (hosts.hostname IS NULL OR hosts.hostname_source IN ('ptr', 'probe'))`;

/**
 * Addresses that showed signs of life become discovered hosts (up when something answered; the PTR name as a hostname
 * from 'ptr'; the MAC and its device row). An existing record keeps its status (sweeps decide it) and a typed name; it
 * learns that it was seen, and a MAC or PTR name it lacked.
 */
function discoveredStatements(found: readonly Discovered[], now: number): SQL[] {
  const rows = jsonRowChunks(found, (d) => [d.subnetId, d.ip, d.ipKey, d.status, d.latencyMs, d.ptrName, d.mac, d.vendor, d.macRandom ? 1 : 0, d.seen ? d.at : null, d.at]);
  return [
    ...rows.map(
      (j) => sql`INSERT INTO hosts (subnet_id, ip, ip_key, status, latency_ms, hostname, hostname_source, ptr_name, ptr_checked_at, mac, vendor, mac_random,
            first_seen_at, last_seen_at, last_checked_at, times_seen, created_at, updated_at)
          SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, CASE WHEN value->>5 IS NULL THEN NULL ELSE 'ptr' END, value->>5,
            CASE WHEN value->>5 IS NULL THEN NULL ELSE value->>10 END, value->>6, value->>7, value->>8,
            value->>9, value->>9, value->>10, CASE WHEN value->>9 IS NULL THEN 0 ELSE 1 END, ${now}, ${now}
          FROM json_each(${j}) WHERE true
          ON CONFLICT(ip) DO UPDATE SET
            first_seen_at = coalesce(hosts.first_seen_at, excluded.first_seen_at),
            last_seen_at = CASE WHEN excluded.last_seen_at > coalesce(hosts.last_seen_at, 0) THEN excluded.last_seen_at ELSE hosts.last_seen_at END,
            ptr_name = coalesce(excluded.ptr_name, hosts.ptr_name),
            ptr_checked_at = coalesce(excluded.ptr_checked_at, hosts.ptr_checked_at),
            hostname = CASE WHEN ${PTR_NAMES_IT} THEN excluded.ptr_name ELSE hosts.hostname END,
            hostname_source = CASE WHEN ${PTR_NAMES_IT} THEN 'ptr' ELSE hosts.hostname_source END,
            mac = coalesce(hosts.mac, excluded.mac),
            vendor = CASE WHEN hosts.mac IS NULL THEN excluded.vendor ELSE hosts.vendor END,
            mac_random = CASE WHEN hosts.mac IS NULL AND excluded.mac IS NOT NULL THEN excluded.mac_random ELSE hosts.mac_random END,
            updated_at = excluded.updated_at`,
    ),
    // the device seen answering, when it is the host's MAC now (a different one is the sweep's to judge: mac.changed)
    ...rows.map(
      (j) => sql`INSERT INTO host_devices (host_id, mac, vendor, mac_random, hostname, first_seen_at, last_seen_at)
          SELECT h.id, h.mac, h.vendor, h.mac_random, h.hostname, j.value->>9, j.value->>9 FROM json_each(${j}) j JOIN hosts h ON h.ip = j.value->>1
          WHERE j.value->>6 IS NOT NULL AND j.value->>9 IS NOT NULL AND h.mac = j.value->>6
          ON CONFLICT(host_id, mac) DO UPDATE SET last_seen_at = max(host_devices.last_seen_at, excluded.last_seen_at)`,
    ),
  ];
}

/**
 * The `address-check` kind: the probe's live check of allocation candidates. Each outcome is the address's last check
 * (address_checks, which the allocation waits for and GET /free shows); addresses in use are recorded as discovered
 * hosts; the result ends its job. Only for the probe's own `address-check` jobs of that subnet, and only usable
 * addresses of it.
 */
export const addressCheckIngest: ResultIngest<AddressCheckItem> = {
  kind: 'address-check',
  listed: (items) => items.reduce((n, i) => n + i.checks.length, 0),
  async prepare({ deps, probeId, now, owned, budget }, items) {
    const rejected: Rejection[] = [];
    const ignored: { subnetId: number; addresses: string[] }[] = [];
    const checks: CheckWrite[] = [];
    const jobIds = new Set<string>();
    for (const item of items) {
      const time = checkResultTime(item.at, now);
      if (time) {
        rejected.push({ kind: 'address-check', subnetId: item.subnetId, at: item.at, reason: time });
        continue;
      }
      const [job] = await deps.db.all<{ id: string }>(
        sql`SELECT id FROM jobs WHERE id = ${item.jobId} AND probe_id = ${probeId} AND kind = 'address-check' AND subnet_id = ${item.subnetId}`,
      );
      // another probe's job, one of another subnet, or none the server sent: nothing to store
      if (!job) {
        ignored.push({ subnetId: item.subnetId, addresses: [item.jobId.slice(0, 64)] });
        continue;
      }
      jobIds.add(item.jobId);
      const cidr = owned.get(item.subnetId)!;
      const outside: string[] = [];
      for (const outcome of item.checks) {
        const at = usableKey(cidr, outcome.ip);
        if (!at) outside.push(outcome.ip.slice(0, 64));
        else checks.push({ subnetId: item.subnetId, jobId: item.jobId, at: item.at, ip: at.ip, ipKey: at.key, outcome });
      }
      if (outside.length) ignored.push({ subnetId: item.subnetId, addresses: outside.slice(0, 10) });
    }
    const taken = checks.filter((c) => isTaken(c.outcome));
    const table: OuiTable | null = taken.some((c) => c.outcome.mac) ? ((await deps.tools?.ouiTable()) ?? null) : null;
    const found = taken.map((c): Discovered => {
      const d = discoveredHost(c.outcome);
      return { ...d, ip: c.ip, subnetId: c.subnetId, ipKey: c.ipKey, at: c.at, vendor: d.mac && table ? matchVendor(d.mac, table) : null, macRandom: d.mac ? isLocallyAdministered(d.mac) : false };
    });
    const samples = checks.length + found.length;
    budget.left -= samples;
    if (budget.left < 0) return null;
    const ended = [...jobIds].map(
      // the result is the job's end, whatever became of the row meanwhile (a timed-out allocation marked it failed)
      (id) => sql`UPDATE jobs SET state = 'done', error = NULL, updated_at = ${now} WHERE id = ${id} AND probe_id = ${probeId} AND kind = 'address-check' AND state != 'done'`,
    );
    return {
      statements: [...checkStatements(checks, probeId), ...discoveredStatements(found, now), ...ended],
      drafts: [],
      rejected,
      ignored,
      samples,
      events: 0,
      async announce() {
        return found.length ? [hostsEdited(found.map((d) => d.subnetId))] : [];
      },
    };
  },
};
