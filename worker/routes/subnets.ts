import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { subnetRows } from '../services/hosts.js';
import { freeAddresses, subnetTable } from '../services/subnet-table.js';
import { createSubnet, deleteSubnet, getSubnet, listSubnets, subnetCounts, subnetView, sweepNow, updateSubnet } from '../services/subnets.js';
import { AddressSignSchema, SkippedChecksSchema } from './allocate.js';
import { errors, ErrorSchema, IdParams, json, jsonBody, router, secured } from './common.js';
import { HostSchema, HostTableRowSchema, SubnetFieldsSchema, SubnetSchema, UnusedRunSchema } from './schemas.js';

const CreateSubnet = SubnetFieldsSchema.extend({ cidr: z.string().min(1).max(64).openapi({ example: '198.18.0.0/24' }) });
const conflict = { 409: json(ErrorSchema, 'Overlaps or duplicates an existing subnet') };
const ipQuery = (description: string) => z.string().min(1).max(64).optional().openapi({ description });
const FreeQuery = z.object({
  from: ipQuery('first address to consider (default: the start of the block)'),
  to: ipQuery('last address to consider, inclusive (default: the end of the block)'),
  limit: z.coerce.number().int().min(1).max(1024).default(256),
});

export function subnetRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'editor', audit: 'subnet.create' }, {
        method: 'post',
        path: '/api/subnets',
        tags: ['subnets'],
        request: jsonBody(CreateSubnet),
        responses: { 201: json(SubnetSchema, 'Created'), 400: errors[400], 401: errors[401], ...conflict },
      }),
      async (c) => {
        const { row, effects } = await createSubnet(deps, c.req.valid('json'));
        await follow(deps, effects);
        return c.json(subnetView(row, deps.config), 201);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/subnets', tags: ['subnets'], responses: { 200: json(z.object({ subnets: z.array(SubnetSchema) }), 'All subnets in address order'), 401: errors[401] } }),
      async (c) => c.json({ subnets: await listSubnets(deps) }, 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, { method: 'get', path: '/api/subnets/{id}', tags: ['subnets'], request: { params: IdParams }, responses: { 200: json(SubnetSchema, 'One subnet'), ...errors } }),
      async (c) => {
        const { id } = c.req.valid('param');
        return c.json(subnetView(await getSubnet(deps, id), deps.config, await subnetCounts(deps, id)), 200);
      },
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'subnet.update' }, {
        method: 'patch',
        path: '/api/subnets/{id}',
        tags: ['subnets'],
        request: { params: IdParams, ...jsonBody(SubnetFieldsSchema.strict()) },
        responses: { 200: json(SubnetSchema, 'Updated'), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { row, effects } = await updateSubnet(deps, id, c.req.valid('json'));
        await follow(deps, effects);
        return c.json(subnetView(row, deps.config, await subnetCounts(deps, id)), 200);
      },
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'subnet.delete' }, { method: 'delete', path: '/api/subnets/{id}', tags: ['subnets'], request: { params: IdParams }, responses: { 204: { description: 'Deleted with its hosts and history' }, ...errors } }),
      async (c) => {
        await follow(deps, (await deleteSubnet(deps, c.req.valid('param').id)).effects);
        return c.body(null, 204);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/subnets/{id}/hosts',
        tags: ['subnets'],
        request: { params: IdParams },
        responses: { 200: json(z.object({ rows: z.array(z.union([HostSchema, UnusedRunSchema])) }), 'Used addresses in order; unused runs collapsed to one row each'), ...errors },
      }),
      async (c) => c.json({ rows: (await subnetRows(deps, c.req.valid('param').id)).rows }, 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/subnets/{id}/table',
        tags: ['subnets'],
        request: { params: IdParams },
        responses: {
          200: json(
            z.object({
              subnet: SubnetSchema,
              now: z.number().int().openapi({ description: 'server time, epoch seconds; host ages count back from it' }),
              range: z.tuple([z.string(), z.string()]).openapi({ description: 'first and last usable address' }),
              hosts: z.array(HostTableRowSchema),
              ports: z
                .record(z.string(), z.array(z.tuple([z.number().int(), z.enum(['tcp', 'udp']), z.string().nullable()])))
                .openapi({ description: 'open ports by host id: [port, protocol, service] (a host that is not up keeps its last known ones)' }),
            }),
            'The subnet view in compact form: the usable range and a tuple per host in address order; unused runs are the gaps between them',
          ),
          ...errors,
        },
      }),
      async (c) => c.json(await subnetTable(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/subnets/{id}/free',
        tags: ['subnets'],
        request: { params: IdParams, query: FreeQuery },
        responses: {
          200: json(
            z.object({
              addresses: z.array(z.string()),
              next: z.string().nullable().openapi({ description: 'where the next page starts (pass as from), or null' }),
              reusable: z
                .array(
                  z.object({
                    ip: z.string(),
                    previouslyUsed: z
                      .object({ hostId: z.number().int(), lastSeenAt: z.string(), hostname: z.string().nullable(), mac: z.string().nullable() })
                      .openapi({ description: 'the hint: the record kept for history, and when it was last seen' }),
                  }),
                )
                .openapi({
                  description:
                    'previously used addresses between from and to (alive once, silent longer than PREVIOUSLY_USED_DAYS, not reserved), offered as free again, in order, at most limit; they keep their host record (edit it to reuse the address)',
                }),
              reusableNext: z.string().nullable().openapi({ description: 'where the reusable list goes on (pass as from), or null' }),
              verified: z
                .record(z.string(), z.object({ at: z.string(), alive: z.boolean(), signs: z.array(AddressSignSchema), skipped: SkippedChecksSchema }))
                .openapi({ description: 'the last live check (POST /api/subnets/{id}/allocate) of each listed address and reusable one, by address: when, whether it showed any sign of use, the signs, and the checks it could not run; an address never checked is absent' }),
            }),
            'Usable addresses without a host record, in order, and previously used ones with a hint',
          ),
          ...errors,
          400: json(ErrorSchema, 'bad_range: from/to outside the subnet or from after to; invalid_request'),
        },
      }),
      async (c) => c.json(await freeAddresses(deps, c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'subnet.scan' }, {
        method: 'post',
        path: '/api/subnets/{id}/scan',
        tags: ['subnets'],
        request: { params: IdParams },
        responses: {
          202: json(z.object({ jobId: z.string().nullable(), coalesced: z.boolean() }), 'Accepted: the probe sweeps now (or a sweep was just requested)'),
          ...errors,
          409: json(ErrorSchema, 'No probe is assigned, or it is offline'),
        },
      }),
      async (c) => {
        const { jobId, coalesced, effects } = await sweepNow(deps, c.req.valid('param').id);
        await follow(deps, effects);
        return c.json({ jobId, coalesced }, 202);
      },
    );
}
