import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { getTrace, requestTrace } from '../services/traces.js';
import { errors, ErrorSchema, IdParams, json, optionalJsonBody, router, secured } from './common.js';

const HopSchema = z
  .object({
    hop: z.number().int().openapi({ description: '1 is the first router: the default gateway, for a target beyond the probe’s segment' }),
    address: z.string().nullable().openapi({ description: 'the address that answered; null: no probe of this hop was answered (* * *)' }),
    name: z.string().nullable().openapi({ description: 'its PTR name, looked up by the probe' }),
    rttMs: z.array(z.number()).openapi({ description: 'round-trip time of each answered probe' }),
    loss: z.number().openapi({ description: 'share of the hop’s probes that got no answer (0..1)' }),
  })
  .openapi('TraceHop');

const TraceViewSchema = z.object({
  trace: z
    .object({
      jobId: z.string(),
      probeId: z.number().int().nullable(),
      at: z.string().openapi({ description: 'when the trace started' }),
      durationMs: z.number(),
      reached: z.boolean().openapi({ description: 'the last hop is the host itself' }),
      target: z.string(),
      hops: z.array(HopSchema),
    })
    .nullable()
    .openapi({ description: 'the host’s last trace' }),
  job: z
    .object({
      jobId: z.string(),
      state: z.enum(['queued', 'started', 'progress', 'done', 'failed', 'unsupported']),
      error: z.string().nullable(),
      requestedAt: z.string(),
    })
    .nullable()
    .openapi({ description: 'the host’s latest trace job (one past its time limit with no word from the probe shows as failed)' }),
});

const TraceAccepted = z.object({
  jobId: z.string(),
  probeId: z.number().int(),
  target: z.string().openapi({ description: 'the host’s address' }),
});

export function traceRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/hosts/{id}/trace',
        tags: ['hosts'],
        request: { params: IdParams },
        responses: { 200: json(TraceViewSchema, 'The host’s last trace (kept per host) and its latest trace job'), ...errors },
      }),
      async (c) => c.json(await getTrace(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'host.trace' }, {
        method: 'post',
        path: '/api/hosts/{id}/trace',
        tags: ['hosts'],
        request: {
          params: IdParams,
          ...optionalJsonBody(
            z.object({ probeId: z.number().int().positive().optional().openapi({ description: 'trace from this probe (default: the probe of the host’s subnet); its assigned subnets must hold the host’s address' }) }).strict(),
          ),
        },
        responses: {
          202: json(TraceAccepted, 'Accepted: the probe traces the path to the host now; progress on the live feed (job events, kind traceroute)'),
          ...errors,
          400: json(ErrorSchema, 'target_outside_probe (the chosen probe has no assigned subnet holding the address), unknown_probe, invalid_request'),
          409: json(ErrorSchema, 'no_probe, probe_offline, unsupported_by_probe (the probe is too old)'),
          429: json(ErrorSchema, 'too_many_traces: the probe already runs as many traces as it may; Retry-After says when to ask again'),
        },
      }),
      async (c) => {
        const { accepted, effects } = await requestTrace(deps, c.req.valid('param').id, c.req.valid('json')?.probeId);
        await follow(deps, effects);
        return c.json(accepted, 202);
      },
    );
}
