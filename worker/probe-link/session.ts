import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { parseCidr } from '../../schema/ip/cidr.js';
import type { LogFields, Logger } from '../../schema/log.js';
import { decodeFrame, MAX_FRAME_LENGTH, MAX_MANAGED_SUBNETS, probeMessage, type ManagedSubnet, type ServerMessage } from '../../schema/protocol.js';
import { hosts, jobs, probes, subnets, type HostStatus } from '../../schema/tables/index.js';
import { sha256Hex } from '../crypto.js';
import { batchable } from '../db.js';
import type { AppDeps } from '../deps.js';
import { LogGates } from '../domain/log-gate.js';
import type { LiveEvent } from '../../schema/live.js';
import { probeOnlineAlert } from '../alerts/probe-alerts.js';
import { retryStale } from '../alerts/store.js';
import { follow } from '../effects.js';
import { announce } from '../live/announce.js';
import { ingestBatch, type IngestOutcome } from '../services/ingest.js';
import { activeJob, recordJobStatus } from '../services/jobs.js';
import { traceJobHostIds } from '../services/traces.js';
import { endRunsOf } from '../services/operation-status.js';
import { endTrafficTestsOf } from '../services/traffic-status.js';
import { statusOwners } from './status-owners.js';

// What both hosts do with a probe's socket; they only move frames.

export async function authenticateProbe(deps: AppDeps, authorization: string | null | undefined) {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return null;
  const [probe] = await deps.db
    .select({ id: probes.id, name: probes.name })
    .from(probes)
    .where(eq(probes.tokenHash, await sha256Hex(token)));
  return probe ?? null;
}

/** Every managed subnet (any probe's), by id, at most MAX_MANAGED_SUBNETS: what the probe's flows are labelled with. */
export async function managedSubnets(deps: AppDeps): Promise<ManagedSubnet[]> {
  // ids and CIDRs only: the assignment stays well under the 1 MiB a Workers WebSocket message may be (names stay on the server)
  return deps.db.select({ id: subnets.id, cidr: subnets.cidr }).from(subnets).orderBy(subnets.id).limit(MAX_MANAGED_SUBNETS);
}

/** `managed`: the managed subnets when the caller read them already (one read for a push to every probe). */
export async function buildAssignment(deps: AppDeps, probeId: number, managed?: ManagedSubnet[]): Promise<ServerMessage> {
  const assigned = await deps.db
    .select({ id: subnets.id, cidr: subnets.cidr, family: subnets.family, intervalSeconds: subnets.sweepIntervalSeconds, ptrLookupEnabled: subnets.ptrLookupEnabled })
    .from(subnets)
    .where(eq(subnets.probeId, probeId))
    .orderBy(subnets.id);
  // IPv6 blocks cannot be swept address by address: the probe pings what the IPAM knows.
  const v6Ids = assigned.filter((s) => s.family === 6).map((s) => s.id);
  const known = v6Ids.length
    ? await deps.db.select({ subnetId: hosts.subnetId, ip: hosts.ip }).from(hosts).where(inArray(hosts.subnetId, v6Ids))
    : [];
  return {
    type: 'assignment',
    subnets: assigned.map((s) => ({
      id: s.id,
      cidr: parseCidr(s.cidr).cidr,
      intervalSeconds: s.intervalSeconds,
      knownHosts: known.filter((k) => k.subnetId === s.id).map((k) => k.ip),
      // absent means on (probes and servers before 0.4): only "off" is spelled out
      ...((s.ptrLookupEnabled ?? deps.config.ptrLookupEnabled) ? {} : { ptr: false }),
    })),
    settings: { pingTimeoutMs: deps.config.pingTimeoutMs, maxSweepAddresses: deps.config.maxSweepAddresses },
    managed: managed ?? (await managedSubnets(deps)),
  };
}

/** Sends the probe its current assignment, if it is connected. Call after anything it sweeps changes. */
export async function pushAssignment(deps: AppDeps, probeId: number | null | undefined, managed?: ManagedSubnet[]): Promise<void> {
  if (probeId == null) return;
  if (await deps.hub.isConnected(probeId)) await deps.hub.send(probeId, await buildAssignment(deps, probeId, managed));
}

