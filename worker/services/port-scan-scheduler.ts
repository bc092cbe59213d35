import { inArray, sql } from 'drizzle-orm';
import { MAX_SCAN_TARGETS } from '../../schema/kinds/port-scan.js';
import { subnets } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { nextPortScanAt } from '../domain/port-scan-schedule.js';
import { activeJob, activeJobsOf } from './jobs.js';
import { argsOf, dispatchPortScan } from './port-scans.js';

/** Hosts due looked at per tick; the rest wait for the next one. */
const DUE_PER_TICK = 4 * MAX_SCAN_TARGETS;

interface Due {
  id: number;
  ip: string;
  subnetId: number;
}

/**
 * Scheduled port scans: every alive host of a subnet with scans on, whose probe is connected and runs them, once
 * its next scan time has come. A subnet's due hosts go in one job (nmap scans a group of hosts faster than one by
 * one: docs/BENCHMARKS.md, "Port scans": 0.86 s against 1.15 s for 20 hosts), and a probe gets no more than PORT_SCAN_JOBS_PER_PROBE jobs at once. Each
 * host's next time is its interval ±15%, drawn per host, so hosts found together do not stay in step.
 */
export async function schedulePortScans(deps: AppDeps, random: () => number = Math.random): Promise<number> {
  if (!deps.config.enableNmapScheduler) return 0;
  const now = deps.clock.now();
  const due = await deps.db.all<Due>(sql`
    SELECT h.id, h.ip, h.subnet_id AS subnetId FROM hosts h
    JOIN subnets s ON s.id = h.subnet_id JOIN probes p ON p.id = s.probe_id
    WHERE s.port_scan_enabled = 1 AND p.connected = 1 AND h.status = 'up'
      AND EXISTS (SELECT 1 FROM json_each(p.kinds) WHERE value = 'port_scan')
      AND (h.ports_next_scan_at IS NULL OR h.ports_next_scan_at <= ${now})
      AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.id = h.port_scan_job_id AND ${activeJob(now)})
    ORDER BY s.id, h.ports_next_scan_at, h.ip_key LIMIT ${DUE_PER_TICK}`);
  if (!due.length) return 0;
  const subnetRows = await deps.db
    .select()
    .from(subnets)
    .where(inArray(subnets.id, [...new Set(due.map((d) => d.subnetId))]));
  const slots = new Map<number, number>();
  let sent = 0;
  for (const subnet of subnetRows) {
    const probeId = subnet.probeId!;
    if (!slots.has(probeId)) slots.set(probeId, deps.config.portScanJobsPerProbe - (await activeJobsOf(deps, probeId, 'port_scan')));
    const hostsDue = due.filter((d) => d.subnetId === subnet.id);
    let args: string[];
    try {
      args = argsOf(subnet);
    } catch (e) {
      deps.log.warn('subnet port-scan arguments no longer pass the allow-list; not scanning it', { subnetId: subnet.id, error: String(e) });
      continue;
    }
    for (let i = 0; i < hostsDue.length && slots.get(probeId)! > 0; i += MAX_SCAN_TARGETS) {
      const group = hostsDue.slice(i, i + MAX_SCAN_TARGETS);
      const jobId = await dispatchPortScan(deps, { probeId, subnetId: subnet.id, targets: group, args, origin: 'schedule' });
      if (!jobId) break;
      slots.set(probeId, slots.get(probeId)! - 1);
      sent++;
      const intervalMs = (subnet.portScanIntervalMinutes ?? deps.config.scanNmapIntervalMinutes) * 60_000;
      const next = JSON.stringify(group.map((h) => [h.id, nextPortScanAt(now, intervalMs, random())]));
      await deps.db.run(sql`UPDATE hosts SET ports_next_scan_at = j.value->>1 FROM json_each(${next}) j WHERE hosts.id = j.value->>0`);
    }
  }
  return sent;
}
