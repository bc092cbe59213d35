/**
 * The probe ⇄ control plane WebSocket protocol. Every frame is one JSON object with a `type`.
 * Both ends parse with these schemas; anything else is answered with an `error` frame and dropped.
 */
import { z } from 'zod';
import { addressCheckItem, addressCheckJob } from './kinds/address-check.js';
import { portScanItem, portScanJob } from './kinds/port-scan.js';
import { flowsItem } from './kinds/flows.js';
import { namesItem } from './kinds/names.js';
import { operationItem, opMtrJob, opPingJob, opTracerouteJob } from './kinds/operation.js';
import { sweepItem, sweepJob, sweepResult } from './kinds/sweep.js';
import { tracerouteItem, tracerouteJob } from './kinds/traceroute.js';
import { trafficClientJob, trafficItem, trafficServerJob } from './kinds/traffic.js';
import { macText } from './mac.js';

export const PROTOCOL_VERSION = 1;
/** The path a probe connects to, on every host. Auth: `Authorization: Bearer <probe token>`. */
export const PROBE_SOCKET_PATH = '/api/probes/connect';

const DAY_MS = 86_400_000;
/** A probe keeps an unacknowledged batch this long; the server refuses results older than this. */
export const SPOOL_MAX_AGE_MS = 7 * DAY_MS;
/** Clock skew tolerated for a result time ahead of the server's clock. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Round trips above this are not a measurement: the sweep carrying one is refused. */
export const MAX_LATENCY_MS = 60_000;
/**
 * Samples one results frame may make the server write (answers, silent known hosts of complete sweeps, listed
 * silent addresses, scanned hosts and their open ports). A batch is one atomic write, and on Node's synchronous
 * libSQL driver it holds the event loop: 1,000 new hosts take 25–30 ms warm, 50–70 ms cold (docs/ARCHITECTURE.md,
 * "Probe protocol"). Probes split larger results into parts (`probe/split.ts`).
 */
export const MAX_FRAME_SAMPLES = 1_000;
/** Result items (sweeps, port scans, …) in one results frame. */
export const MAX_RESULTS_PER_FRAME = 16;
/** Longest frame (characters) the server parses; MAX_FRAME_SAMPLES IPv6 answers are ~75 K. */
export const MAX_FRAME_LENGTH = 256 * 1024;

export { sweepResult, type SweepResult, type SweepItem, type SweepJob } from './kinds/sweep.js';
export { type PortScanItem, type PortScanJob, type OpenPort, type ScannedHost } from './kinds/port-scan.js';
export { type NamesItem, type NameLookup } from './kinds/names.js';
export { type FlowsItem } from './kinds/flows.js';
export { type OperationItem, type OperationJob } from './kinds/operation.js';
export { type AddressCheckItem, type AddressCheckJob } from './kinds/address-check.js';
export { type TrafficItem, type TrafficServerJob, type TrafficClientJob } from './kinds/traffic.js';
export { type TracerouteItem, type TracerouteJob, type TraceHop } from './kinds/traceroute.js';

export const assignedSubnet = z.object({
  id: z.number().int().positive(),
  cidr: z.string(),
  intervalSeconds: z.number().int().min(5),
  /** Addresses the IPAM already knows; the probe pings these where it cannot sweep (IPv6). */
  knownHosts: z.array(z.string().min(2).max(64)),
  /** Look up PTR names of this subnet's alive hosts after each sweep (absent: yes, as before 0.4). */
  ptr: z.boolean().optional(),
});
export type AssignedSubnet = z.infer<typeof assignedSubnet>;

/** Managed subnets the probe labels flows with (every probe's, not only its own); 10,000 of them are ~500 KB of JSON. */
export const MAX_MANAGED_SUBNETS = 10_000;
export const managedSubnet = z.object({ id: z.number().int().positive(), cidr: z.string().min(3).max(50) });
export type ManagedSubnet = z.infer<typeof managedSubnet>;

