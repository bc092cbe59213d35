import { z } from '@hono/zod-openapi';
import { OPERATION_TOOLS } from '../../schema/kinds/operation.js';
import { OPERATION_RUN_STATES } from '../../schema/tables/operations.js';

const ms = z.number().nullable();

const PingResultSchema = z
  .object({
    tool: z.literal('ping'),
    sent: z.number().int(),
    received: z.number().int(),
    loss: z.number().openapi({ description: 'share of requests without a reply (0..1)' }),
    minMs: ms,
    avgMs: ms,
    maxMs: ms,
    mdevMs: ms,
    replies: z.array(z.object({ seq: z.number().int(), rttMs: ms, ttl: z.number().int().nullable() })),
  })
  .openapi('PingResult');

const MtrResultSchema = z
  .object({
    tool: z.literal('mtr'),
    cycles: z.number().int(),
    hops: z.array(
      z.object({
        hop: z.number().int(),
        address: z.string().nullable(),
        name: z.string().nullable(),
        loss: z.number(),
        sent: z.number().int(),
        lastMs: ms,
        avgMs: ms,
        bestMs: ms,
        worstMs: ms,
        stdevMs: ms,
      }),
    ),
  })
  .openapi('MtrResult');

const TracerouteResultSchema = z
  .object({
    tool: z.literal('traceroute'),
    reached: z.boolean(),
    hops: z.array(z.object({ hop: z.number().int(), address: z.string().nullable(), name: z.string().nullable(), rttMs: z.array(z.number()), loss: z.number() })),
  })
  .openapi('TracerouteResult');

const RunSchema = z
  .object({
    probeId: z.number().int().nullable().openapi({ description: 'null once the probe is revoked' }),
    probeName: z.string(),
    site: z.string(),
    state: z.enum(OPERATION_RUN_STATES).openapi({ description: 'offline and unsupported are final at once: nothing waits for such a probe' }),
    code: z.string().nullable().openapi({ description: 'why it failed: target_not_allowed, tool_missing, resolve_failed, probe_disconnected, timeout, …' }),
    error: z.string().nullable(),
    address: z.string().nullable().openapi({ description: 'the address the probe ran against (its resolution of a hostname)' }),
    progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    updatedAt: z.string(),
    result: z.discriminatedUnion('tool', [PingResultSchema, MtrResultSchema, TracerouteResultSchema]).nullable().openapi({ description: 'partial while a ping runs' }),
  })
  .openapi('OperationRun');

const SummarySchema = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_TOOLS),
  target: z.string(),
  params: z.object({ count: z.number().int(), intervalMs: z.number().int(), packetSize: z.number().int(), family: z.union([z.literal(4), z.literal(6)]).nullable(), maxHops: z.number().int() }),
  selection: z.union([z.object({ probes: z.array(z.number().int()) }), z.object({ site: z.string() }), z.literal('all')]),
  requestedBy: z.string().nullable(),
  createdAt: z.string(),
  finished: z.boolean().openapi({ description: 'no run is queued or running' }),
  counts: z.object({
    runs: z.number().int(),
    queued: z.number().int(),
    running: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    offline: z.number().int(),
    unsupported: z.number().int(),
  }),
});

export const OperationSummarySchema = SummarySchema.openapi('OperationSummary');
export const OperationDetailSchema = SummarySchema.extend({ runs: z.array(RunSchema) }).openapi('OperationDetail');
export const OperationListSchema = z.object({ operations: z.array(OperationSummarySchema), next: z.string().nullable() });
