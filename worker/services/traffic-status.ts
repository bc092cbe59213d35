import { and, eq, gt, or, sql } from 'drizzle-orm';
import type { LiveEvent } from '../../schema/live.js';
import type { ProbeJobState } from '../../schema/protocol.js';
import { trafficTests } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { trafficStatusChange } from '../domain/traffic-test.js';

/**
 * Records a probe's report on its side of a traffic test (the listener of the target probe, the client of the source
 * probe; another probe's job is left alone) and returns the live event to announce, or null when it named no test.
 */
export async function recordTrafficStatus(
  deps: AppDeps,
  probeId: number,
  s: { jobId: string; state: ProbeJobState; error?: string; code?: string },
): Promise<LiveEvent | null> {
  const now = deps.clock.now();
  const [test] = await deps.db
    .select({ id: trafficTests.id, state: trafficTests.state, durationSeconds: trafficTests.durationSeconds, clientJobId: trafficTests.clientJobId, expiresAt: trafficTests.expiresAt })
    .from(trafficTests)
    .where(
      or(
        and(eq(trafficTests.serverJobId, s.jobId), eq(trafficTests.toProbeId, probeId)),
        and(eq(trafficTests.clientJobId, s.jobId), eq(trafficTests.fromProbeId, probeId)),
      ),
    );
  if (!test) return null;
  const side = test.clientJobId === s.jobId ? 'client' : 'server';
  // past its expiry the test reads as failed timeout: a late report changes no more than the side's state
  const state = test.state === 'running' && test.expiresAt.getTime() <= now ? 'failed' : test.state;
  const change = trafficStatusChange({ state, durationSeconds: test.durationSeconds }, side, s, now);
  const { startedAt, expiresAt, finishedAt, ...rest } = change;
  const set = {
    ...rest,
    ...(startedAt !== undefined ? { startedAt: new Date(startedAt) } : {}),
    ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt) } : {}),
    ...(finishedAt !== undefined ? { finishedAt: new Date(finishedAt) } : {}),
    updatedAt: new Date(now),
  };
  // a test ending meanwhile (its result, a disconnect) keeps its state: only the side's state is then written
  const ends = change.state !== undefined || startedAt !== undefined;
  await deps.db
    .update(trafficTests)
    .set(set)
    .where(and(eq(trafficTests.id, test.id), ends ? eq(trafficTests.state, 'running') : undefined));
  return { type: 'traffic', data: { testId: test.id, state: change.state ?? state } };
}

/** A probe's running tests, either side (for the batch that ends them when it disconnects: the same condition reads and writes). */
const runningOf = (probeId: number, now: number) =>
  and(or(eq(trafficTests.fromProbeId, probeId), eq(trafficTests.toProbeId, probeId)), eq(trafficTests.state, 'running'), gt(trafficTests.expiresAt, new Date(now)));

/** Statements for the disconnect batch: read the probe's running tests, then fail them `probe_disconnected` on its side. */
export function endTrafficTestsOf(deps: AppDeps, probeId: number, now: number) {
  return [
    deps.db.select({ id: trafficTests.id }).from(trafficTests).where(runningOf(probeId, now)),
    deps.db
      .update(trafficTests)
      .set({
        state: 'failed',
        failedStep: sql`CASE WHEN ${trafficTests.fromProbeId} = ${probeId} THEN 'client' ELSE 'server' END`,
        code: 'probe_disconnected',
        error: 'the probe disconnected',
        finishedAt: new Date(now),
        updatedAt: new Date(now),
      })
      .where(runningOf(probeId, now)),
  ] as const;
}
