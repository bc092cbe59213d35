import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { listTags, searchHosts } from '../services/host-search.js';
import { eventsOf } from '../services/events.js';
import { addHost, deleteHost, getHost, hostHistory, hostView, previouslyUsedSilenceMs, updateHost } from '../services/hosts.js';
import { errors, ErrorSchema, IdParams, json, jsonBody, router, secured } from './common.js';
import { AnyEventSchema, EventSchema, HostFieldsSchema, HostSchema, HostStatusSchema, PortEventSchema } from './schemas.js';

const History = z.object({
  window: z.enum(['24h', '7d']),
  uptimePercent: z.number().nullable(),
  samples: z.number().int(),
  hourly: z.array(z.object({ hour: z.string(), samples: z.number(), uptimePercent: z.number(), avgLatencyMs: z.number().nullable() })),
  recent: z.array(z.object({ at: z.string(), up: z.boolean(), latencyMs: z.number().nullable() })),
});
const Limit = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const SearchQuery = z.object({
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "case-insensitive: address prefix, hostname substring, a whole tag, the current MAC's vendor substring, or (when it reads as hex) the start of the current MAC" }),
  status: HostStatusSchema.optional(),
  subnetId: z.coerce.number().int().positive().optional(),
  tag: z.string().min(1).max(40).optional().openapi({ description: 'exact tag' }),
  service: z.string().min(1).max(64).optional().openapi({ description: 'hosts with an open port running this service (ssh, http, …)' }),
  port: z
    .string()
    .regex(/^\d{1,5}(\/(tcp|udp))?$/, 'a port, optionally with its protocol: 22 or 22/tcp')
    .transform((t) => ({ port: Number(t.split('/')[0]), protocol: (t.split('/')[1] ?? 'tcp') as 'tcp' | 'udp' }))
    .optional()
    .openapi({ description: 'hosts with this port open: 22/tcp (tcp when left out)', type: 'string' }),
  mac: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .openapi({
      description:
        'a MAC or its start, any case, with : - . or no separators (00:0C:29, 000c.29ab.cdef): hosts whose current MAC starts so, and hosts that had such a MAC before (their device history: "which address had this device"); not a MAC prefix: 400 invalid_mac',
      example: '00:0c:29',
    }),
  vendor: z.string().trim().min(1).max(128).optional().openapi({ description: "case-insensitive substring of the current MAC's vendor (IEEE registry name)" }),
  previouslyUsed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ type: 'string', enum: ['true', 'false'], description: 'true: only previously used hosts (alive once, silent longer than PREVIOUSLY_USED_DAYS); false: only the others' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export function hostRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/hosts',
        tags: ['hosts'],
        request: { query: SearchQuery },
        responses: {
          200: json(z.object({ total: z.number().int(), hosts: z.array(HostSchema) }), 'Matching hosts by family then address, and how many match in all (every filter given must match)'),
          400: json(ErrorSchema, 'invalid_mac: `mac` is not a MAC or the start of one; invalid_request'),
          401: errors[401],
        },
      }),
      async (c) => c.json(await searchHosts(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/tags',
        tags: ['hosts'],
        responses: { 200: json(z.object({ tags: z.array(z.object({ tag: z.string(), count: z.number().int() })) }), 'Tags in use with their host counts, sorted by tag'), 401: errors[401] },
      }),
      async (c) => c.json({ tags: await listTags(deps) }, 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'host.create' }, {
        method: 'post',
        path: '/api/hosts',
        tags: ['hosts'],
        request: jsonBody(HostFieldsSchema.extend({ ip: z.string().min(2).max(64) }).strict()),
        responses: { 201: json(HostSchema, 'Recorded (reserved or annotated address)'), 400: errors[400], 401: errors[401], 409: json(ErrorSchema, 'The address already has a record') },
      }),
      async (c) => {
        const { ip, ...fields } = c.req.valid('json');
        const { row, effects } = await addHost(deps, ip, fields);
        await follow(deps, effects);
        return c.json(hostView(row, previouslyUsedSilenceMs(deps)), 201);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/hosts/{id}', tags: ['hosts'], request: { params: IdParams }, responses: { 200: json(HostSchema, 'One host'), ...errors } }),
      async (c) => c.json(hostView(await getHost(deps, c.req.valid('param').id), previouslyUsedSilenceMs(deps)), 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'host.update' }, {
        method: 'patch',
        path: '/api/hosts/{id}',
        tags: ['hosts'],
        request: { params: IdParams, ...jsonBody(HostFieldsSchema.strict()) },
        responses: { 200: json(HostSchema, 'Updated'), ...errors },
      }),
      async (c) => {
        const { row, effects } = await updateHost(deps, c.req.valid('param').id, c.req.valid('json'));
        await follow(deps, effects);
        return c.json(hostView(row, previouslyUsedSilenceMs(deps)), 200);
      },
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'host.delete' }, { method: 'delete', path: '/api/hosts/{id}', tags: ['hosts'], request: { params: IdParams }, responses: { 204: { description: 'Forgotten, with its history' }, ...errors } }),
      async (c) => {
        await follow(deps, (await deleteHost(deps, c.req.valid('param').id)).effects);
        return c.body(null, 204);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/hosts/{id}/events',
        tags: ['hosts'],
        request: { params: IdParams, query: Limit },
        responses: { 200: json(z.object({ events: z.array(AnyEventSchema) }), 'State changes and port changes, newest first'), ...errors },
      }),
      async (c) => {
        const events = await eventsOf(deps, c.req.valid('param').id, c.req.valid('query').limit);
        return c.json({ events: events.map(({ hostId: _h, ip: _ip, ...e }) => e) }, 200);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/hosts/{id}/history',
        tags: ['hosts'],
        request: { params: IdParams, query: z.object({ window: z.enum(['24h', '7d']).default('24h') }) },
        responses: { 200: json(History, 'Uptime and latency over the window'), ...errors },
      }),
      async (c) => c.json(await hostHistory(deps, c.req.valid('param').id, c.req.valid('query').window), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/events',
        tags: ['hosts'],
        request: { query: Limit },
        responses: {
          200: json(z.object({ events: z.array(z.discriminatedUnion('kind', [EventSchema.extend({ hostId: z.number(), ip: z.string() }), PortEventSchema.extend({ hostId: z.number(), ip: z.string() })])) }), 'Recent state changes and port changes across all hosts, newest first'),
          401: errors[401],
          400: errors[400],
        },
      }),
      async (c) => c.json({ events: await eventsOf(deps, null, c.req.valid('query').limit) }, 200),
    );
}