/** Sends every connected probe (and those named) its assignment: the managed subnets changed, which every probe labels flows with. */
export async function pushAssignmentsToAll(deps: AppDeps, named: Iterable<number | null | undefined> = []): Promise<void> {
  const connected = await deps.db.select({ id: probes.id }).from(probes).where(eq(probes.connected, true)).orderBy(probes.id);
  const managed = await managedSubnets(deps);
  for (const id of new Set([...connected.map((p) => p.id), ...named])) await pushAssignment(deps, id, managed);
}

export async function probeConnected(deps: AppDeps, probe: { id: number; name: string }): Promise<ServerMessage[]> {
  const now = deps.clock.now();
  // guarded against the offline duty writing "probe offline" meanwhile: then read again, and say "probe online"
  const alert = await retryStale(async () => {
    const a = await probeOnlineAlert(deps, probe.id, now);
    await deps.db.batch([
      deps.db.update(probes).set({ connected: true, lastSeenAt: new Date(now) }).where(eq(probes.id, probe.id)),
      ...a.statements.map((s) => batchable(deps.db, s)),
    ]);
    return a;
  });
  deps.log.info('probe connected', { probeId: probe.id, name: probe.name });
  await follow(deps, { live: [{ type: 'probe', data: { probeId: probe.id, connected: true } }], deliveries: alert.deliveries });
  return [{ type: 'welcome', probeId: probe.id, name: probe.name, serverTime: now }, await buildAssignment(deps, probe.id)];
}

/** Marks the probe offline and its hosts unknown (with an event each): we can no longer tell up from down. */
export async function probeDisconnected(deps: AppDeps, probeId: number): Promise<void> {
  const now = deps.clock.now();
  const watched = sql`${hosts.subnetId} IN (SELECT ${subnets.id} FROM ${subnets} WHERE ${subnets.probeId} = ${probeId})`;
  // the hosts about to change are read in the same atomic batch, so the live feed reports exactly those
  const running = and(eq(jobs.probeId, probeId), activeJob(now));
  const [runsRead, runsEnd] = endRunsOf(deps, probeId, now);
  const [testsRead, testsEnd] = endTrafficTestsOf(deps, probeId, now);
  const [going, stopped, runsEnded, , testsEnded] = (await deps.db.batch([
    deps.db
      .select({ id: hosts.id, subnetId: hosts.subnetId, ip: hosts.ip, status: hosts.status })
      .from(hosts)
      .where(and(watched, ne(hosts.status, 'unknown'))),
    // its jobs under way will not be reported on (results it spools still arrive): they end now, freeing their hosts
    deps.db.select({ id: jobs.id, kind: jobs.kind, subnetId: jobs.subnetId, hostId: jobs.hostId }).from(jobs).where(running),
    runsRead,
    runsEnd,
    testsRead,
    testsEnd,
    batchable(deps.db, sql`UPDATE hosts SET port_scan_job_id = NULL WHERE port_scan_job_id IN (SELECT id FROM jobs WHERE ${running})`),
    deps.db.update(jobs).set({ state: 'failed', error: 'the probe disconnected', updatedAt: new Date(now) }).where(running),
    deps.db.update(probes).set({ connected: false }).where(eq(probes.id, probeId)),
    // the alerting keeps what it knew: a host up before and down when the probe is back is one "down" then
    batchable(
      deps.db,
      sql`INSERT INTO alert_states (subject, host_id, subnet_id, state, notified, ups, since)
          SELECT 'host:' || id, id, subnet_id, status, status, 0, coalesce(last_change_at, ${now}) FROM hosts
          WHERE ${watched} AND status IN ('up', 'down') ON CONFLICT(subject) DO NOTHING`,
    ),
    batchable(
      deps.db,
      sql`INSERT INTO host_events (host_id, at, from_status, to_status, probe_id)
          SELECT id, ${now}, status, 'unknown', ${probeId} FROM hosts WHERE ${watched} AND status != 'unknown'`,
    ),
    deps.db
      .update(hosts)
      .set({ status: 'unknown', consecutiveFailures: 0, lastChangeAt: new Date(now), updatedAt: new Date(now) })
      .where(and(watched, ne(hosts.status, 'unknown'))),
  ])) as [
    { id: number; subnetId: number; ip: string; status: HostStatus }[],
    { id: string; kind: string; subnetId: number | null; hostId: number | null }[],
    { id: string; operationId: string }[],
    unknown,
    { id: string }[],
    ...unknown[],
  ];
  deps.log.info('probe disconnected', { probeId, jobsEnded: stopped.length, operationRunsEnded: runsEnded.length, trafficTestsEnded: testsEnded.length });
  const live: LiveEvent[] = [{ type: 'probe', data: { probeId, connected: false } }];
  for (const j of stopped) {
    if (j.subnetId !== null) live.push({ type: 'job', data: { jobId: j.id, kind: j.kind, subnetId: j.subnetId, probeId, state: 'failed', ...(j.hostId !== null ? { hostIds: [j.hostId] } : {}), error: 'the probe disconnected' } });
  }
  for (const r of runsEnded) live.push({ type: 'operation', data: { operationId: r.operationId, probeId, state: 'failed' } });
  for (const t of testsEnded) live.push({ type: 'traffic', data: { testId: t.id, state: 'failed' } });
  if (going.length) {
    const at = new Date(now).toISOString();
    const changes = going.map((h) => ({ hostId: h.id, subnetId: h.subnetId, ip: h.ip, from: h.status, to: 'unknown' as const, at }));
    live.push({ type: 'hosts', data: { subnetIds: [...new Set(going.map((h) => h.subnetId))], changes } });
  }
  await follow(deps, { live });
}

