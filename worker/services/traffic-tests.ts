import { and, eq, inArray, sql } from 'drizzle-orm';
import { type TrafficClientJob, type TrafficServerJob, TRAFFIC_CONNECT_WAIT_MS } from '../../schema/kinds/traffic.js';
import { trafficTests } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { pairKey, trafficTimeouts, type TrafficSide, type TrafficTestDetail } from '../domain/traffic-test.js';
import type { Effects } from '../effects.js';
import { AppError } from '../errors.js';
import { resolveTrafficRequest, type TrafficRequest } from './traffic-request.js';
import { getTrafficTest } from './traffic-tests-read.js';

export type { TrafficRequest } from './traffic-request.js';

/** Who asked: a user, or the user who made the schedule (null once that user is gone). */
export interface TrafficRequester {
  userId: number | null;
  username: string | null;
}

/**
 * Starts a traffic test (of a schedule when `scheduleId` is given): every refusal first (resolveTrafficRequest), then one insert that cannot race another
 * test of either probe, then the target probe's listener job and the source probe's client job.
 */
export async function startTrafficTest(deps: AppDeps, who: TrafficRequester, req: TrafficRequest, scheduleId: number | null = null): Promise<{ detail: TrafficTestDetail; effects: Effects }> {
  const { from, target, bandwidthBps, address: picked } = await resolveTrafficRequest(deps, req, 'now');
  const address = picked!;

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
      bandwidth_bps, parallel, reverse, state, server_job_id, client_job_id, schedule_id, requested_by, requested_by_name, created_at, updated_at, expires_at)
    SELECT ${id}, ${pair}, ${from.id}, ${from.name}, ${target?.id ?? null}, ${target?.name ?? null}, ${address}, ${req.port}, ${req.protocol}, ${req.durationSeconds},
      ${bandwidthBps}, ${req.parallel}, ${req.reverse ? 1 : 0}, 'running', ${serverJobId}, ${clientJobId}, ${scheduleId}, ${who.userId}, ${who.username}, ${now}, ${now}, ${now + expiresInMs}
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
