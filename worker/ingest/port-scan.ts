import { sql, type SQL } from 'drizzle-orm';
import { contains } from '../../schema/ip/cidr.js';
import type { LivePortChange } from '../../schema/live.js';
import { portScanSamples, type PortScanItem } from '../../schema/kinds/port-scan.js';
import type { AppDeps } from '../deps.js';
import { parseIpFast } from '../domain/ip-text.js';
import { planHostPorts, type PortChange, type StoredPort } from '../domain/port-plan.js';
import { checkResultTime } from '../domain/sweep-checks.js';
import { muteCheck, tagsOf, type AlertSetup } from '../alerts/context.js';
import type { AlertDraft } from '../alerts/types.js';
import type { Rejection, ResultIngest } from './types.js';

const ALERT_OF = { opened: 'port.opened', closed: 'port.closed', changed: 'service.changed' } as const;

/**
 * One event per host and kind of change in a scan. A host's first scan is its baseline: every port it has would
 * "open" at once, which is no news.
 */
async function portAlerts(deps: AppDeps, alerts: () => Promise<AlertSetup>, probeId: number, writes: readonly HostWrite[]): Promise<AlertDraft[]> {
  const told = writes.filter((w) => w.changes.length && w.target.portsScannedAt !== null);
  if (!told.length) return [];
  const setup = await alerts();
  const mute = muteCheck(setup, await tagsOf(deps, setup, told.map((w) => w.target.id)));
  const drafts: AlertDraft[] = [];
  for (const w of told) {
    const mutedBy = mute({ hostId: w.target.id, subnetId: w.subnetId }, w.at);
    for (const change of ['opened', 'closed', 'changed'] as const) {
      const these = w.changes.filter((c) => c.change === change);
      if (!these.length) continue;
      const services = these.map((c) => ({
        port: c.port.port,
        protocol: c.port.protocol,
        service: c.port.service,
        product: c.port.product,
        version: c.port.version,
        ...(change === 'changed' ? { previousService: c.previous?.service ?? null } : {}),
      }));
      const [previous, current] = change === 'opened' ? ['closed', 'open'] : change === 'closed' ? ['open', 'closed'] : ['open', 'open'];
      drafts.push({ type: ALERT_OF[change], at: w.at, hostId: w.target.id, subnetId: w.subnetId, probeId, previous, current, mutedBy, services });
    }
  }
  return drafts;
}

interface Target {
  id: number;
  ip: string;
  status: 'up' | 'down' | 'unknown';
  portsScannedAt: number | null;
  ports: StoredPort[];
}

/** The scanned hosts of one subnet with their stored ports, in two reads (a JSON value each). */
async function loadTargets(deps: AppDeps, subnetId: number, ips: string[]): Promise<Map<string, Target>> {
  const [{ part }] = (await deps.db.all<{ part: string }>(sql`
    SELECT json_group_array(json_array(id, ip, status, ports_scanned_at)) AS part FROM hosts
    WHERE subnet_id = ${subnetId} AND ip IN (SELECT value FROM json_each(${JSON.stringify(ips)}))`)) as [{ part: string }];
  const targets = new Map<string, Target>();
  const byId = new Map<number, Target>();
  for (const [id, ip, status, portsScannedAt] of JSON.parse(part) as [number, string, Target['status'], number | null][]) {
    const t: Target = { id, ip, status, portsScannedAt, ports: [] };
    targets.set(ip, t);
    byId.set(id, t);
  }
  if (!byId.size) return targets;
  const [{ ports }] = (await deps.db.all<{ ports: string }>(sql`
    SELECT json_group_array(json_array(host_id, protocol, port, state, service, product, version, first_seen_at, last_seen_at)) AS ports
    FROM host_ports WHERE host_id IN (SELECT value FROM json_each(${JSON.stringify([...byId.keys()])}))`)) as [{ ports: string }];
  type Row = [number, StoredPort['protocol'], number, StoredPort['state'], string | null, string | null, string | null, number, number];
  for (const [hostId, protocol, port, state, service, product, version, firstSeenAt, lastSeenAt] of JSON.parse(ports) as Row[]) {
    byId.get(hostId)?.ports.push({ protocol, port, state, service, product, version, firstSeenAt, lastSeenAt });
  }
  return targets;
}

interface HostWrite {
  target: Target;
  subnetId: number;
  at: number;
  upserts: StoredPort[];
  closed: StoredPort[];
  changes: PortChange[];
  jobId: string | null;
}

