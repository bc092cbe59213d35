import { contains, parseCidr, parseIp, type Family } from '../../schema/ip/cidr.js';
import { MAX_PORTS_PER_HOST, portScanSamples, type PortScanItem, type PortScanJob, type ScannedHost } from '../../schema/kinds/port-scan.js';
import { checkNmapArgs, wantsRawSockets } from '../../schema/nmap-args.js';
import type { AssignedSubnet } from '../../schema/protocol.js';
import { MAX_FRAME_SAMPLES } from '../../schema/protocol.js';

/** One nmap process: the arguments before the targets, and the targets (one address family: nmap needs -6 for IPv6). */
export interface NmapRun {
  family: Family;
  argv: string[];
}

export type NmapPlan =
  | { ok: true; runs: NmapRun[]; notes: string[] }
  | { ok: false; code: 'forbidden_option' | 'target_not_assigned' | 'bad_target' | 'needs_raw_sockets'; message: string };

/** Options the probe always adds: XML on stdout (what it parses), no DNS lookups, progress every 2 s. */
export const PROBE_ARGS: readonly string[] = ['-oX', '-', '-n', '--stats-every', '2s'];

/**
 * Checks a port-scan job again on the probe, whatever the server checked (a compromised or buggy server cannot
 * widen it): every argument against the allow-list, every target inside the job's subnet and assigned to this
 * probe. Then the nmap runs it takes: without raw sockets a SYN scan (-sS) becomes a connect scan (-sT).
 */
export function planNmapRuns(job: PortScanJob, assigned: ReadonlyMap<number, AssignedSubnet>, rawSockets: boolean): NmapPlan {
  const checked = checkNmapArgs(job.args);
  if (!checked.ok) return { ok: false, code: 'forbidden_option', message: checked.message };
  const subnet = assigned.get(job.subnetId);
  if (!subnet) return { ok: false, code: 'target_not_assigned', message: `subnet ${job.subnetId} is not assigned to this probe` };
  const cidr = parseCidr(subnet.cidr);
  const byFamily = new Map<Family, string[]>();
  for (const t of job.targets) {
    let ip;
    try {
      ip = parseIp(t);
    } catch {
      return { ok: false, code: 'bad_target', message: `target ${JSON.stringify(t)} is not an IP address` };
    }
    if (!contains(cidr, ip)) return { ok: false, code: 'target_not_assigned', message: `target ${ip.text} is outside subnet ${cidr.cidr}` };
    const list = byFamily.get(ip.family) ?? [];
    if (!list.includes(ip.text)) list.push(ip.text);
    byFamily.set(ip.family, list);
  }
  const notes: string[] = [];
  let args = checked.args;
  // nmap refuses a UDP scan without raw sockets; there is no connect-scan stand-in for it
  if (args.includes('-sU') && !rawSockets) return { ok: false, code: 'needs_raw_sockets', message: 'a UDP scan (-sU) needs raw sockets (root or CAP_NET_RAW), which this probe does not have' };
  if (wantsRawSockets(args) && !rawSockets) {
    args = args.map((a) => (a === '-sS' ? '-sT' : a));
    notes.push('no raw sockets: -sS replaced by -sT');
  }
  const runs = [...byFamily].map(([family, targets]) => ({ family, argv: [...args, ...PROBE_ARGS, ...(family === 6 ? ['-6'] : []), ...targets] }));
  return { ok: true, runs, notes };
}

/** Caps each host's ports at MAX_PORTS_PER_HOST (flagged `truncated`). */
export function boundHost(h: ScannedHost): ScannedHost {
  return h.ports.length > MAX_PORTS_PER_HOST ? { ...h, ports: h.ports.slice(0, MAX_PORTS_PER_HOST), truncated: true } : h;
}

/** Splits a port-scan result into items that each make the server write at most `max` rows (one batch each). */
export function splitPortScan(item: PortScanItem, max = MAX_FRAME_SAMPLES): PortScanItem[] {
  if (portScanSamples(item) <= max) return [item];
  const parts: PortScanItem[] = [];
  let hosts: ScannedHost[] = [];
  let size = 0;
  for (const h of item.hosts) {
    const n = Math.max(1, h.ports.length);
    if (size + n > max && hosts.length) {
      parts.push({ ...item, hosts });
      hosts = [];
      size = 0;
    }
    hosts.push(h);
    size += n;
  }
  if (hosts.length) parts.push({ ...item, hosts });
  // parts of one scan share its start time: each is its own batch, and the server keys results by (kind, subnet, at) per frame only
  return parts;
}
