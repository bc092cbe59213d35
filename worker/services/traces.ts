import { and, desc, eq, sql } from 'drizzle-orm';
import { contains, parseCidr, parseIp } from '../../schema/ip/cidr.js';
import { MAX_TRACE_HOPS, type TraceHop } from '../../schema/kinds/traceroute.js';
import { hosts, hostTraces, jobs, probes, subnets, type JobState } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import type { Effects } from '../effects.js';
import { AppError, notFound, RetryLaterError } from '../errors.js';
import { activeJob } from './jobs.js';

/** What the probe is given for one trace (the kind's default): it kills traceroute past it. */
export const TRACE_TIMEOUT_MS = 60_000;
/** Past the probe's own limit, for its result and status to arrive before the job stops counting as under way. */
const EXPIRY_SLACK_MS = 60_000;
const ACTIVE = new Set<JobState>(['queued', 'started', 'progress']);

/** The hosts a probe's status of a traceroute job covers (for the live `job` event): its host, when the job is this probe's. */
export async function traceJobHostIds(deps: AppDeps, probeId: number, jobId: string): Promise<number[] | undefined> {
  const [row] = await deps.db
    .select({ hostId: jobs.hostId })
    .from(jobs)
    .where(and(eq(jobs.id, jobId), eq(jobs.probeId, probeId), eq(jobs.kind, 'traceroute')));
  return row?.hostId != null ? [row.hostId] : undefined;
}

export interface TraceAccepted {
  jobId: string;
  probeId: number;
  target: string;
}

/** The subnet of `probeId` that holds the address (subnets never overlap: the host's own, when it is that probe's). */
async function subnetOfProbeFor(deps: AppDeps, probeId: number, ip: string): Promise<{ id: number; cidr: string } | null> {
  const [probe] = await deps.db.select({ id: probes.id }).from(probes).where(eq(probes.id, probeId));
  if (!probe) throw new AppError(400, 'unknown_probe', `probe ${probeId} does not exist`);
  const address = parseIp(ip);
  const assigned = await deps.db.select({ id: subnets.id, cidr: subnets.cidr }).from(subnets).where(eq(subnets.probeId, probeId));
  return assigned.find((s) => contains(parseCidr(s.cidr), address)) ?? null;
}

/**
 * Sends a traceroute job from the host's probe (or a chosen one whose assigned subnets hold the host's address) to
 * the host, and records it. Every refusal comes before anything is stored or sent.
 */
