/**
 * The probe ⇄ control plane WebSocket protocol. Every frame is one JSON object with a `type`.
 * Both ends parse with these schemas; anything else is answered with an `error` frame and dropped.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
/** The path a probe connects to, on every host. Auth: `Authorization: Bearer <probe token>`. */
export const PROBE_SOCKET_PATH = '/api/probes/connect';

const ipText = z.string().min(2).max(64);

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
    sweeps: z.array(sweepResult).min(1).max(64),
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
  }),
  z.object({ type: z.literal('job'), jobId: z.string(), kind: z.literal('sweep'), subnetId: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

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
