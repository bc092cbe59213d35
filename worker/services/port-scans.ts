import { eq, sql } from 'drizzle-orm';
import { contains, parseCidr, parseIp } from '../../schema/ip/cidr.js';
import { MAX_SCAN_TARGETS } from '../../schema/kinds/port-scan.js';
import { checkNmapArgs, DEFAULT_NMAP_ARGS } from '../../schema/nmap-args.js';
import { hosts, jobs, probes, type SubnetRow } from '../../schema/tables/index.js';
import { batchable } from '../db.js';
import { bumpCounters, COUNTERS } from '../metrics/counters.js';
import type { AppDeps } from '../deps.js';
import { decideScanNow, type ScanCandidate } from '../domain/port-scan-schedule.js';
import { AppError, notFound, RetryLaterError } from '../errors.js';
import { follow } from '../effects.js';
import { activeJob } from './jobs.js';
import { getSubnet } from './subnets.js';

/** The allow-list check at the API: a refused option is a 400 naming it, before anything is stored or sent. */
export function checkedArgs(text: string): string[] {
  const c = checkNmapArgs(text);
  if (!c.ok) throw new AppError(400, 'forbidden_nmap_option', c.message, { option: c.option });
  return c.args;
}

export const argsOf = (row: SubnetRow): string[] => (row.portScanArgs ? checkedArgs(row.portScanArgs) : [...DEFAULT_NMAP_ARGS]);

interface Target {
  id: number;
  ip: string;
}

/** The subnet's probe, if it is connected and runs port scans; otherwise the 409 saying why not. */
async function scanningProbe(deps: AppDeps, subnet: SubnetRow): Promise<number> {
  if (subnet.probeId == null) throw new AppError(409, 'no_probe', `subnet ${subnet.cidr} has no probe assigned`);
  const [probe] = await deps.db.select({ kinds: probes.kinds, version: probes.version }).from(probes).where(eq(probes.id, subnet.probeId));
  if (!(await deps.hub.isConnected(subnet.probeId))) throw new AppError(409, 'probe_offline', `probe ${subnet.probeId} is not connected`);
  if (!(probe?.kinds ?? ['sweep']).includes('port_scan')) {
    throw new AppError(409, 'unsupported_by_probe', `probe ${subnet.probeId} (version ${probe?.version ?? 'unknown'}) does not run port scans; upgrade it`);
  }
  return subnet.probeId;
}

/**
 * Sends one port-scan job and records it; its hosts point at it while it runs. Returns the job id, or null when
 * the probe went away before the send (nothing is left under way then).
 */
export async function dispatchPortScan(
  deps: AppDeps,
  d: { probeId: number; subnetId: number; targets: Target[]; args: string[]; origin: 'schedule' | 'manual' },
): Promise<string | null> {
  const now = deps.clock.now();
  const jobId = crypto.randomUUID();
  const timeoutMs = deps.config.portScanTimeoutSeconds * 1000;
  const ids = JSON.stringify(d.targets.map((t) => t.id));
  const manual = d.origin === 'manual' ? sql`, port_scan_requested_at = ${now}` : sql``;
  await deps.db.batch([
    deps.db.insert(jobs).values({
      id: jobId,
      kind: 'port_scan',
      probeId: d.probeId,
      subnetId: d.subnetId,
      targets: d.targets.length,
      origin: d.origin,
      state: 'queued',
      requestedAt: new Date(now),
      updatedAt: new Date(now),
      // slack past the probe's own time limit for the last result to arrive
      expiresAt: new Date(now + timeoutMs + 60_000),
    }),
    batchable(deps.db, sql`UPDATE hosts SET port_scan_job_id = ${jobId}${manual} WHERE id IN (SELECT value FROM json_each(${ids}))`),
    batchable(deps.db, bumpCounters([{ name: COUNTERS.portScanJobs, labels: { origin: d.origin }, by: 1 }])!),
  ]);
  const sent = await deps.hub.send(d.probeId, {
    type: 'job',
    kind: 'port_scan',
    jobId,
    subnetId: d.subnetId,
    targets: d.targets.map((t) => t.ip),
    args: d.args,
    timeoutMs,
  });
  if (!sent) {
    await deps.db.batch([
      deps.db.update(jobs).set({ state: 'failed', error: 'the probe was not connected', updatedAt: new Date(now) }).where(eq(jobs.id, jobId)),
      deps.db.update(hosts).set({ portScanJobId: null }).where(eq(hosts.portScanJobId, jobId)),
    ]);
    return null;
  }
  await follow(deps, { live: [{ type: 'job', data: { jobId, kind: 'port_scan', subnetId: d.subnetId, probeId: d.probeId, state: 'queued', hostIds: d.targets.map((t) => t.id) } }] });
  return jobId;
}

