import { z } from '@hono/zod-openapi';
import { ADDRESS_CHECKS } from '../../schema/kinds/address-check.js';
import type { AppDeps } from '../deps.js';
import { MAX_ALLOCATE_COUNT } from '../domain/allocation-plan.js';
import { follow } from '../effects.js';
import { allocate } from '../services/allocate.js';
import { auditDetails, recordAudit } from '../services/audit.js';
import { errors, ErrorSchema, IdParams, json, optionalJsonBody, router, secured } from './common.js';
import { HostFieldsSchema } from './schemas.js';

export const AddressSignSchema = z
  .object({
    check: z.enum(ADDRESS_CHECKS).openapi({ description: 'icmp: an echo reply; neighbour: an ARP/NDP entry on an attached segment; tcp: a connect or a refusal; ptr: a PTR name' }),
    detail: z.string().openapi({ example: 'tcp/22 open' }),
  })
  .openapi('AddressSign');

const AllocateBody = z
  .object({
    count: z.number().int().min(1).max(MAX_ALLOCATE_COUNT).optional().openapi({ description: 'addresses wanted (default 1)' }),
    hostname: HostFieldsSchema.shape.hostname,
    description: HostFieldsSchema.shape.description,
    tags: HostFieldsSchema.shape.tags,
    reservedBy: HostFieldsSchema.shape.reservedBy,
    reservedNote: HostFieldsSchema.shape.reservedNote,
    reservedUntil: z.iso.datetime({ offset: true }).optional().openapi({ description: 'when the reservation is released if the address stays unused (ISO 8601, in the future); absent: never' }),
    verify: z.boolean().optional().openapi({ description: 'check each address live from the subnet’s probe first (default true); false hands out addresses unchecked and says so' }),
    allocationId: z.uuid().optional().openapi({ description: 'the caller’s id for this allocation, carried by its live `allocation` events' }),
  })
  .strict();

/** The checks the probe could not run at an address: a "free" that rests on fewer checks. */
export const SkippedChecksSchema = z
  .array(z.enum(ADDRESS_CHECKS))
  .openapi({ description: 'checks the probe could not run there: icmp (ping could not send: no raw socket, no route), neighbour (not on an attached segment), ptr (PTR lookups off)' });

const CheckSchema = z.object({ at: z.string().openapi({ description: 'when the probe checked it' }), signs: z.array(AddressSignSchema), skipped: SkippedChecksSchema });

const AllocationSchema = z
  .object({
    allocationId: z.string(),
    subnetId: z.number().int(),
    verified: z.boolean().openapi({ description: 'false: handed out without a live check (verify: false)' }),
    addresses: z.array(
      z.object({
        ip: z.string(),
        hostId: z.number().int().openapi({ description: 'the reserved host record' }),
        previouslyUsed: z
          .object({ hostId: z.number().int(), lastSeenAt: z.string(), hostname: z.string().nullable(), mac: z.string().nullable() })
          .nullable()
          .openapi({ description: 'the address was used before and has been silent past PREVIOUSLY_USED_DAYS (offered after every never-used one): its old record, now reserved' }),
        check: CheckSchema.nullable().openapi({ description: 'the live check that found it free; null when not verified' }),
      }),
    ),
    skipped: z
      .array(z.object({ ip: z.string(), signs: z.array(AddressSignSchema), hostId: z.number().int().nullable().openapi({ description: 'the discovered host recorded for it' }) }))
      .openapi({ description: 'candidates that showed signs of use: not handed out, recorded as discovered hosts' }),
  })
  .openapi('Allocation');

export function allocateRoutes(deps: AppDeps) {
  return router().openapi(
    secured(deps, { role: 'editor' }, {
      method: 'post',
      path: '/api/subnets/{id}/allocate',
      tags: ['subnets'],
      summary: 'Reserve the next free addresses, each checked live by the subnet’s probe first',
      request: { params: IdParams, ...optionalJsonBody(AllocateBody) },
      responses: {
        201: json(AllocationSchema, 'Reserved (audited host.allocate); the steps went out on the live feed as `allocation` events'),
        ...errors,
        400: json(ErrorSchema, 'invalid_request; bad_reserved_until (not in the future)'),
        409: json(ErrorSchema, 'subnet_full (not enough free addresses: nothing reserved; skipped ones are still recorded), no_probe, unsupported_by_probe'),
        503: json(ErrorSchema, 'probe_offline, verify_timeout (no answer within ALLOCATE_VERIFY_TIMEOUT_MS), verify_failed (the probe could not run the checks); nothing reserved'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const body = c.req.valid('json') ?? {};
      const { answer, effects } = await allocate(deps, id, { ...body, count: body.count ?? 1, verify: body.verify ?? true });
      await follow(deps, effects);
      // audited here rather than by `secured`: the row names the addresses handed out
      await recordAudit(deps, {
        action: 'host.allocate',
        actor: c.get('principal'),
        targetType: 'subnet',
        targetId: id,
        details: auditDetails({ ...body, verified: answer.verified, addresses: answer.addresses.map((a) => a.ip), skipped: answer.skipped.map((s) => s.ip) }),
        clientAddress: deps.clientAddress(c.req.raw, c.env),
      });
      return c.json(answer, 201);
    },
  );
}
