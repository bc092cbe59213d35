/**
 * The probe ⇄ control plane WebSocket protocol. Every frame is one JSON object with a `type`.
 * Both ends parse with these schemas; anything else is answered with an `error` frame and dropped.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
/** The path a probe connects to, on every host. Auth: `Authorization: Bearer <probe token>`. */
export const PROBE_SOCKET_PATH = '/api/probes/connect';

const ipText = z.string().min(2).max(64);

const DAY_MS = 86_400_000;
/** A probe keeps an unacknowledged batch this long; the server refuses sweeps older than this. */
export const SPOOL_MAX_AGE_MS = 7 * DAY_MS;
/** Clock skew tolerated for a sweep time ahead of the server's clock. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Round trips above this are not a measurement: the sweep carrying one is refused. */
export const MAX_LATENCY_MS = 60_000;
/**
 * Samples one results frame may make the server write (answers, silent known hosts of complete sweeps, listed
 * silent addresses). A batch is one atomic write, and on Node's synchronous libSQL driver it holds the event loop:
 * 1,000 new hosts take 25–30 ms warm, 50–70 ms cold (docs/ARCHITECTURE.md, "Probe protocol"). Probes split larger
 * sweeps into parts (`probe/split.ts`).
 */
export const MAX_FRAME_SAMPLES = 1_000;
export const MAX_SWEEPS_PER_FRAME = 16;
/** Longest frame (characters) the server parses; MAX_FRAME_SAMPLES IPv6 answers are ~75 K. */
export const MAX_FRAME_LENGTH = 256 * 1024;

export const assignedSubnet = z.object({
  id: z.number().int().positive(),
  cidr: z.string(),
  intervalSeconds: z.number().int().min(5),
  /** Addresses the IPAM already knows; the probe pings these where it cannot sweep (IPv6). */
  knownHosts: z.array(ipText),
});
export type AssignedSubnet = z.infer<typeof assignedSubnet>;

export const sweepResult = z.object({
  subnetId: z.number().int().positive(),
  /** When the sweep started (ms since epoch, UTC). */
  at: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  /** true: every usable address was probed, so an address missing from `up` did not answer. */
  complete: z.boolean(),
  up: z.array(z.object({ ip: ipText, latencyMs: z.number().nonnegative().nullable() })),
  /** Addresses probed without an answer (only needed when `complete` is false). */
  down: z.array(ipText),
  jobId: z.string().max(64).optional(),
  /**
   * First and last address this sweep (or part of a sweep) covers; without it, the subnet's usable range.
   * With `complete`, every address in the range was probed; answers outside it are ignored.
   */
  range: z.tuple([ipText, ipText]).optional(),
});
export type SweepResult = z.infer<typeof sweepResult>;

export const probeMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    version: z.string().max(64),
    protocol: z.number().int(),
    hostname: z.string().max(255).optional(),
  }),
  z.object({
    type: z.literal('results'),
    /** Unique per probe for ever: "<spool epoch>-<sequence>". The server applies each id once. */
    batchId: z.string().min(1).max(80),
    sweeps: z
      .array(sweepResult)
      .min(1)
      .max(MAX_SWEEPS_PER_FRAME)
      .superRefine((sweeps, ctx) => {
        const seen = new Set<string>();
        for (const s of sweeps) {
          const key = `${s.subnetId}@${s.at}`;
          if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `two sweeps of subnet ${s.subnetId} at ${s.at}` });
          seen.add(key);
        }
      }),
  }),
  z.object({
    type: z.literal('job_status'),
    jobId: z.string().max(64),
    /** The job's subnet, so the server can relay the status to the live feed (probes before 0.2 leave it out). */
    subnetId: z.number().int().positive().optional(),
    state: z.enum(['started', 'progress', 'done', 'failed']),
    /** With `progress`: addresses probed so far, and addresses in the sweep. */
    done: z.number().int().nonnegative().optional(),
    total: z.number().int().nonnegative().optional(),
    error: z.string().max(2000).optional(),
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
export type ProbeMessage = z.infer<typeof probeMessage>;

/** Why the server did not store a sweep of the probe's own subnet. */
export const sweepRejection = z.enum(['too_old', 'in_future', 'bad_latency', 'bad_range']);

export const serverMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), probeId: z.number().int(), name: z.string(), serverTime: z.number() }),
  z.object({
    type: z.literal('assignment'),
    subnets: z.array(assignedSubnet),
    settings: z.object({ pingTimeoutMs: z.number().int().positive(), maxSweepAddresses: z.number().int().positive() }),
  }),
  z.object({
    type: z.literal('ack'),
    batchId: z.string(),
    duplicate: z.boolean(),
    /** Subnets whose results were refused because they are not assigned to this probe. */
    rejectedSubnets: z.array(z.number().int()),
    /** Sweeps of its own subnets the server refused (present when there are any); `reason`: a SweepRejection. */
    rejectedSweeps: z.array(z.object({ subnetId: z.number().int(), at: z.number(), reason: sweepRejection })).optional(),
    /** The whole batch was refused and nothing of it stored (e.g. `too_many_samples`); the probe drops it. */
    refused: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
  z.object({ type: z.literal('job'), jobId: z.string(), kind: z.literal('sweep'), subnetId: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

/** Why the server refused one sweep: too old for the spool, ahead of its clock, absurd latency, range not in the subnet. */
export type SweepRejection = z.infer<typeof sweepRejection>;

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