/**
 * The kinds of work, one entry each: the job the server sends and the result the probe returns. Adding a kind
 * is a schema module in `schema/kinds/`, its entry in both lists, a runner in `probe/jobs/` and an ingest module
 * in `worker/ingest/` (docs/ARCHITECTURE.md, "Kinds of work").
 */
export const jobMessage = z.discriminatedUnion('kind', [sweepJob, portScanJob, tracerouteJob, opPingJob, opMtrJob, opTracerouteJob, addressCheckJob, trafficServerJob, trafficClientJob]);
export type JobMessage = z.infer<typeof jobMessage>;
export type JobKind = JobMessage['kind'];
export const JOB_KINDS = jobMessage.options.map((o) => o.shape.kind.value) as JobKind[];

export const resultItem = z.discriminatedUnion('kind', [sweepItem, portScanItem, namesItem, tracerouteItem, flowsItem, operationItem, addressCheckItem, trafficItem]);
export type ResultItem = z.infer<typeof resultItem>;
export type ResultKind = ResultItem['kind'];

/** Identifies a result item within a frame (two items of one kind, subnet and start time are one too many). Probe-wide kinds (flows) have no subnet. */
export const resultKey = (r: { kind: string; subnetId?: number; at: number }) => `${r.kind}:${r.subnetId ?? 0}@${r.at}`;

/** The subnet a result item is of; 0 for a probe-wide kind (flows), whose items the server checks by other means. */
export const resultSubnet = (r: ResultItem): number => ('subnetId' in r ? r.subnetId : 0);

const resultsFrame = z
  .object({
    type: z.literal('results'),
    /** Unique per probe for ever: "<spool epoch>-<sequence>". The server applies each id once. */
    batchId: z.string().min(1).max(80),
    results: z.array(resultItem).min(1).max(MAX_RESULTS_PER_FRAME).optional(),
    /** Probes before 0.3: sweeps only, without `kind`. */
    sweeps: z.array(sweepResult).min(1).max(MAX_RESULTS_PER_FRAME).optional(),
  })
  .refine((m) => (m.results ? 1 : 0) + (m.sweeps ? 1 : 0) === 1, { message: 'a results frame carries exactly one of `results` or `sweeps`' })
  .transform(({ sweeps, results, ...frame }) => ({ ...frame, results: results ?? sweeps!.map((s): ResultItem => ({ kind: 'sweep', ...s })) }))
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    for (const r of m.results) {
      const key = resultKey(r);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `two ${r.kind} results of subnet ${resultSubnet(r)} at ${r.at}` });
      seen.add(key);
    }
  });

/** Where the probe sits: its default gateways and its interfaces, as it reports them in `hello`. */
export const probeNetwork = z.object({
  gateways: z.array(z.object({ family: z.union([z.literal(4), z.literal(6)]), address: z.string().min(2).max(64), interface: z.string().max(32).nullable() })).max(8),
  interfaces: z
    .array(
      z.object({
        name: z.string().min(1).max(32),
        mac: macText.nullable(),
        /** Addresses with their prefix length ("198.18.0.2/24"). */
        addresses: z.array(z.string().min(2).max(70)).max(32),
      }),
    )
    .max(64),
});
export type ProbeNetwork = z.infer<typeof probeNetwork>;

/**
 * Job states a probe reports. `unsupported`: the probe does not know the job's kind (it announces the ones it does in
 * `hello`). `queued`: the probe holds the job until one of its slots for that kind is free (operations).
 */
export const probeJobState = z.enum(['queued', 'started', 'progress', 'done', 'failed', 'unsupported']);

