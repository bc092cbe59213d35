import { eq } from 'drizzle-orm';
import { canonicalIp } from '../../schema/ip/cidr.js';
import { specialTarget, unmapIPv4 } from '../../schema/ip/special.js';
import type { ProbeNetwork } from '../../schema/protocol.js';
import { probes } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { parseBandwidth, pickProbeAddress } from '../domain/traffic-test.js';
import { AppError } from '../errors.js';

export interface TrafficRequest {
  from: number;
  /** A probe id, or an address already running an iperf3 server. */
  to: number | string;
  /** With a target probe: which of its addresses to connect to. */
  toAddress?: string;
  protocol: 'tcp' | 'udp';
  durationSeconds: number;
  bandwidth?: string | number;
  parallel: number;
  reverse: boolean;
  port: number;
}

/** An address as stored, or a 400 `invalid_target`: not an IP, or one that reaches a whole link or nothing. */
function cleanAddress(text: string, field: 'to' | 'toAddress'): string {
  const parsed = canonicalIp(text.trim());
  const ip = parsed === null ? null : unmapIPv4(parsed);
  if (!ip) throw new AppError(400, 'invalid_target', `${JSON.stringify(text.slice(0, 100))} is not an IP address`, { field });
  const special = specialTarget(ip);
  if (special) throw new AppError(400, 'invalid_target', `${special}: no iperf3 server answers there`, { field });
  return ip;
}

export interface ProbeFacts {
  id: number;
  name: string;
  kinds: string[] | null;
  network: ProbeNetwork | null;
}

async function readProbe(deps: AppDeps, id: number, field: 'from' | 'to'): Promise<ProbeFacts> {
  const [p] = await deps.db.select({ id: probes.id, name: probes.name, kinds: probes.kinds, network: probes.network }).from(probes).where(eq(probes.id, id));
  if (!p) throw new AppError(404, 'unknown_probe', `probe ${id} is not enrolled`, { field });
  return p;
}


export interface ResolvedTraffic {
  from: ProbeFacts;
  target: ProbeFacts | null;
  bandwidthBps: number | null;
  /** `now`: the address the client connects to. `schedule`: the address target, or the target probe's chosen address (null: picked at each run). */
  address: string | null;
}

/**
 * A traffic request checked, every refusal in the design's order (`details.field` names the request's field, for
 * the form). `now` (a test about to start) also needs both probes connected and able, and picks the target probe's
 * address; `schedule` (runs to come) checks what holds for good: the probes exist and differ, what they reported
 * they can do (a probe that never connected is given the benefit of the doubt), the address and the rate.
 */
export async function resolveTrafficRequest(deps: AppDeps, req: TrafficRequest, mode: 'now' | 'schedule'): Promise<ResolvedTraffic> {
  const bandwidthBps = req.bandwidth === undefined ? null : parseBandwidth(req.bandwidth);
  if (bandwidthBps === null && req.bandwidth !== undefined) {
    throw new AppError(400, 'invalid_bandwidth', `${JSON.stringify(String(req.bandwidth).slice(0, 40))} is not a rate between 1K and 100G bits/s (e.g. "50M", "1.5G", "800K")`, { field: 'bandwidth' });
  }
  const toProbeId = typeof req.to === 'number' ? req.to : null;
  if (toProbeId === null && req.toAddress !== undefined) throw new AppError(400, 'invalid_request', 'toAddress chooses one of a target probe’s addresses; the target is an address already', { field: 'toAddress' });
  const from = await readProbe(deps, req.from, 'from');
  const target = toProbeId === null ? null : await readProbe(deps, toProbeId, 'to');
  if (target && target.id === from.id) throw new AppError(400, 'same_probe', 'a probe cannot test traffic to itself; choose another probe or an address', { field: 'to' });
  if (mode === 'now') {
    for (const [p, field] of [[from, 'from'], [target, 'to']] as const) {
      if (p && !(await deps.hub.isConnected(p.id))) throw new AppError(503, 'probe_offline', `probe ${p.name} is not connected`, { field });
    }
  }
  const lacks = (p: ProbeFacts, kind: string) => (mode === 'now' || p.kinds !== null) && !(p.kinds ?? []).includes(kind);
  if (lacks(from, 'traffic-client')) throw new AppError(409, 'unsupported_by_probe', `probe ${from.name} does not run traffic tests (it needs probe 0.8 and iperf3)`, { field: 'from' });
  if (target && lacks(target, 'traffic-server')) throw new AppError(409, 'unsupported_by_probe', `probe ${target.name} cannot listen for traffic tests (it needs probe 0.8 and iperf3)`, { field: 'to' });

  if (!target) return { from, target, bandwidthBps, address: cleanAddress(req.to as string, 'to') };
  const wanted = req.toAddress === undefined ? undefined : cleanAddress(req.toAddress, 'toAddress');
  // a schedule without a chosen address picks at each run (the probes' addresses may change); a probe not heard from yet has none to check against
  if (mode === 'schedule' && (wanted === undefined || target.network === null)) return { from, target, bandwidthBps, address: wanted ?? null };
  const pick = pickProbeAddress(from.network, target.network, wanted);
  if ('error' in pick) {
    if (pick.error === 'no_probe_address') throw new AppError(409, 'no_probe_address', `probe ${target.name} reported no address another probe could connect to`, { field: 'to' });
    throw new AppError(400, 'invalid_target', `${wanted} is not one of probe ${target.name}’s addresses`, { field: 'toAddress' });
  }
  return { from, target, bandwidthBps, address: mode === 'schedule' ? wanted! : pick.address };
}