// A probe can send frames as fast as the socket carries them: what it gets wrong is logged at most once per
// probe and kind every 10 s, with the count held back. Gates live as long as the host's logger.
const gates = new WeakMap<Logger, LogGates>();
type WarnKind = 'malformed' | 'foreign_subnet' | 'rejected_results' | `sweep_failed:${number}`;

function gatedWarn(deps: AppDeps, probeId: number, kind: WarnKind, msg: string, fields: LogFields) {
  let g = gates.get(deps.log);
  if (!g) gates.set(deps.log, (g = new LogGates(10_000)));
  const { emit, suppressed } = g.pass(`${probeId}:${kind}`, deps.clock.now());
  if (emit) deps.log.warn(msg, { probeId, ...fields, ...(suppressed ? { suppressed } : {}) });
}

async function ownsSubnet(deps: AppDeps, probeId: number, subnetId: number): Promise<boolean> {
  const [row] = await deps.db
    .select({ id: subnets.id })
    .from(subnets)
    .where(and(eq(subnets.id, subnetId), eq(subnets.probeId, probeId)));
  return !!row;
}

function logRejections(deps: AppDeps, probeId: number, batchId: string, o: IngestOutcome) {
  const problems = {
    ...(o.refused ? { refused: o.refused.code, message: o.refused.message } : {}),
    ...(o.rejectedSubnets.length ? { rejectedSubnets: o.rejectedSubnets } : {}),
    ...(o.rejectedSweeps.length ? { rejectedSweeps: o.rejectedSweeps.slice(0, 10) } : {}),
    ...(o.rejectedResults.length ? { rejectedResults: o.rejectedResults.slice(0, 10) } : {}),
    ...(o.ignored.length ? { ignored: o.ignored } : {}),
  };
  if (Object.keys(problems).length) gatedWarn(deps, probeId, 'rejected_results', 'probe results refused in part or whole', { batchId, ...problems });
}

function ackOf(batchId: string, o: IngestOutcome): ServerMessage {
  return {
    type: 'ack',
    batchId,
    duplicate: o.duplicate,
    rejectedSubnets: o.rejectedSubnets,
    ...(o.rejectedSweeps.length ? { rejectedSweeps: o.rejectedSweeps } : {}),
    ...(o.rejectedResults.length ? { rejectedResults: o.rejectedResults } : {}),
    ...(o.refused ? { refused: o.refused } : {}),
  };
}