export const probeMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    version: z.string().max(64),
    protocol: z.number().int(),
    hostname: z.string().max(255).optional(),
    /** Job kinds this probe runs; probes before 0.3 leave it out and run sweeps only. */
    kinds: z.array(z.string().max(32)).max(32).optional(),
    /** Whether the probe may open raw sockets (a SYN scan, `-sS`, needs them). */
    rawSockets: z.boolean().optional(),
    /** Default gateways and interfaces (probes before 0.4 leave it out). */
    network: probeNetwork.optional(),
  }),
  resultsFrame,
  z.object({
    type: z.literal('job_status'),
    jobId: z.string().max(64),
    /** The job's subnet, so the server can relay the status to the live feed (probes before 0.2 leave it out). */
    subnetId: z.number().int().positive().optional(),
    kind: z.string().max(32).optional(),
    state: probeJobState,
    /** With `progress`: work done so far and in all (addresses for a sweep, percent for a port scan). */
    done: z.number().int().nonnegative().optional(),
    total: z.number().int().nonnegative().optional(),
    error: z.string().max(2000).optional(),
    /** With `failed`: a stable reason (`target_not_allowed`, `tool_missing`, `resolve_failed`, …; probes before 0.6 leave it out). */
    code: z.string().max(64).optional(),
  }),
  z.object({
    type: z.literal('sweep_failed'),
    subnetId: z.number().int().positive(),
    code: z.string().max(64),
    error: z.string().max(2000),
    jobId: z.string().max(64).optional(),
  }),
  z.object({ type: z.literal('ping') }),
]);
/** A frame as a probe sends it. */
export type ProbeMessage = z.input<typeof probeMessage>;
/** A frame as the server handles it (a results frame always with `results`). */
export type ReceivedProbeMessage = z.output<typeof probeMessage>;
export type ProbeJobState = z.infer<typeof probeJobState>;

/** Why the server did not store a result of the probe's own subnet. */
export const resultRejection = z.enum(['too_old', 'in_future', 'bad_latency', 'bad_range', 'stale']);

/** A job as a probe first reads it: any kind, so one it does not know can be answered `unsupported`. */
const jobEnvelope = z.looseObject({ type: z.literal('job'), jobId: z.string().max(64), kind: z.string().max(32), subnetId: z.number().int().optional() });

export const serverMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), probeId: z.number().int(), name: z.string(), serverTime: z.number() }),
  z.object({
    type: z.literal('assignment'),
    subnets: z.array(assignedSubnet),
    settings: z.object({ pingTimeoutMs: z.number().int().positive(), maxSweepAddresses: z.number().int().positive() }),
    /** Every managed subnet (servers before 0.5 leave it out): flows are labelled with them, the rest is External. */
    managed: z.array(managedSubnet).max(MAX_MANAGED_SUBNETS).optional(),
  }),
  z.object({
    type: z.literal('ack'),
    batchId: z.string(),
    duplicate: z.boolean(),
    /** Subnets whose results were refused because they are not assigned to this probe. */
    rejectedSubnets: z.array(z.number().int()),
    /** Sweeps of its own subnets the server refused (present when there are any); `reason`: a ResultRejection. */
    rejectedSweeps: z.array(z.object({ subnetId: z.number().int(), at: z.number(), reason: resultRejection })).optional(),
    /** The same for results of other kinds. */
    rejectedResults: z.array(z.object({ kind: z.string(), subnetId: z.number().int(), at: z.number(), reason: resultRejection })).optional(),
    /** The whole batch was refused and nothing of it stored (e.g. `too_many_samples`); the probe drops it. */
    refused: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
  jobEnvelope,
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
/** What the server sends: the frames above, with jobs typed by kind. */
export type ServerMessage = Exclude<z.infer<typeof serverMessage>, { type: 'job' }> | JobMessage;
/** A frame as the probe parses it (a job of any kind). */
export type ReceivedServerMessage = z.infer<typeof serverMessage>;

/** Why the server refused one result: too old for the spool, ahead of its clock, absurd latency, range not in the subnet, older than what is stored. */
export type ResultRejection = z.infer<typeof resultRejection>;

/** Parses a raw frame; never throws. */
export function decodeFrame<T>(
  schema: z.ZodType<T>,
  raw: string,
): { ok: true; message: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'frame is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error).slice(0, 500) };
  return { ok: true, message: parsed.data };
}
