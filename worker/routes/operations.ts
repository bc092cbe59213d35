import { z } from '@hono/zod-openapi';
import {
  MAX_OPERATION_COUNT,
  MAX_OPERATION_HOPS,
  MAX_OPERATION_INTERVAL_MS,
  MAX_PACKET_SIZE,
  MIN_OPERATION_INTERVAL_MS,
  MIN_PACKET_SIZE,
  OPERATION_TOOLS,
} from '../../schema/kinds/operation.js';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { notFound } from '../errors.js';
import { getOperation, listOperations } from '../services/operations-read.js';
import { startOperation } from '../services/operations.js';
import { OperationDetailSchema, OperationListSchema } from './operations-schemas.js';
import { errors, ErrorSchema, json, jsonBody, router, secured } from './common.js';

/** At most this many probes named in one request (a site or "all" may be more). */
const MAX_NAMED_PROBES = 100;

const StartBody = z
  .object({
    kind: z.enum(OPERATION_TOOLS),
    target: z.string().trim().min(1).max(253).openapi({ description: 'an IP address, or a hostname the probe resolves', example: '198.18.0.10' }),
    probes: z
      .union([
        z.array(z.number().int().positive()).min(1).max(MAX_NAMED_PROBES),
        z.object({ site: z.string().trim().min(1).max(200) }).strict(),
        z.literal('all'),
      ])
      .openapi({ description: 'probe ids, `{ "site": "…" }` (every probe at that site), or "all"' }),
    count: z.number().int().min(1).max(MAX_OPERATION_COUNT).optional().openapi({ description: 'ping: echo requests (default 5); mtr: cycles (default 10)' }),
    intervalMs: z.number().int().min(MIN_OPERATION_INTERVAL_MS).max(MAX_OPERATION_INTERVAL_MS).optional().openapi({ description: 'between requests (default 1000); count × interval ≤ 240 s' }),
    packetSize: z.number().int().min(MIN_PACKET_SIZE).max(MAX_PACKET_SIZE).optional().openapi({ description: 'payload bytes of ping and mtr (default 56)' }),
    family: z.union([z.literal(4), z.literal(6)]).optional().openapi({ description: 'resolve a hostname to this family' }),
    maxHops: z.number().int().min(1).max(MAX_OPERATION_HOPS).optional().openapi({ description: 'mtr and traceroute (default 30)' }),
  })
  .strict();

const ListQuery = z.object({
  kind: z.enum(OPERATION_TOOLS).optional(),
  probeId: z.coerce.number().int().positive().optional(),
  target: z.string().trim().min(1).max(253).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().min(1).max(64).optional().openapi({ description: 'the `next` cursor of the previous page' }),
});

const OperationParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export function operationRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'editor', audit: 'operation.start' }, {
        method: 'post',
        path: '/api/operations',
        tags: ['operations'],
        request: jsonBody(StartBody),
        responses: {
          202: json(OperationDetailSchema, 'Accepted: each connected probe that runs the tool has its job; results on the live feed (operation events) and from GET /api/operations/{id}'),
          ...errors,
          400: json(ErrorSchema, 'invalid_request, invalid_target, unknown_probe, no_probes'),
          404: json(ErrorSchema, 'unknown_site: no probe is at that site'),
          429: json(ErrorSchema, 'rate_limited (OPERATIONS_PER_MINUTE per user) or operation_queue_full (a probe has OPERATION_QUEUE_PER_PROBE under way); Retry-After says when'),
        },
      }),
      async (c) => {
        const { detail, effects } = await startOperation(deps, c.get('principal'), c.req.valid('json'));
        await follow(deps, effects);
        return c.json(detail, 202);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/operations',
        tags: ['operations'],
        request: { query: ListQuery },
        responses: { 200: json(OperationListSchema, 'Recent operations, newest first'), ...errors },
      }),
      async (c) => c.json(await listOperations(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/operations/{id}',
        tags: ['operations'],
        request: { params: OperationParams },
        responses: { 200: json(OperationDetailSchema, 'The operation and each probe’s run: state, errors and results (partial while it runs)'), ...errors },
      }),
      async (c) => {
        const detail = await getOperation(deps, c.req.valid('param').id);
        if (!detail) throw notFound(`operation ${c.req.valid('param').id}`);
        return c.json(detail, 200);
      },
    );
}