/** Handles one frame from a probe and returns the replies. Never throws for bad input. */
export async function handleProbeFrame(deps: AppDeps, probeId: number, raw: string): Promise<ServerMessage[]> {
  // parsing is the one cost paid before the schema has bounded anything
  const decoded = raw.length > MAX_FRAME_LENGTH ? { ok: false as const, error: `frame longer than ${MAX_FRAME_LENGTH} characters` } : decodeFrame(probeMessage, raw);
  if (!decoded.ok) {
    gatedWarn(deps, probeId, 'malformed', 'malformed probe message rejected', { error: decoded.error });
    return [{ type: 'error', code: 'bad_message', message: decoded.error }];
  }
  const msg = decoded.message;
  switch (msg.type) {
    case 'ping':
      await deps.db.update(probes).set({ lastSeenAt: new Date(deps.clock.now()) }).where(eq(probes.id, probeId));
      return [{ type: 'pong' }];
    case 'hello':
      // a probe before 0.3 announces no kinds: it runs sweeps only; one before 0.4 no network
      await deps.db
        .update(probes)
        .set({ version: msg.version, kinds: msg.kinds ?? ['sweep'], rawSockets: msg.rawSockets ?? null, network: msg.network ?? null })
        .where(eq(probes.id, probeId));
      return [];
    case 'job_status': {
      const { jobId, subnetId, kind, state, done, total, error } = msg;
      const owner = statusOwners.find((o) => o.owns(kind));
      if (owner) {
        if (state !== 'progress') deps.log.info(owner.label, { probeId, jobId, kind, state, code: msg.code, error });
        const event = await owner.record(deps, probeId, msg);
        if (event) await announce(deps, event);
        return [];
      }
      // older probes do not name the subnet; their job statuses are only logged
      if (subnetId !== undefined && !(await ownsSubnet(deps, probeId, subnetId))) {
        gatedWarn(deps, probeId, 'foreign_subnet', 'probe reported a job of a subnet not assigned to it; dropped', { jobId, subnetId, state });
        return [];
      }
      if (state !== 'progress') deps.log.info('probe job status', { probeId, jobId, kind, state, error });
      // "sweep now" jobs are not rows of `jobs` (they coalesce on the subnet): their statuses, progress ticks included, write nothing
      if (kind !== 'sweep') await recordJobStatus(deps, probeId, { jobId, state, done, total, error });
      const hostIds = kind === 'traceroute' ? await traceJobHostIds(deps, probeId, jobId) : undefined;
      if (subnetId !== undefined) await announce(deps, { type: 'job', data: { jobId, ...(kind ? { kind } : {}), subnetId, probeId, state, done, total, ...(hostIds ? { hostIds } : {}), error } });
      return [];
    }
    case 'sweep_failed':
      if (!(await ownsSubnet(deps, probeId, msg.subnetId))) {
        gatedWarn(deps, probeId, 'foreign_subnet', 'probe reported a failed sweep of a subnet not assigned to it; dropped', { subnetId: msg.subnetId, jobId: msg.jobId });
        return [];
      }
      gatedWarn(deps, probeId, `sweep_failed:${msg.subnetId}`, 'probe could not sweep a subnet', { subnetId: msg.subnetId, code: msg.code, error: msg.error });
      if (msg.jobId) await announce(deps, { type: 'job', data: { jobId: msg.jobId, subnetId: msg.subnetId, probeId, state: 'failed', error: msg.error } });
      return [];
    case 'results': {
      const outcome = await ingestBatch(deps, probeId, msg.batchId, msg.results);
      logRejections(deps, probeId, msg.batchId, outcome);
      if (!outcome.duplicate && !outcome.refused) deps.log.info('results stored', { probeId, batchId: msg.batchId, samples: outcome.samples, events: outcome.events });
      await follow(deps, { live: outcome.live, deliveries: outcome.deliveries });
      return [ackOf(msg.batchId, outcome)];
    }
  }
}
