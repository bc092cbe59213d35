import { z } from '@hono/zod-openapi';
import { DEFAULT_TRAFFIC_PORT, MAX_TRAFFIC_BANDWIDTH_BPS, MAX_TRAFFIC_PARALLEL, MAX_TRAFFIC_SECONDS, MIN_TRAFFIC_SECONDS } from '../../schema/kinds/traffic.js';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { notFound } from '../errors.js';
import { getTrafficTest, listTrafficTests } from '../services/traffic-tests-read.js';
import { startTrafficTest } from '../services/traffic-tests.js';
import { TrafficListSchema, TrafficTestDetailSchema } from './traffic-tests-schemas.js';
import { errors, ErrorSchema, json, jsonBody, router, secured } from './common.js';

/** Ports below are privileged on the probes; iperf3 runs unprivileged there. */
const MIN_TRAFFIC_PORT = 1024;

/** A test's fields, shared with the schedules' body. */
export const TrafficTestFields = {
  from: z.number().int().positive().openapi({ description: 'the probe that runs iperf3 -c' }),
  to: z
    .union([z.number().int().positive(), z.string().trim().min(1).max(64)])
    .openapi({ description: 'a probe id (it runs a one-shot iperf3 -s), or an IP address already running an iperf3 server', example: 2 }),
  toAddress: z.string().trim().min(1).max(64).optional().openapi({ description: 'with a target probe: which of its addresses (default: one in a prefix the source shares, else its first)' }),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  durationSeconds: z.number().int().min(MIN_TRAFFIC_SECONDS).max(MAX_TRAFFIC_SECONDS).default(10),
  bandwidth: z
    .union([z.string().trim().min(1).max(32), z.number().positive().max(MAX_TRAFFIC_BANDWIDTH_BPS)])
    .optional()
    .openapi({ description: 'iperf3 -b: "50M", "1.5G", "800K" or bits/s (decimal units)', example: '50M' }),
  parallel: z.number().int().min(1).max(MAX_TRAFFIC_PARALLEL).default(1),
  reverse: z.boolean().default(false).openapi({ description: 'iperf3 -R: the target sends' }),
  port: z.number().int().min(MIN_TRAFFIC_PORT).max(65_535).default(DEFAULT_TRAFFIC_PORT),
};

const StartBody = z.object(TrafficTestFields).strict();

const ListQuery = z.object({
  pair: z.string().trim().min(1).max(80).optional().openapi({ description: 'one pair’s tests (`p1-p2`, `p1-a198.18.0.1`)' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).max(64).optional().openapi({ description: 'the `next` cursor of the previous page' }),
});

const TestParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export function trafficTestRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'editor', audit: 'traffic.start' }, {
        method: 'post',
        path: '/api/traffic-tests',
        tags: ['traffic'],
        request: jsonBody(StartBody),
        responses: {
          201: json(TrafficTestDetailSchema, 'Started: the target probe has its listener job and the source its client job; progress on the live feed (traffic events) and from GET /api/traffic-tests/{id}'),
          ...errors,
          400: json(ErrorSchema, 'invalid_request, invalid_bandwidth, same_probe, invalid_target'),
          404: json(ErrorSchema, 'unknown_probe'),
          409: json(ErrorSchema, 'unsupported_by_probe, no_probe_address, traffic_test_busy'),
          503: json(ErrorSchema, 'probe_offline'),
        },
      }),
      async (c) => {
        const { detail, effects } = await startTrafficTest(deps, c.get('principal'), c.req.valid('json'));
        await follow(deps, effects);
        return c.json(detail, 201);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/traffic-tests',
        tags: ['traffic'],
        request: { query: ListQuery },
        responses: { 200: json(TrafficListSchema, 'Tests newest first (one pair’s when asked) and the pairs recently tested'), ...errors },
      }),
      async (c) => c.json(await listTrafficTests(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/traffic-tests/{id}',
        tags: ['traffic'],
        request: { params: TestParams },
        responses: { 200: json(TrafficTestDetailSchema, 'The test, its per-second throughput and iperf3’s JSON'), ...errors },
      }),
      async (c) => {
        const detail = await getTrafficTest(deps, c.req.valid('param').id);
        if (!detail) throw notFound(`traffic test ${c.req.valid('param').id}`);
        return c.json(detail, 200);
      },
    );
}
