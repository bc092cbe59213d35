import { and, eq, gt, inArray } from 'drizzle-orm';
import type { LiveEvent } from '../../schema/live.js';
import type { ProbeJobState } from '../../schema/protocol.js';
import { operationRuns, operations, type OperationRunState } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { runExpiry, runTimeoutMs } from '../domain/operation-plan.js';

const UNDER_WAY: OperationRunState[] = ['queued', 'running'];

/** What a probe's job state means for its operation run. */
const RUN_STATE: Record<ProbeJobState, OperationRunState> = {
  queued: 'queued',
  started: 'running',
  progress: 'running',
  done: 'done',
  failed: 'failed',
  unsupported: 'unsupported',
};

/**
 * Records a probe's report on one of its operation runs (another probe's run, or one that has ended, is left alone)
 * and returns the live event to announce, or null when nothing changed.
 */
export async function recordOperationStatus(
  deps: AppDeps,
  probeId: number,
  s: { jobId: string; state: ProbeJobState; done?: number; total?: number; error?: string; code?: string },
): Promise<LiveEvent | null> {
  const now = deps.clock.now();
  const [run] = await deps.db
    .select({ operationId: operationRuns.operationId, state: operationRuns.state, kind: operations.kind, params: operations.params })
    .from(operationRuns)
    .innerJoin(operations, eq(operations.id, operationRuns.operationId))
    .where(and(eq(operationRuns.id, s.jobId), eq(operationRuns.probeId, probeId)));
  if (!run || !UNDER_WAY.includes(run.state)) return null;
  const state = RUN_STATE[s.state];
  const timeoutMs = runTimeoutMs(run.kind, run.params);
  const finished = !UNDER_WAY.includes(state);
  const update: Partial<typeof operationRuns.$inferInsert> = { state, updatedAt: new Date(now) };
  if (s.state === 'queued') update.expiresAt = new Date(runExpiry('queued', now, timeoutMs, deps.config.operationQueuePerProbe));
  if (s.state === 'started') Object.assign(update, { startedAt: new Date(now), expiresAt: new Date(runExpiry('started', now, timeoutMs, 1)) });
  if (s.state === 'progress' && s.done !== undefined && s.total !== undefined) Object.assign(update, { done: s.done, total: s.total });
  if (finished) Object.assign(update, { finishedAt: new Date(now), error: s.error?.slice(0, 2000) ?? null, code: s.code ?? (s.state === 'failed' ? 'failed' : null) });
  // a final result applied meanwhile (state done) is not undone by a late report
  await deps.db
    .update(operationRuns)
    .set(update)
    .where(and(eq(operationRuns.id, s.jobId), eq(operationRuns.probeId, probeId), inArray(operationRuns.state, UNDER_WAY)));
  return { type: 'operation', data: { operationId: run.operationId, probeId, state, ...(s.done !== undefined && s.total !== undefined ? { done: s.done, total: s.total } : {}) } };
}

/** A probe's runs under way (for the batch that ends them when it disconnects: the same condition reads and writes). */
const underWayOf = (probeId: number, now: number) =>
  and(eq(operationRuns.probeId, probeId), inArray(operationRuns.state, UNDER_WAY), gt(operationRuns.expiresAt, new Date(now)));

/** Statements for the disconnect batch: read the runs under way, then end them (results the probe spooled still arrive and are applied). */
export function endRunsOf(deps: AppDeps, probeId: number, now: number) {
  return [
    deps.db.select({ id: operationRuns.id, operationId: operationRuns.operationId }).from(operationRuns).where(underWayOf(probeId, now)),
    deps.db
      .update(operationRuns)
      .set({ state: 'failed', code: 'probe_disconnected', error: 'the probe disconnected', finishedAt: new Date(now), updatedAt: new Date(now) })
      .where(underWayOf(probeId, now)),
  ] as const;
}
