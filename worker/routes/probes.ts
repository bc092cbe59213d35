import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { enrollProbe, listProbes, revokeProbe } from '../services/probes.js';
import { line, ProbeSchema } from './schemas.js';
import { errors, IdParams, json, jsonBody, router, secured } from './common.js';

// the Node host's local probe enrols through it (worker/node/local-probe.ts)
export { enrollProbe };

export function probeRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'admin', audit: 'probe.create' }, {
        method: 'post',
        path: '/api/probes',
        tags: ['probes'],
        request: jsonBody(z.object({ name: line(100).trim().min(1), site: line(200).trim().optional() })),
        responses: {
          201: json(z.object({ id: z.number(), name: z.string(), site: z.string(), token: z.string() }), 'Enrolled; the token is shown only this once'),
          400: errors[400],
          401: errors[401],
        },
      }),
      async (c) => {
        const { name, site } = c.req.valid('json');
        return c.json(await enrollProbe(deps, name, site), 201);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/probes', tags: ['probes'], responses: { 200: json(z.object({ probes: z.array(ProbeSchema) }), 'All probes'), 401: errors[401] } }),
      async (c) => c.json({ probes: await listProbes(deps) }, 200),
    )
    .openapi(
      secured(deps, { role: 'admin', audit: 'probe.revoke' }, {
        method: 'delete',
        path: '/api/probes/{id}',
        tags: ['probes'],
        request: { params: IdParams },
        responses: { 204: { description: 'Revoked: the token stops working, the connection closes, its subnets are unassigned' }, ...errors },
      }),
      async (c) => {
        await follow(deps, (await revokeProbe(deps, c.req.valid('param').id)).effects);
        return c.body(null, 204);
      },
    );
}