export async function requestTrace(deps: AppDeps, hostId: number, chosen?: number): Promise<{ accepted: TraceAccepted; effects: Effects }> {
  const [host] = await deps.db.select({ id: hosts.id, ip: hosts.ip, subnetId: hosts.subnetId }).from(hosts).where(eq(hosts.id, hostId));
  if (!host) throw notFound(`host ${hostId}`);
  let probeId: number;
  let subnetId: number;
  if (chosen === undefined) {
    const [subnet] = await deps.db.select({ cidr: subnets.cidr, probeId: subnets.probeId }).from(subnets).where(eq(subnets.id, host.subnetId));
    if (subnet?.probeId == null) throw new AppError(409, 'no_probe', `subnet ${subnet?.cidr ?? host.subnetId} has no probe assigned`);
    [probeId, subnetId] = [subnet.probeId, host.subnetId];
  } else {
    const subnet = await subnetOfProbeFor(deps, chosen, host.ip);
    if (!subnet) throw new AppError(400, 'target_outside_probe', `${host.ip} is not inside a subnet assigned to probe ${chosen}`, { target: host.ip, probeId: chosen });
    [probeId, subnetId] = [chosen, subnet.id];
  }
  const [probe] = await deps.db.select({ kinds: probes.kinds, version: probes.version }).from(probes).where(eq(probes.id, probeId));
  if (!(await deps.hub.isConnected(probeId))) throw new AppError(409, 'probe_offline', `probe ${probeId} is not connected`);
  if (!(probe?.kinds ?? ['sweep']).includes('traceroute')) {
    throw new AppError(409, 'unsupported_by_probe', `probe ${probeId} (version ${probe?.version ?? 'unknown'}) does not run traceroutes; upgrade it`);
  }

  const now = deps.clock.now();
  const jobId = crypto.randomUUID();
  const limit = deps.config.traceJobsPerProbe;
  // the cap and the insert in one statement: two requests at once cannot both take the last place
  const inserted = await deps.db.all<{ id: string }>(sql`
    INSERT INTO jobs (id, kind, probe_id, subnet_id, host_id, targets, origin, state, requested_at, updated_at, expires_at)
    SELECT ${jobId}, 'traceroute', ${probeId}, ${subnetId}, ${host.id}, 1, 'manual', 'queued', ${now}, ${now}, ${now + TRACE_TIMEOUT_MS + EXPIRY_SLACK_MS}
    WHERE (SELECT count(*) FROM jobs WHERE ${and(eq(jobs.probeId, probeId), eq(jobs.kind, 'traceroute'), activeJob(now))}) < ${limit}
    RETURNING id`);
  if (!inserted.length) {
    throw new RetryLaterError('too_many_traces', `probe ${probeId} already runs ${limit} traces; try again when one has finished`, Math.ceil(TRACE_TIMEOUT_MS / 6000));
  }
  const sent = await deps.hub.send(probeId, { type: 'job', kind: 'traceroute', jobId, subnetId, target: host.ip, maxHops: MAX_TRACE_HOPS, timeoutMs: TRACE_TIMEOUT_MS });
  if (!sent) {
    await deps.db.update(jobs).set({ state: 'failed', error: 'the probe was not connected', updatedAt: new Date(now) }).where(eq(jobs.id, jobId));
    throw new AppError(409, 'probe_offline', `probe ${probeId} is not connected`);
  }
  return {
    accepted: { jobId, probeId, target: host.ip },
    effects: { live: [{ type: 'job', data: { jobId, kind: 'traceroute', subnetId, probeId, state: 'queued', hostIds: [host.id] } }] },
  };
}

export interface TraceView {
  trace: { jobId: string; probeId: number | null; at: string; durationMs: number; reached: boolean; target: string; hops: TraceHop[] } | null;
  job: { jobId: string; state: JobState; error: string | null; requestedAt: string } | null;
}

/** The host's last trace and its latest trace job (a job past its time limit with no word from the probe shows as failed). */
export async function getTrace(deps: AppDeps, hostId: number): Promise<TraceView> {
  const [host] = await deps.db.select({ id: hosts.id, ip: hosts.ip }).from(hosts).where(eq(hosts.id, hostId));
  if (!host) throw notFound(`host ${hostId}`);
  const [trace] = await deps.db.select().from(hostTraces).where(eq(hostTraces.hostId, hostId));
  const [job] = await deps.db
    .select({ id: jobs.id, state: jobs.state, error: jobs.error, requestedAt: jobs.requestedAt, expiresAt: jobs.expiresAt })
    .from(jobs)
    .where(and(eq(jobs.hostId, hostId), eq(jobs.kind, 'traceroute')))
    .orderBy(desc(jobs.requestedAt))
    .limit(1);
  const expired = job && ACTIVE.has(job.state) && job.expiresAt.getTime() <= deps.clock.now();
  return {
    trace: trace
      ? { jobId: trace.jobId, probeId: trace.probeId, at: trace.at.toISOString(), durationMs: trace.durationMs, reached: trace.reached, target: host.ip, hops: trace.hops }
      : null,
    job: job
      ? {
          jobId: job.id,
          state: expired ? 'failed' : job.state,
          error: expired ? 'the probe did not report the trace before its time limit' : job.error,
          requestedAt: job.requestedAt.toISOString(),
        }
      : null,
  };
}
