import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { hosts, jobs, type JobState } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';

const ACTIVE: JobState[] = ['queued', 'started', 'progress'];
const TERMINAL = new Set<JobState>(['done', 'failed', 'unsupported']);

/** Under way: not finished, and not past its time limit (a probe that went away mid-job never reports it). */
export const activeJob = (now: number) => and(inArray(jobs.state, ACTIVE), gt(jobs.expiresAt, new Date(now)));

/** Records a probe's report on one of its jobs (a job of another probe, or one the server did not store, is ignored). */
export async function recordJobStatus(
  deps: AppDeps,
  probeId: number,
  s: { jobId: string; state: JobState; done?: number; total?: number; error?: string },
): Promise<void> {
  const now = new Date(deps.clock.now());
  const update = deps.db
    .update(jobs)
    .set({ state: s.state, done: s.done ?? null, total: s.total ?? null, error: s.error?.slice(0, 2000) ?? null, updatedAt: now })
    .where(and(eq(jobs.id, s.jobId), eq(jobs.probeId, probeId), inArray(jobs.state, ACTIVE)));
  if (!TERMINAL.has(s.state)) return void (await update);
  // finished: its hosts are free for the next "scan now" (a result batch frees them too, when it is applied)
  // only the job's own probe frees its hosts (another probe's report on it changes nothing)
  const own = sql`EXISTS (SELECT 1 FROM ${jobs} WHERE ${jobs.id} = ${s.jobId} AND ${jobs.probeId} = ${probeId})`;
  await deps.db.batch([update, deps.db.update(hosts).set({ portScanJobId: null }).where(and(eq(hosts.portScanJobId, s.jobId), own))]);
}

/** Port-scan jobs of a probe under way now (the scheduler's concurrency cap). */
export async function activeJobsOf(deps: AppDeps, probeId: number, kind: string): Promise<number> {
  const [row] = await deps.db
    .select({ n: sql<number>`count(*)` })
    .from(jobs)
    .where(and(eq(jobs.probeId, probeId), eq(jobs.kind, kind), activeJob(deps.clock.now())));
  return Number(row?.n ?? 0);
}
