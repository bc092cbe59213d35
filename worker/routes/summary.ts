import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { summary } from '../services/summary.js';
import { errors, json, router, secured } from './common.js';

const Summary = z
  .object({
    hosts: z.object({
      total: z.number().int(),
      up: z.number().int(),
      down: z.number().int(),
      unknown: z.number().int(),
      previouslyUsed: z.number().int().openapi({ description: 'down or unknown hosts silent longer than PREVIOUSLY_USED_DAYS (counted in down/unknown too)' }),
    }),
    subnets: z.object({ total: z.number().int() }),
    probes: z.object({ total: z.number().int(), connected: z.number().int() }),
  })
  .openapi('Summary');

export function summaryRoutes(deps: AppDeps) {
  return router().openapi(
    secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/summary', tags: ['hosts'], responses: { 200: json(Summary, 'Counts for the dashboard'), 401: errors[401] } }),
    async (c) => c.json(await summary(deps), 200),
  );
}
