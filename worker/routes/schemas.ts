import { z } from '@hono/zod-openapi';

export const SubnetSchema = z
  .object({
    id: z.number().int(),
    cidr: z.string().openapi({ example: '198.18.0.0/24' }),
    family: z.number().int(),
    name: z.string(),
    notes: z.string(),
    probeId: z.number().int().nullable(),
    sweepIntervalSeconds: z.number().int(),
    size: z.string().openapi({ description: 'Addresses in the block, as a decimal string (IPv6 blocks exceed 2^53)' }),
    usable: z.string(),
    usedCount: z.number().int(),
    upCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Subnet');

export const HostStatusSchema = z.enum(['up', 'down', 'unknown']);

export const HostSchema = z
  .object({
    kind: z.literal('host'),
    id: z.number().int(),
    subnetId: z.number().int(),
    ip: z.string(),
    status: HostStatusSchema,
    latencyMs: z.number().nullable(),
    hostname: z.string().nullable(),
    hostnameSource: z.enum(['manual', 'import', 'probe']).nullable(),
    description: z.string(),
    tags: z.array(z.string()),
    notes: z.string(),
    reserved: z.boolean(),
    reservedBy: z.string().nullable(),
    reservedNote: z.string().nullable(),
    firstSeenAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    lastChangeAt: z.string().nullable(),
    timesSeen: z.number().int(),
  })
  .openapi('Host');

export const UnusedRunSchema = z
  .object({ kind: z.literal('unused'), first: z.string(), last: z.string(), count: z.string() })
  .openapi('UnusedRun');

export const HostTableRowSchema = z
  .tuple([
    z.number().int().openapi({ description: 'host id' }),
    z.string().openapi({ description: 'ip' }),
    HostStatusSchema,
    z.number().nullable().openapi({ description: 'latency in ms, 2 decimals' }),
    z.string().nullable().openapi({ description: 'hostname' }),
    z.number().int().nullable().openapi({ description: 'last seen, seconds before `now`' }),
    z.number().int().nullable().openapi({ description: 'last state change, seconds before `now`' }),
    z.number().int().openapi({ description: 'flags: bit 0 = reserved' }),
  ])
  .openapi('HostTableRow', { description: '[id, ip, status, latencyMs, hostname, seenAgo, changedAgo, flags]' });

export const EventSchema = z
  .object({ id: z.number().int(), at: z.string(), from: HostStatusSchema, to: HostStatusSchema, probeId: z.number().int().nullable() })
  .openapi('HostEvent');

export const ProbeSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    site: z.string(),
    isLocal: z.boolean(),
    connected: z.boolean(),
    version: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    createdAt: z.string(),
    subnetCount: z.number().int(),
  })
  .openapi('Probe');

const tag = z.string().trim().min(1).max(40).regex(/^[^,;]+$/, 'tags cannot contain , or ;');

/** Editable host fields, shared by create, PATCH and CSV import. */
export const HostFieldsSchema = z.object({
  hostname: z.string().trim().max(253).nullable().optional(),
  description: z.string().max(2000).optional(),
  tags: z.array(tag).max(50).optional(),
  notes: z.string().max(10_000).optional(),
  reserved: z.boolean().optional(),
  reservedBy: z.string().max(200).nullable().optional(),
  reservedNote: z.string().max(2000).nullable().optional(),
});

export const SubnetFieldsSchema = z.object({
  name: z.string().trim().max(200).optional(),
  notes: z.string().max(10_000).optional(),
  probeId: z.number().int().positive().nullable().optional(),
  sweepIntervalSeconds: z.number().int().min(10).max(86_400).optional(),
});
