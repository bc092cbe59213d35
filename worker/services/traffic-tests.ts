import { and, eq, inArray, sql } from 'drizzle-orm';
import { canonicalIp } from '../../schema/ip/cidr.js';
import { specialTarget, unmapIPv4 } from '../../schema/ip/special.js';
import { TRAFFIC_CONNECT_WAIT_MS, type TrafficClientJob, type TrafficServerJob } from '../../schema/kinds/traffic.js';
import type { ProbeNetwork } from '../../schema/protocol.js';
import { probes, trafficTests } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { pairKey, parseBandwidth, pickProbeAddress, trafficTimeouts, type TrafficSide, type TrafficTestDetail } from '../domain/traffic-test.js';
import type { Effects } from '../effects.js';
import { AppError } from '../errors.js';
import type { Principal } from './auth.js';
import { getTrafficTest } from './traffic-tests-read.js';

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

interface ProbeFacts {
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

/**
 * Starts a traffic test (a refusal's `details.field` names the request's field it is about, for the form): every refusal first (in the design's order), then one insert that cannot race another
 * test of either probe, then the target probe's listener job and the source probe's client job.
 */
export async function startTrafficTest(deps: AppDeps, who: Principal, req: TrafficRequest): Promise<{ detail: TrafficTestDetail; effects: Effects }> {
  const bandwidthBps = req.bandwidth === undefined ? null : parseBandwidth(req.bandwidth);
  if (bandwidthBps === null && req.bandwidth !== undefined) {
    throw new AppError(400, 'invalid_bandwidth', `${JSON.stringify(String(req.bandwidth).slice(0, 40))} is not a rate between 1K and 100G bits/s (e.g. "50M", "1.5G", "800K")`, { field: 'bandwidth' });
  }
  const toProbeId = typeof req.to === 'number' ? req.to : null;
  if (toProbeId === null && req.toAddress !== undefined) throw new AppError(400, 'invalid_request', 'toAddress chooses one of a target probe’s addresses; the target is an address already', { field: 'toAddress' });
  const from = await readProbe(deps, req.from, 'from');
  const target = toProbeId === null ? null : await readProbe(deps, toProbeId, 'to');
  if (target && target.id === from.id) throw new AppError(400, 'same_probe', 'a probe cannot test traffic to itself; choose another probe or an address', { field: 'to' });
  for (const [p, field] of [[from, 'from'], [target, 'to']] as const) {
    if (p && !(await deps.hub.isConnected(p.id))) throw new AppError(503, 'probe_offline', `probe ${p.name} is not connected`, { field });
  }
  if (!(from.kinds ?? []).includes('traffic-client')) throw new AppError(409, 'unsupported_by_probe', `probe ${from.name} does not run traffic tests (it needs probe 0.8 and iperf3)`, { field: 'from' });
  if (target && !(target.kinds ?? []).includes('traffic-server')) throw new AppError(409, 'unsupported_by_probe', `probe ${target.name} cannot listen for traffic tests (it needs probe 0.8 and iperf3)`, { field: 'to' });

  let address: string;
  if (target) {
    const wanted = req.toAddress === undefined ? undefined : cleanAddress(req.toAddress, 'toAddress');
    const pick = pickProbeAddress(from.network, target.network, wanted);
    if ('error' in pick) {
      if (pick.error === 'no_probe_address') throw new AppError(409, 'no_probe_address', `probe ${target.name} reported no address another probe could connect to`, { field: 'to' });
      throw new AppError(400, 'invalid_target', `${wanted} is not one of probe ${target.name}’s addresses`, { field: 'toAddress' });
    }
    address = pick.address;
  } else address = cleanAddress(req.to as string, 'to');

  const now = deps.clock.now();
  const id = crypto.randomUUID();
  const clientJobId = crypto.randomUUID();
  const serverJobId = target ? crypto.randomUUID() : null;
  const involved = target ? [from.id, target.id] : [from.id];
  const pair = pairKey(from.id, target ? { probeId: target.id } : { address });
  const { serverTimeoutMs, clientTimeoutMs, expiresInMs } = trafficTimeouts(req.durationSeconds);
  const busy = sql`EXISTS (SELECT 1 FROM traffic_tests WHERE state = 'running' AND expires_at > ${now}
    AND (from_probe_id IN (SELECT value FROM json_each(${JSON.stringify(involved)})) OR to_probe_id IN (SELECT value FROM json_each(${JSON.stringify(involved)}))))`;
  // the busy check and the insert in one statement: two requests at once cannot both start a test of the same probe
  await deps.db.run(sql`
    INSERT INTO traffic_tests (id, pair, from_probe_id, from_probe_name, to_probe_id, to_probe_name, to_address, port, protocol, duration_seconds,
      bandwidth_bps, parallel, reverse, state, server_job_id, client_job_id, requested_by, requested_by_name, created_at, updated_at, expires_at)
    SELECT ${id}, ${pair}, ${from.id}, ${from.name}, ${target?.id ?? null}, ${target?.name ?? null}, ${address}, ${req.port}, ${req.protocol}, ${req.durationSeconds},
      ${bandwidthBps}, ${req.parallel}, ${req.reverse ? 1 : 0}, 'running', ${serverJobId}, ${clientJobId}, ${who.userId}, ${who.username}, ${now}, ${now}, ${now + expiresInMs}
    WHERE NOT ${busy}`);
  const [stored] = await deps.db.select({ id: trafficTests.id }).from(trafficTests).where(eq(trafficTests.id, id));
  if (!stored) throw new AppError(409, 'traffic_test_busy', `a traffic test of probe ${target ? `${from.name} or ${target.name}` : from.name} is still running; try again when it has finished`, { field: 'from' });

  const fail = async (side: TrafficSide, probeName: string) => {
    await deps.db
      .update(trafficTests)
      .set({ state: 'failed', failedStep: side, code: 'probe_offline', error: `probe ${probeName} was not connected`, finishedAt: new Date(now), updatedAt: new Date(now) })
      .where(and(eq(trafficTests.id, id), inArray(trafficTests.state, ['running'])));
  };
  let state: 'running' | 'failed' = 'running';
  if (target && serverJobId) {
    const job: TrafficServerJob = { type: 'job', kind: 'traffic-server', jobId: serverJobId, testId: id, port: req.port, bind: address, timeoutMs: serverTimeoutMs };
    if (!(await deps.hub.send(target.id, job))) {
      await fail('server', target.name);
      state = 'failed';
    }
  }
  if (state === 'running') {
    const job: TrafficClientJob = {
      type: 'job', kind: 'traffic-client', jobId: clientJobId, testId: id, target: address, port: req.port, protocol: req.protocol,
      durationSeconds: req.durationSeconds, ...(bandwidthBps !== null ? { bandwidthBps } : {}), parallel: req.parallel, reverse: req.reverse,
      // the target probe's listener may start a moment after this job arrives; an address's server is up already
      connectWaitMs: target ? TRAFFIC_CONNECT_WAIT_MS : 0, timeoutMs: clientTimeoutMs,
    };
    if (!(await deps.hub.send(from.id, job))) {
      await fail('client', from.name);
      state = 'failed';
    }
  }
  deps.log.info('traffic test started', { testId: id, pair, address, protocol: req.protocol, durationSeconds: req.durationSeconds, sent: state === 'running', by: who.username });
  return { detail: (await getTrafficTest(deps, id))!, effects: { live: [{ type: 'traffic', data: { testId: id, state } }] } };
}