function statements(writes: HostWrite[], probeId: number): SQL[] {
  const closed = writes.flatMap((w) => w.closed.map((p) => [w.target.id, p.protocol, p.port]));
  const upserts = writes.flatMap((w) => w.upserts.map((p) => [w.target.id, p.protocol, p.port, p.state, p.service, p.product, p.version, p.firstSeenAt, p.lastSeenAt]));
  const events = writes.flatMap((w) =>
    w.changes.map((c) => [w.target.id, w.at, c.change, c.port.protocol, c.port.port, c.port.service, c.port.product, c.port.version, c.previous?.service ?? null, c.previous?.product ?? null, c.previous?.version ?? null]),
  );
  const scanned = writes.map((w) => [w.target.id, w.at, w.jobId]);
  const out: SQL[] = [];
  if (closed.length) {
    out.push(sql`DELETE FROM host_ports WHERE (host_id, protocol, port) IN (SELECT value->>0, value->>1, value->>2 FROM json_each(${JSON.stringify(closed)}))`);
  }
  if (upserts.length) {
    out.push(sql`INSERT INTO host_ports (host_id, protocol, port, state, service, product, version, first_seen_at, last_seen_at)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(${JSON.stringify(upserts)}) WHERE true
      ON CONFLICT(host_id, protocol, port) DO UPDATE SET state = excluded.state, service = excluded.service, product = excluded.product,
        version = excluded.version, last_seen_at = excluded.last_seen_at`);
  }
  if (events.length) {
    out.push(sql`INSERT INTO port_events (host_id, at, change, protocol, port, service, product, version, prev_service, prev_product, prev_version, probe_id)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9, value->>10, ${probeId}
      FROM json_each(${JSON.stringify(events)})`);
  }
  // the scan is applied: later results must be newer; the job no longer holds the host (a "scan now" starts a new one)
  out.push(sql`UPDATE hosts SET ports_scanned_at = j.value->>1,
      port_scan_job_id = CASE WHEN port_scan_job_id = j.value->>2 THEN NULL ELSE port_scan_job_id END
    FROM json_each(${JSON.stringify(scanned)}) j WHERE hosts.id = j.value->>0`);
  return out;
}

/** The `port_scan` kind: each host's open ports now, and an event per port opened, closed or changed. */
export const portScanIngest: ResultIngest<PortScanItem> = {
  kind: 'port_scan',
  listed: (items) => items.reduce((n, i) => n + portScanSamples(i), 0),
  async prepare({ deps, probeId, now, owned, budget, alerts }, items) {
    const rejected: Rejection[] = [];
    const ignored: { subnetId: number; addresses: string[] }[] = [];
    const writes: HostWrite[] = [];
    for (const item of items) {
      const cidr = owned.get(item.subnetId)!;
      const reason = checkResultTime(item.at, now);
      if (reason) {
        rejected.push({ kind: 'port_scan', subnetId: item.subnetId, at: item.at, reason });
        continue;
      }
      const inSubnet = new Map<string, (typeof item.hosts)[number]>();
      const outside: string[] = [];
      for (const h of item.hosts) {
        try {
          const ip = parseIpFast(h.ip);
          if (contains(cidr, ip)) inSubnet.set(ip.text, h);
          else outside.push(h.ip);
        } catch {
          outside.push(h.ip);
        }
      }
      const targets = await loadTargets(deps, item.subnetId, [...inSubnet.keys()]);
      // an address without a host record (deleted since the job was sent) is not created by a port scan
      for (const ip of inSubnet.keys()) if (!targets.has(ip)) outside.push(ip);
      if (outside.length) ignored.push({ subnetId: item.subnetId, addresses: outside.slice(0, 10) });
      let applied = 0;
      let stale = 0;
      for (const [ip, scan] of inSubnet) {
        const target = targets.get(ip);
        if (!target) continue;
        const plan = planHostPorts(target, scan, item.at, item.scannedPorts);
        if (plan.stale) {
          stale++;
          continue;
        }
        applied++;
        writes.push({ target, subnetId: item.subnetId, at: item.at, upserts: plan.upserts, closed: plan.closed, changes: plan.changes, jobId: item.jobId ?? null });
      }
      // every host it names has a newer scan stored: the probe hears why nothing of it was applied
      if (stale && !applied) rejected.push({ kind: 'port_scan', subnetId: item.subnetId, at: item.at, reason: 'stale' });
    }
    // counted as the probe counts them (portScanSamples), so a result it split to fit is never refused; the closes a
    // host's result adds are bounded by its stored ports, themselves at most one result's worth
    const samples = writes.reduce((n, w) => n + Math.max(1, w.upserts.length), 0);
    budget.left -= samples;
    if (budget.left < 0) return null;
    const changes: LivePortChange[] = writes.flatMap((w) =>
      w.changes.map((c) => ({ hostId: w.target.id, subnetId: w.subnetId, ip: w.target.ip, change: c.change, port: c.port.port, protocol: c.port.protocol, service: c.port.service, at: new Date(w.at).toISOString() })),
    );
    const drafts = await portAlerts(deps, alerts, probeId, writes);
    return {
      statements: writes.length ? statements(writes, probeId) : [],
      drafts,
      rejected,
      ignored,
      samples,
      events: changes.length,
      async announce() {
        if (!writes.length) return [];
        return [{ type: 'ports', data: { subnetIds: [...new Set(writes.map((w) => w.subnetId))], hostIds: writes.map((w) => w.target.id), changes } }];
      },
    };
  },
};
