/** What an operation request becomes before anything is stored: its parameters, its probes and each run's first state. */
import { MAX_OPERATION_TIMEOUT_MS, operationJobKind, type OperationJob, type OperationTool } from '../../schema/kinds/operation.js';
import type { OperationParams, OperationRunState, OperationSelection } from '../../schema/tables/operations.js';

export interface OperationRequest {
  kind: OperationTool;
  target: string;
  probes: number[] | { site: string } | 'all';
  count?: number;
  intervalMs?: number;
  packetSize?: number;
  family?: 4 | 6;
  maxHops?: number;
}

export interface ProbeFacts {
  id: number;
  name: string;
  site: string;
  connected: boolean;
  /** Job kinds it announced (null: a probe before 0.3, sweeps only). */
  kinds: string[] | null;
}

export interface PlannedRun {
  probeId: number;
  probeName: string;
  site: string;
  state: Extract<OperationRunState, 'queued' | 'offline' | 'unsupported'>;
  error: string | null;
}

export type PlanError = { code: 'unknown_probe' | 'unknown_site' | 'no_probes' | 'too_long'; message: string };

/** A run may wait for the probe's slots this long per run ahead of it; one started gets its own limit again. */
export const EXPIRY_SLACK_MS = 60_000;
/** How long a run of the whole length (count × interval) may take beyond that, for name resolution and the last answer. */
const RUN_SLACK_MS = 15_000;
/** The longest count × interval a ping or mtr may ask for. */
export const MAX_OPERATION_SPAN_MS = 240_000;
/** The Debian package of each tool: a probe without it does not offer the tool. */
const TOOL_PACKAGES: Record<OperationTool, string> = { ping: 'iputils-ping', mtr: 'mtr-tiny', traceroute: 'traceroute' };
/** The shortest interval mtr lets a user other than root ask for. */
export const MTR_UNPRIVILEGED_INTERVAL_MS = 1000;
/** traceroute: three probes a hop, each waiting up to a second. */
const TRACE_MS_PER_HOP = 3_000;

export function operationParams(req: OperationRequest): OperationParams {
  return {
    count: req.count ?? (req.kind === 'mtr' ? 10 : 5),
    intervalMs: req.intervalMs ?? 1000,
    packetSize: req.packetSize ?? 56,
    family: req.family ?? null,
    maxHops: req.maxHops ?? 30,
  };
}

/** The probe's time limit for one run of this kind. */
export function runTimeoutMs(kind: OperationTool, p: OperationParams): number {
  if (kind === 'traceroute') return p.maxHops * TRACE_MS_PER_HOP + RUN_SLACK_MS;
  // mtr run by a user other than root takes at least a second a cycle (mtr refuses less): the limit allows for it
  if (kind === 'mtr') return p.count * Math.max(p.intervalMs, MTR_UNPRIVILEGED_INTERVAL_MS) + RUN_SLACK_MS;
  return p.count * p.intervalMs + RUN_SLACK_MS;
}

/** The job frame a probe is sent for one run. */
export function operationJob(kind: OperationTool, jobId: string, target: string, p: OperationParams): OperationJob {
  const base = { type: 'job' as const, jobId, target, timeoutMs: runTimeoutMs(kind, p), ...(p.family ? { family: p.family } : {}) };
  if (kind === 'ping') return { ...base, kind: 'op-ping', count: p.count, intervalMs: p.intervalMs, packetSize: p.packetSize };
  if (kind === 'mtr') return { ...base, kind: 'op-mtr', count: p.count, intervalMs: p.intervalMs, packetSize: p.packetSize, maxHops: p.maxHops };
  return { ...base, kind: 'op-traceroute', maxHops: p.maxHops };
}

export function selectionOf(req: OperationRequest): OperationSelection {
  if (req.probes === 'all') return 'all';
  if (Array.isArray(req.probes)) return { probes: [...new Set(req.probes)].sort((a, b) => a - b) };
  return { site: req.probes.site };
}

/**
 * The runs of a request over the probes there are (every probe, or those the request names). A probe that is not
 * connected is `offline` and one that does not run the tool `unsupported`: both are final at once, so an operation to
 * "all" never waits for a probe that is away.
 */
export function planRuns(req: OperationRequest, probes: readonly ProbeFacts[]): { runs: PlannedRun[] } | { error: PlanError } {
  const params = operationParams(req);
  if (req.kind !== 'traceroute' && params.count * params.intervalMs > MAX_OPERATION_SPAN_MS) {
    return { error: { code: 'too_long', message: `count × intervalMs is ${params.count * params.intervalMs} ms; at most ${MAX_OPERATION_SPAN_MS} ms` } };
  }
  let chosen: ProbeFacts[];
  const selection = selectionOf(req);
  if (selection === 'all') chosen = [...probes];
  else if ('site' in selection) {
    chosen = probes.filter((p) => p.site === selection.site);
    if (!chosen.length) return { error: { code: 'unknown_site', message: `no probe is at site ${JSON.stringify(selection.site)}` } };
  } else {
    const byId = new Map(probes.map((p) => [p.id, p]));
    const missing = selection.probes.filter((id) => !byId.has(id));
    if (missing.length) return { error: { code: 'unknown_probe', message: `no probe ${missing.join(', ')}` } };
    chosen = selection.probes.map((id) => byId.get(id)!);
  }
  if (!chosen.length) return { error: { code: 'no_probes', message: 'there are no probes to run it' } };
  const jobKind = operationJobKind(req.kind);
  const runs = [...chosen]
    .sort((a, b) => a.id - b.id)
    .map((p): PlannedRun => {
      const base = { probeId: p.id, probeName: p.name, site: p.site };
      if (!p.connected) return { ...base, state: 'offline', error: 'the probe is not connected' };
      if (!(p.kinds ?? ['sweep']).includes(jobKind)) {
        return { ...base, state: 'unsupported', error: `the probe does not run ${req.kind}: it is older than 0.6, or ${req.kind} is not installed there (apt-get install ${TOOL_PACKAGES[req.kind]})` };
      }
      return { ...base, state: 'queued', error: null };
    });
  return { runs };
}

export interface RunCounts {
  runs: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  offline: number;
  unsupported: number;
}

export function countRuns(states: readonly OperationRunState[]): RunCounts {
  const counts: RunCounts = { runs: states.length, queued: 0, running: 0, done: 0, failed: 0, offline: 0, unsupported: 0 };
  for (const s of states) counts[s]++;
  return counts;
}

/** A run's state as read at `now`: one under way past its time limit has failed (its probe never said). */
export function effectiveRunState(state: OperationRunState, expiresAt: number, now: number): { state: OperationRunState; expired: boolean } {
  const underWay = state === 'queued' || state === 'running';
  return underWay && expiresAt <= now ? { state: 'failed', expired: true } : { state, expired: false };
}

/**
 * When a run stops counting as under way, from the probe's report. A queued run waits for the runs ahead of it, each
 * of which may take the longest a run may (the server does not know which they are): `queueLength` of them at most.
 */
export function runExpiry(reported: 'sent' | 'queued' | 'started', now: number, timeoutMs: number, queueLength: number): number {
  if (reported === 'queued') return now + timeoutMs + EXPIRY_SLACK_MS + (MAX_OPERATION_TIMEOUT_MS + EXPIRY_SLACK_MS) * Math.max(1, queueLength);
  return now + timeoutMs + EXPIRY_SLACK_MS;
}
