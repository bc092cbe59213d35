import { z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { probes, subnets } from '../../schema/tables/index.js';
import { randomToken, sha256Hex } from '../crypto.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { announce, subnetsChanged } from '../live/announce.js';
import { probeDisconnected } from '../probe-link/session.js';
import { line, ProbeSchema } from './schemas.js';
import { errors, IdParams, json, jsonBody, router, secured } from './common.js';

/** Enrols a probe and returns its token, which is stored only as a hash. */
export async function enrollProbe(deps: AppDeps, name: string, site = '', isLocal = false) {
  const token = randomToken('eipp');
  const [row] = await deps.db
    .insert(probes)
    .values({ name, site, isLocal, tokenHash: await sha256Hex(token), createdAt: new Date(deps.clock.now()) })
    .returning({ id: probes.id });
  return { id: row!.id, name, site, token };
}

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
      async (c) => {
        const rows = await deps.db
          .select({ p: probes, subnetCount: sql<number>`(SELECT count(*) FROM ${subnets} WHERE ${subnets.probeId} = ${probes.id})` })
          .from(probes)
          .orderBy(probes.id);
        return c.json(
          {
            probes: rows.map(({ p, subnetCount }) => ({
              id: p.id,
              name: p.name,
              site: p.site,
              isLocal: p.isLocal,
              connected: p.connected,
              version: p.version,
              kinds: p.kinds,
              rawSockets: p.rawSockets,
              lastSeenAt: p.lastSeenAt?.toISOString() ?? null,
              createdAt: p.createdAt.toISOString(),
              subnetCount: Number(subnetCount),
            })),
          },
          200,
        );
      },
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
        const { id } = c.req.valid('param');
        const [row] = await deps.db.select({ id: probes.id }).from(probes).where(eq(probes.id, id));
        if (!row) throw notFound(`probe ${id}`);
        await probeDisconnected(deps, id);
        await deps.db.delete(probes).where(eq(probes.id, id));
        await deps.hub.disconnect(id, 'revoked');
        await announce(deps, subnetsChanged); // its subnets lost their probe
        return c.body(null, 204);
      },
    );
}