/** Candidates for "scan now": the hosts with the job still covering them (if under way) and their last request. */
async function candidates(deps: AppDeps, where: ReturnType<typeof sql>): Promise<(ScanCandidate & Target)[]> {
  const now = deps.clock.now();
  const rows = await deps.db.all<{ id: number; ip: string; job: string | null; requested: number | null }>(sql`
    SELECT h.id, h.ip, jobs.id AS job, h.port_scan_requested_at AS requested FROM hosts h
    LEFT JOIN jobs ON jobs.id = h.port_scan_job_id AND ${activeJob(now)}
    WHERE ${where} ORDER BY h.ip_key LIMIT ${MAX_SCAN_TARGETS * 16}`);
  return rows.map((r) => ({ id: r.id, ip: r.ip, activeJobId: r.job, requestedAt: r.requested === null ? null : Number(r.requested) }));
}

export interface ScanNowOutcome {
  jobId: string;
  coalesced: boolean;
  /** Hosts the new job scans (0 when coalesced). */
  hosts: number;
}

async function scanNow(deps: AppDeps, subnet: SubnetRow, probeId: number, found: (ScanCandidate & Target)[], args: string[]): Promise<ScanNowOutcome> {
  const decision = decideScanNow(found, deps.clock.now(), deps.config.portScanCooldownSeconds * 1000);
  if (!decision.ready.length) {
    if (decision.joined.length) return { jobId: decision.joined[0]!, coalesced: true, hosts: 0 };
    throw new RetryLaterError('scan_rate_limited', `ports were scanned on request less than ${deps.config.portScanCooldownSeconds} s ago; try again in ${decision.retryAfterSeconds} s`, decision.retryAfterSeconds);
  }
  const ready = new Set(decision.ready);
  const targets = found.filter((h) => ready.has(h.id));
  let first: string | null = null;
  for (let i = 0; i < targets.length; i += MAX_SCAN_TARGETS) {
    const jobId = await dispatchPortScan(deps, { probeId, subnetId: subnet.id, targets: targets.slice(i, i + MAX_SCAN_TARGETS), args, origin: 'manual' });
    if (!jobId) throw new AppError(409, 'probe_offline', `probe ${probeId} is not connected`);
    first ??= jobId;
  }
  return { jobId: first!, coalesced: false, hosts: targets.length };
}

/** "Scan ports now" for one host (any state: a host may block ICMP and still serve). */
export async function scanHostPortsNow(deps: AppDeps, hostId: number, body: { args?: string }): Promise<ScanNowOutcome> {
  const [host] = await deps.db.select({ subnetId: hosts.subnetId }).from(hosts).where(eq(hosts.id, hostId));
  if (!host) throw notFound(`host ${hostId}`);
  const subnet = await getSubnet(deps, host.subnetId);
  const args = body.args !== undefined ? checkedArgs(body.args) : argsOf(subnet);
  const probeId = await scanningProbe(deps, subnet);
  return scanNow(deps, subnet, probeId, await candidates(deps, sql`h.id = ${hostId}`), args);
}

/** "Scan ports now" for a subnet: its alive hosts, or the listed addresses (each must be a host of the subnet). */
export async function scanSubnetPortsNow(deps: AppDeps, subnetId: number, body: { args?: string; targets?: string[] }): Promise<ScanNowOutcome> {
  const subnet = await getSubnet(deps, subnetId);
  const args = body.args !== undefined ? checkedArgs(body.args) : argsOf(subnet);
  let where = sql`h.subnet_id = ${subnetId} AND h.status = 'up'`;
  let texts: string[] = [];
  if (body.targets) {
    const cidr = parseCidr(subnet.cidr);
    texts = body.targets.map((t) => {
      let ip;
      try {
        ip = parseIp(t);
      } catch {
        throw new AppError(400, 'invalid_ip', `target ${JSON.stringify(t)} is not an IP address`);
      }
      if (!contains(cidr, ip)) throw new AppError(400, 'target_outside_subnet', `target ${ip.text} is outside subnet ${subnet.cidr}`, { target: ip.text });
      return ip.text;
    });
    where = sql`h.subnet_id = ${subnetId} AND h.ip IN (SELECT value FROM json_each(${JSON.stringify(texts)}))`;
  }
  const found = await candidates(deps, where);
  const missing = texts.filter((t) => !found.some((h) => h.ip === t));
  if (missing.length) throw new AppError(400, 'unknown_target', `${missing[0]} is not a host of ${subnet.cidr} (add it first)`, { targets: missing.slice(0, 10) });
  // who would scan comes before what: no probe is a clearer answer than no host
  const probeId = await scanningProbe(deps, subnet);
  if (!found.length) throw new AppError(409, 'no_alive_hosts', `no host of ${subnet.cidr} is up`);
  return scanNow(deps, subnet, probeId, found, args);
}
