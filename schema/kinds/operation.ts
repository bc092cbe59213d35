/**
 * Operations: ping, mtr and traceroute that an admin runs from one probe, a site or all probes, to any address or
 * hostname the probe may reach (its ALLOWED_TARGETS). Each tool is a job kind (`op-<tool>`) here, a runner in
 * `probe/operations/` and an entry in OPERATION_TOOLS; every tool's result comes back as one result kind,
 * `operation`, which the server stores per run without knowing the tool.
 */
import { z } from 'zod';
import { ipText, jobId } from './common.js';

export const OPERATION_TOOLS = ['ping', 'mtr', 'traceroute'] as const;
export type OperationTool = (typeof OPERATION_TOOLS)[number];
/** The job kind of a tool, as probes announce it in `hello`. */
export const operationJobKind = (tool: OperationTool) => `op-${tool}` as const;
export const isOperationJobKind = (kind: string | undefined): boolean => !!kind && OPERATION_TOOLS.some((t) => kind === `op-${t}`);

export const MAX_OPERATION_COUNT = 100;
export const MIN_OPERATION_INTERVAL_MS = 200;
export const MAX_OPERATION_INTERVAL_MS = 10_000;
export const MAX_OPERATION_HOPS = 30;
export const MIN_PACKET_SIZE = 16;
export const MAX_PACKET_SIZE = 1472;
/** Longest one run may take on the probe (100 pings 10 s apart are ~17 minutes: bounded well below). */
export const MAX_OPERATION_TIMEOUT_MS = 300_000;

/** A target as sent: an address, or a hostname the probe resolves (LDH labels, 253 characters at most). */
export const operationTarget = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an IP address or a hostname')
  // a tool would read a leading dash as an option (the probe passes the resolved address, but never a flag-like target)
  .refine((t) => !t.startsWith('-'), 'a target does not start with "-"');

const common = {
  type: z.literal('job'),
  jobId,
  target: operationTarget,
  /** Resolve a hostname to this family (and run the tool in it); absent: IPv4 first, else IPv6. */
  family: z.union([z.literal(4), z.literal(6)]).optional(),
  timeoutMs: z.number().int().min(1000).max(MAX_OPERATION_TIMEOUT_MS),
};
const count = z.number().int().min(1).max(MAX_OPERATION_COUNT);
const intervalMs = z.number().int().min(MIN_OPERATION_INTERVAL_MS).max(MAX_OPERATION_INTERVAL_MS);
const packetSize = z.number().int().min(MIN_PACKET_SIZE).max(MAX_PACKET_SIZE);
const maxHops = z.number().int().min(1).max(MAX_OPERATION_HOPS);

export const opPingJob = z.object({ ...common, kind: z.literal('op-ping'), count, intervalMs, packetSize });
export const opMtrJob = z.object({ ...common, kind: z.literal('op-mtr'), count, intervalMs, packetSize, maxHops });
export const opTracerouteJob = z.object({ ...common, kind: z.literal('op-traceroute'), maxHops });
export type OpPingJob = z.infer<typeof opPingJob>;
export type OpMtrJob = z.infer<typeof opMtrJob>;
export type OpTracerouteJob = z.infer<typeof opTracerouteJob>;
export type OperationJob = OpPingJob | OpMtrJob | OpTracerouteJob;

const ms = z.number().nonnegative().max(600_000);

export const pingReply = z.object({ seq: z.number().int().min(0).max(65_535), rttMs: ms.nullable(), ttl: z.number().int().min(0).max(255).nullable() });
export const pingResult = z.object({
  tool: z.literal('ping'),
  sent: z.number().int().min(0).max(MAX_OPERATION_COUNT),
  received: z.number().int().min(0).max(MAX_OPERATION_COUNT),
  loss: z.number().min(0).max(1),
  minMs: ms.nullable(),
  avgMs: ms.nullable(),
  maxMs: ms.nullable(),
  mdevMs: ms.nullable(),
  replies: z.array(pingReply).max(MAX_OPERATION_COUNT),
});
export type PingResult = z.infer<typeof pingResult>;
export type PingReply = z.infer<typeof pingReply>;

export const mtrHop = z.object({
  hop: z.number().int().min(1).max(MAX_OPERATION_HOPS),
  address: ipText.nullable(),
  name: z.string().max(253).nullable(),
  loss: z.number().min(0).max(1),
  sent: z.number().int().min(0).max(10_000),
  lastMs: ms.nullable(),
  avgMs: ms.nullable(),
  bestMs: ms.nullable(),
  worstMs: ms.nullable(),
  stdevMs: ms.nullable(),
});
export const mtrResult = z.object({ tool: z.literal('mtr'), cycles: z.number().int().min(0).max(MAX_OPERATION_COUNT), hops: z.array(mtrHop).max(MAX_OPERATION_HOPS) });
export type MtrResult = z.infer<typeof mtrResult>;
export type MtrHop = z.infer<typeof mtrHop>;

export const operationTraceHop = z.object({
  hop: z.number().int().min(1).max(MAX_OPERATION_HOPS),
  address: ipText.nullable(),
  name: z.string().max(253).nullable(),
  rttMs: z.array(ms).max(3),
  loss: z.number().min(0).max(1),
});
export const tracerouteResult = z.object({ tool: z.literal('traceroute'), reached: z.boolean(), hops: z.array(operationTraceHop).max(MAX_OPERATION_HOPS) });
export type TracerouteResult = z.infer<typeof tracerouteResult>;

export const operationResult = z.discriminatedUnion('tool', [pingResult, mtrResult, tracerouteResult]);
export type OperationResult = z.infer<typeof operationResult>;

/**
 * What a run has found so far. A tool that streams (ping) sends a snapshot every few seconds, each its own spooled
 * batch with a higher `seq`; the server keeps the highest. `final` marks the last.
 */
export const operationItem = z.object({
  kind: z.literal('operation'),
  jobId,
  /** When this snapshot was taken (ms since epoch, UTC). */
  at: z.number().int().nonnegative(),
  seq: z.number().int().min(0).max(100_000),
  final: z.boolean(),
  /** The address the probe ran the tool against (a hostname target resolved by the probe). */
  address: ipText,
  result: operationResult,
});
export type OperationItem = z.infer<typeof operationItem>;
