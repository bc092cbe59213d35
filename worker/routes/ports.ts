import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { hostPorts, listServices } from '../services/ports.js';
import { scanHostPortsNow, scanSubnetPortsNow } from '../services/port-scans.js';
import { errors, ErrorSchema, IdParams, json, optionalJsonBody, router, secured } from './common.js';
import { OpenPortSchema, PortEventSchema } from './schemas.js';

const Args = z.string().max(1000).openapi({ description: 'nmap arguments for this scan only (the allow-list applies); default: the subnet\'s', example: '-Pn -T4 -p 1-1024 -sT -sV' });
const ScanAccepted = z.object({
  jobId: z.string(),
  coalesced: z.boolean().openapi({ description: 'true: a scan of these hosts was already under way; this is its job' }),
  hosts: z.number().int().openapi({ description: 'hosts the new job scans (0 when coalesced)' }),
});
const scanErrors = {
  ...errors,
  400: json(ErrorSchema, 'forbidden_nmap_option (names the option), target_outside_subnet, unknown_target, invalid_request'),
  409: json(ErrorSchema, 'no_probe, probe_offline, unsupported_by_probe (the probe is too old), no_alive_hosts'),
  429: json(ErrorSchema, 'scan_rate_limited: asked for too recently; Retry-After says when to ask again'),
};

export function portRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/hosts/{id}/ports',
        tags: ['ports'],
        request: { params: IdParams },
        responses: {
          200: json(
            z.object({
              hostId: z.number().int(),
              stale: z.boolean().openapi({ description: 'the host is not up, or its latest scan heard none of these ports (nothing answered): they are its last known ones' }),
              scannedAt: z.string().nullable(),
              nextScanAt: z.string().nullable(),
              job: z.object({ id: z.string(), state: z.string(), done: z.number().nullable(), total: z.number().nullable() }).nullable().openapi({ description: 'a port scan of this host under way' }),
              ports: z.array(OpenPortSchema),
              history: z.array(PortEventSchema),
            }),
            'Open ports now and the history of changes, newest first',
          ),
          ...errors,
        },
      }),
      async (c) => c.json(await hostPorts(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'host.scan_ports' }, {
        method: 'post',
        path: '/api/hosts/{id}/scan-ports',
        tags: ['ports'],
        request: { params: IdParams, ...optionalJsonBody(z.object({ args: Args.optional() }).strict()) },
        responses: { 202: json(ScanAccepted, 'Accepted: the probe scans the host now; progress on the live feed (job events)'), ...scanErrors },
      }),
      async (c) => c.json(await scanHostPortsNow(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 202),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'subnet.scan_ports' }, {
        method: 'post',
        path: '/api/subnets/{id}/scan-ports',
        tags: ['ports'],
        request: {
          params: IdParams,
          ...optionalJsonBody(
            z.object({ args: Args.optional(), targets: z.array(z.string().max(64)).min(1).max(4096).optional().openapi({ description: 'hosts of the subnet to scan (default: every host that is up)' }) }).strict(),
          ),
        },
        responses: { 202: json(ScanAccepted, 'Accepted: the probe scans the hosts now (one job per 256 hosts; the first job id)'), ...scanErrors },
      }),
      async (c) => c.json(await scanSubnetPortsNow(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 202),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/services',
        tags: ['ports'],
        responses: {
          200: json(
            z.object({
              services: z.array(
                z.object({
                  service: z.string().openapi({ description: "nmap's service name; unknown when it gave none" }),
                  hosts: z.number().int(),
                  ports: z.array(z.object({ port: z.number().int(), protocol: z.enum(['tcp', 'udp']), hosts: z.number().int(), up: z.number().int().openapi({ description: 'of them up now' }) })),
                }),
              ),
            }),
            'Services and ports in use with how many hosts have them, most common first',
          ),
          401: errors[401],
        },
      }),
      async (c) => c.json({ services: await listServices(deps) }, 200),
    );
}
