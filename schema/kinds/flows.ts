/**
 * The `flows` kind: one minute of what the probe's NetFlow/IPFIX collector heard, rolled up on the probe into
 * bounded summaries (top talkers, conversations, ports, the subnet-to-subnet matrix). Probe-wide: no subnet, since
 * a router's flows cross every subnet. Raw flows never go upstream.
 */
import { z } from 'zod';
import { ipText } from './common.js';

export const MINUTE_MS = 60_000;
/** Bounds of one item (one minute of one probe); rows the server writes per item stay under MAX_FRAME_SAMPLES. */
export const MAX_FLOW_TALKERS = 100;
export const MAX_FLOW_CONVERSATIONS = 100;
export const MAX_FLOW_PORTS = 50;
export const MAX_FLOW_MATRIX = 200;
/** Addresses of managed subnets heard and not reported yet this hour (the server finds the unregistered ones). */
export const MAX_FLOW_SEEN = 300;
export const MAX_FLOW_EXPORTERS = 32;

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** A managed subnet's id; null: the address is in none of them ("External"). */
const subnetRef = z.number().int().positive().nullable();
const volume = { bytes: count, packets: count, flows: count };

export const flowTalker = z.object({
  ip: ipText,
  subnetId: subnetRef,
  bytesIn: count,
  bytesOut: count,
  packetsIn: count,
  packetsOut: count,
  flowsIn: count,
  flowsOut: count,
});
export type FlowTalker = z.infer<typeof flowTalker>;

/** One direction: src → dst. */
export const flowConversation = z.object({ src: ipText, dst: ipText, srcSubnetId: subnetRef, dstSubnetId: subnetRef, ...volume });
export type FlowConversation = z.infer<typeof flowConversation>;

/** A service: IP protocol and the lower of the two ports (0 for protocols without ports). */
export const flowPort = z.object({ protocol: z.number().int().min(0).max(255), port: z.number().int().min(0).max(65_535), ...volume });
export type FlowPort = z.infer<typeof flowPort>;

export const flowMatrixCell = z.object({ from: subnetRef, to: subnetRef, ...volume });
export type FlowMatrixCell = z.infer<typeof flowMatrixCell>;

export const flowDropReason = z.enum(['truncated', 'bad_version', 'bad_length', 'bad_set', 'bad_template', 'no_template', 'pending_overflow', 'bad_record']);

/** An exporter's counters since the probe's collector started. */
export const flowExporter = z.object({
  address: ipText,
  packets: count,
  flows: count,
  drops: z.partialRecord(flowDropReason, count),
  templates: count,
  sequenceGaps: count,
  pending: count,
  samplingRate: z.number().int().min(1).max(16_777_216),
  versions: z.array(z.union([z.literal(5), z.literal(9), z.literal(10)])).max(3),
  firstSeenAt: z.number().int().nonnegative(),
  lastSeenAt: z.number().int().nonnegative(),
});
export type FlowExporter = z.infer<typeof flowExporter>;

export const flowsItem = z.object({
  kind: z.literal('flows'),
  /** The minute's start (ms since epoch, UTC, a whole minute). */
  at: z
    .number()
    .int()
    .nonnegative()
    .refine((v) => v % MINUTE_MS === 0, 'a flows item starts on a whole minute'),
  /** Every flow of the minute, including those beyond the top lists. */
  totals: z.object(volume),
  talkers: z.array(flowTalker).max(MAX_FLOW_TALKERS),
  conversations: z.array(flowConversation).max(MAX_FLOW_CONVERSATIONS),
  ports: z.array(flowPort).max(MAX_FLOW_PORTS),
  matrix: z.array(flowMatrixCell).max(MAX_FLOW_MATRIX),
  /** `at`: the minute it was heard (a queued address may ride in a later minute's item; absent: this item's minute). */
  seen: z.array(z.object({ ip: ipText, subnetId: z.number().int().positive(), at: z.number().int().nonnegative().optional() })).max(MAX_FLOW_SEEN),
  exporters: z.array(flowExporter).max(MAX_FLOW_EXPORTERS),
});
export type FlowsItem = z.infer<typeof flowsItem>;
