/**
 * Traffic tests (iperf3 through the probes). Two job kinds and one result kind:
 * - `traffic-server` (to the target probe): run a one-shot `iperf3 -s -1` on `port`, bound to `bind`, until one test
 *   has run or `timeoutMs` passes. It returns no result item: its job statuses are what the server needs.
 * - `traffic-client` (to the source probe): run `iperf3 -c target -p port -J …` once the target's address passes the
 *   probe's ALLOWED_TARGETS; connection refusals are retried for `connectWaitMs` (the target probe's listener may start
 *   a moment after the client job arrives). Its result is one probe-wide `traffic` item.
 */
import { z } from 'zod';
import { ipText, jobId } from './common.js';

export const TRAFFIC_JOB_KINDS = ['traffic-server', 'traffic-client'] as const;
export type TrafficJobKind = (typeof TRAFFIC_JOB_KINDS)[number];
export const isTrafficJobKind = (kind: string | undefined): kind is TrafficJobKind => kind === 'traffic-server' || kind === 'traffic-client';

export const MIN_TRAFFIC_SECONDS = 1;
export const MAX_TRAFFIC_SECONDS = 300;
export const MAX_TRAFFIC_PARALLEL = 16;
/** 100 Gbit/s: more than a probe's link; iperf3 `-b` takes bits per second. */
export const MAX_TRAFFIC_BANDWIDTH_BPS = 100_000_000_000;
/** iperf3's own port. */
export const DEFAULT_TRAFFIC_PORT = 5201;
/** How long the client retries a refused connection while the target probe's listener starts. */
export const TRAFFIC_CONNECT_WAIT_MS = 5_000;
/** The trimmed iperf3 JSON a result may carry (characters), so a results frame stays within MAX_FRAME_LENGTH. */
export const MAX_TRAFFIC_RAW_CHARS = 160_000;

const protocol = z.enum(['tcp', 'udp']);
const port = z.number().int().min(1).max(65_535);

export const trafficServerJob = z.object({
  type: z.literal('job'),
  kind: z.literal('traffic-server'),
  jobId,
  testId: z.string().min(1).max(64),
  port,
  /** The probe's own address the client will connect to (`-B`); absent: every address. */
  bind: ipText.optional(),
  /** Give up when no client has come and gone by then. */
  timeoutMs: z.number().int().min(5_000).max((MAX_TRAFFIC_SECONDS + 120) * 1000),
});
export type TrafficServerJob = z.infer<typeof trafficServerJob>;

export const trafficClientJob = z.object({
  type: z.literal('job'),
  kind: z.literal('traffic-client'),
  jobId,
  testId: z.string().min(1).max(64),
  target: ipText,
  port,
  protocol,
  durationSeconds: z.number().int().min(MIN_TRAFFIC_SECONDS).max(MAX_TRAFFIC_SECONDS),
  bandwidthBps: z.number().int().min(1_000).max(MAX_TRAFFIC_BANDWIDTH_BPS).optional(),
  parallel: z.number().int().min(1).max(MAX_TRAFFIC_PARALLEL),
  /** `-R`: the target sends, the probe receives. */
  reverse: z.boolean(),
  connectWaitMs: z.number().int().min(0).max(30_000),
  timeoutMs: z.number().int().min(5_000).max((MAX_TRAFFIC_SECONDS + 120) * 1000),
});
export type TrafficClientJob = z.infer<typeof trafficClientJob>;

const bps = z.number().nonnegative().max(1e13);
const percent = z.number().min(0).max(100_000);

/** What iperf3 measured, from its `-J` report's `end` (the probe parses it; the server validates it again). */
export const trafficResult = z.object({
  protocol,
  /** Bits per second as the sender and the receiver counted them. */
  sentBps: bps,
  receivedBps: bps,
  sentBytes: z.number().nonnegative().max(1e15),
  receivedBytes: z.number().nonnegative().max(1e15),
  seconds: z.number().nonnegative().max(MAX_TRAFFIC_SECONDS + 60),
  /** TCP: segments the sender retransmitted (null where the kernel does not say). */
  retransmits: z.number().int().nonnegative().max(1e12).nullable(),
  /** UDP: the receiver's jitter, lost and sent datagrams. */
  jitterMs: z.number().nonnegative().max(600_000).nullable(),
  lostPackets: z.number().int().nonnegative().max(1e12).nullable(),
  packets: z.number().int().nonnegative().max(1e12).nullable(),
  lossPercent: percent.nullable(),
  /** CPU use during the test on this probe (`host`) and on the far end (`remote`), percent. */
  cpuLocalPercent: percent.nullable(),
  cpuRemotePercent: percent.nullable(),
  /** Per-second throughput (bits per second) as the sender saw it, for the chart; at most one per second. */
  intervals: z.array(bps).max(MAX_TRAFFIC_SECONDS + 5),
  /** iperf3's version line (`iperf 3.12`). */
  version: z.string().max(100).nullable(),
  /** iperf3's JSON, trimmed (per-stream intervals dropped) to at most MAX_TRAFFIC_RAW_CHARS; null when even that did not fit. */
  raw: z.string().max(MAX_TRAFFIC_RAW_CHARS).nullable(),
});
export type TrafficResult = z.infer<typeof trafficResult>;

export const trafficItem = z.object({
  kind: z.literal('traffic'),
  jobId,
  testId: z.string().min(1).max(64),
  /** When the test started (ms since epoch, UTC). */
  at: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative().max((MAX_TRAFFIC_SECONDS + 120) * 1000),
  /** The address iperf3 connected to. */
  address: ipText,
  result: trafficResult,
});
export type TrafficItem = z.infer<typeof trafficItem>;
