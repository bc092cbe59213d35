/** The `traceroute` kind: the routed path from a probe to one address of its subnets, hop by hop. */
import { z } from 'zod';
import { ipText, jobId, subnetId } from './common.js';

export const MAX_TRACE_HOPS = 30;
/** Probes sent per hop. */
export const TRACE_QUERIES = 3;
/** Longest a trace may run before the probe kills it. */
export const MAX_TRACE_TIMEOUT_MS = 120_000;

export const tracerouteJob = z.object({
  type: z.literal('job'),
  kind: z.literal('traceroute'),
  jobId,
  /** The subnet of the target; the probe refuses a target outside its assigned subnets. */
  subnetId,
  target: ipText,
  maxHops: z.number().int().min(1).max(MAX_TRACE_HOPS).default(MAX_TRACE_HOPS),
  timeoutMs: z.number().int().min(1000).max(MAX_TRACE_TIMEOUT_MS).default(60_000),
});
export type TracerouteJob = z.infer<typeof tracerouteJob>;

export const traceHop = z.object({
  /** 1 is the first router (the default gateway, for a target beyond the probe's segment). */
  hop: z.number().int().min(1).max(MAX_TRACE_HOPS),
  /** The address that answered; null: no answer to any probe of this hop ("* * *"). */
  address: ipText.nullable(),
  /** Its PTR name, when it has one. */
  name: z.string().max(253).nullable(),
  /** Round-trip time of each answered probe, in ms. */
  rttMs: z.array(z.number().nonnegative()).max(TRACE_QUERIES),
  /** Share of this hop's probes that got no answer (0..1). */
  loss: z.number().min(0).max(1),
});
export type TraceHop = z.infer<typeof traceHop>;

export const tracerouteItem = z.object({
  kind: z.literal('traceroute'),
  subnetId,
  /** When the trace started (ms since epoch, UTC). */
  at: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  jobId,
  target: ipText,
  hops: z.array(traceHop).max(MAX_TRACE_HOPS),
  /** Whether the last hop is the target itself. */
  reached: z.boolean(),
});
export type TracerouteItem = z.infer<typeof tracerouteItem>;
