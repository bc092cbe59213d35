import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { canonicalIp } from '../../schema/ip/cidr.js';
import { validDnsName } from '../../schema/kinds/names.js';
import { specialTarget, unmapIPv4 } from '../../schema/ip/special.js';
import type { LiveEvent } from '../../schema/live.js';
import { operationRuns, operations, probes } from '../../schema/tables/index.js';
import { batchable } from '../db.js';
import { bumpCounters, COUNTERS } from '../metrics/counters.js';
import type { AppDeps } from '../deps.js';
import { operationJob, operationParams, planRuns, runExpiry, runTimeoutMs, selectionOf, type OperationRequest } from '../domain/operation-plan.js';
import type { Effects } from '../effects.js';
import { AppError, RetryLaterError } from '../errors.js';
import type { Principal } from './auth.js';
import { getOperation, type OperationDetail } from './operations-read.js';

const RATE_WINDOW_MS = 60_000;
const UNDER_WAY = ['queued', 'running'] as const;

/** The target as stored: a canonical address, or a lowercase hostname; anything else is a 400 that stores nothing. */
export function cleanTarget(target: string, family?: 4 | 6): string {
  // an IPv4-mapped address is the IPv4 address it carries (the probe's allow-list judges it so too)
  const mapped = canonicalIp(target);
  const ip = mapped === null ? null : unmapIPv4(mapped);
  if (ip) {
    const special = specialTarget(ip);
    if (special) throw new AppError(400, 'invalid_target', `${special}: an operation would reach the probe itself or every host of a link`);
    if (family && (ip.includes(':') ? 6 : 4) !== family) throw new AppError(400, 'invalid_target', `${ip} is not an IPv${family} address`);
    return ip;
  }
  // all digits and dots is a mistyped address, not a name
  const name = /^[0-9.]+$/.test(target) || target.startsWith('-') ? null : validDnsName(target);
  if (!name) throw new AppError(400, 'invalid_target', `${JSON.stringify(target.slice(0, 100))} is neither an IP address nor a hostname`);
  return name;
}

/** Runs under way per probe (queued or running, not past their time limit). */
async function underWayByProbe(deps: AppDeps, probeIds: number[], now: number): Promise<Map<number, number>> {
  if (!probeIds.length) return new Map();
  const rows = await deps.db
    .select({ probeId: operationRuns.probeId, n: sql<number>`count(*)` })
    .from(operationRuns)
    // the ids as one JSON parameter: D1 takes at most 100 bound parameters, and "all" may be more probes
    .where(and(sql`${operationRuns.probeId} IN (SELECT value FROM json_each(${JSON.stringify(probeIds)}))`, inArray(operationRuns.state, [...UNDER_WAY]), gt(operationRuns.expiresAt, new Date(now))))
    .groupBy(operationRuns.probeId);
  return new Map(rows.map((r) => [r.probeId!, Number(r.n)]));
}

/**
 * Starts an operation: one run per chosen probe, its job sent to each connected probe that runs the tool. Every
 * refusal (bad target, unknown probe or site, a full queue, the caller's rate) comes before anything is stored.
 */
export async function startOperation(deps: AppDeps, who: Principal, req: OperationRequest): Promise<{ detail: OperationDetail; effects: Effects }> {
  const target = cleanTarget(req.target, req.family);
  const known = await deps.db.select({ id: probes.id, name: probes.name, site: probes.site, connected: probes.connected, kinds: probes.kinds }).from(probes);
  const plan = planRuns(req, known);
  if ('error' in plan) throw new AppError(plan.error.code === 'unknown_site' ? 404 : 400, plan.error.code === 'too_long' ? 'invalid_request' : plan.error.code, plan.error.message);
  const now = deps.clock.now();
  const params = operationParams(req);
  const queued = plan.runs.filter((r) => r.state === 'queued');
  const cap = deps.config.operationQueuePerProbe;
  const busy = await underWayByProbe(deps, queued.map((r) => r.probeId), now);
  const full = queued.filter((r) => (busy.get(r.probeId) ?? 0) >= cap);
  if (full.length) {
    throw new RetryLaterError('operation_queue_full', `probe ${full.map((r) => r.probeName).join(', ')} already has ${cap} operations queued or running; try again when one has finished`, 10);
  }

  const id = crypto.randomUUID();
  const limit = deps.config.operationsPerMinute;
  const timeoutMs = runTimeoutMs(req.kind, params);
  const runs = plan.runs.map((r) => ({ ...r, id: crypto.randomUUID() }));
  // the rate limit and the insert in one statement, and the runs only if it took: two requests at once cannot both pass
  await deps.db.batch([
    batchable(
      deps.db,
      sql`
      INSERT INTO operations (id, kind, target, params, selection, requested_by, requested_by_name, created_at)
      SELECT ${id}, ${req.kind}, ${target}, ${JSON.stringify(params)}, ${JSON.stringify(selectionOf(req))}, ${who.userId}, ${who.username}, ${now}
      WHERE (SELECT count(*) FROM operations WHERE requested_by = ${who.userId} AND created_at > ${now - RATE_WINDOW_MS}) < ${limit}`,
    ),
    ...runs.map((r) =>
      batchable(
        deps.db,
        sql`INSERT INTO operation_runs (id, operation_id, probe_id, probe_name, site, state, error, updated_at, finished_at, expires_at)
            SELECT ${r.id}, ${id}, ${r.probeId}, ${r.probeName}, ${r.site}, ${r.state}, ${r.error}, ${now}, ${r.state === 'queued' ? null : now}, ${runExpiry('sent', now, timeoutMs, 1)}
            WHERE EXISTS (SELECT 1 FROM operations WHERE id = ${id})`,
      ),
    ),
    ...[bumpCounters([{ name: COUNTERS.operationRuns, labels: { kind: req.kind }, by: runs.length }], sql`EXISTS (SELECT 1 FROM operations WHERE id = ${id})`)]
      .filter((s) => s !== null)
      .map((s) => batchable(deps.db, s)),
  ]);
  const [stored] = await deps.db.select({ id: operations.id }).from(operations).where(eq(operations.id, id));
  if (!stored) {
    const [oldest] = await deps.db.all<{ at: number }>(sql`SELECT min(created_at) AS at FROM operations WHERE requested_by = ${who.userId} AND created_at > ${now - RATE_WINDOW_MS}`);
    const wait = Math.ceil((Number(oldest?.at ?? now) + RATE_WINDOW_MS - now) / 1000);
    throw new RetryLaterError('rate_limited', `you may start ${limit} operations a minute; try again in ${wait} s`, wait);
  }

  // the jobs go out at once (on Workers each is a call to the probe's Durable Object)
  await Promise.all(
    runs.map(async (r) => {
      if (r.state !== 'queued') return;
      if (await deps.hub.send(r.probeId, operationJob(req.kind, r.id, target, params))) return;
      await deps.db
        .update(operationRuns)
        .set({ state: 'offline', error: 'the probe was not connected', finishedAt: new Date(now), updatedAt: new Date(now) })
        .where(and(eq(operationRuns.id, r.id), eq(operationRuns.state, 'queued')));
      r.state = 'offline';
    }),
  );
  const live: LiveEvent[] = runs.map((r) => ({ type: 'operation', data: { operationId: id, probeId: r.probeId, state: r.state } }));
  deps.log.info('operation started', { operationId: id, kind: req.kind, target, runs: runs.length, sent: runs.filter((r) => r.state === 'queued').length, by: who.username });
  return { detail: (await getOperation(deps, id))!, effects: { live } };
}
