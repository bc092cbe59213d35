import { z } from '@hono/zod-openapi';
import { calculate, DEFAULT_PAGE_SIZE, IpcalcError, managedRelations, MAX_INPUT_LENGTH, MAX_PAGE_SIZE, MAX_SUPERNET_INPUTS, parseBlock, supernet } from '../../web/lib/ipcalc.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { subnetsOverlapping } from '../services/subnet-overlap.js';
import { errors, ErrorSchema, json, router, secured } from './common.js';

/** Managed subnets listed at most (a /0 overlaps every subnet of its family). */
export const MAX_MANAGED = 100;

const decimal = (description: string) => z.string().openapi({ description: `${description}, as a decimal string (IPv6 counts exceed 2^53)` });

const IpcalcQuery = z.object({
  cidr: z.string().min(1).max(MAX_INPUT_LENGTH).openapi({ description: 'an address, address/prefix or IPv4 address/netmask; host bits may be set', example: '198.18.7.77/22' }),
  splitPrefix: z.coerce.number().int().min(0).max(255).optional().openapi({ description: 'split into blocks of this longer prefix' }),
  splitCount: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'split into this many equal blocks (a power of two); not with splitPrefix' }),
  page: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(1).openapi({ description: 'page of the split (from 1)' }),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).openapi({ description: `blocks per page of the split (1–${MAX_PAGE_SIZE})` }),
});

const RelationSchema = z.enum(['equal', 'contains', 'within', 'overlaps']).openapi({ description: 'the managed subnet’s relation to the block: equal to it, contains it, within it' });

const IpcalcSchema = z
  .object({
    input: z.string(),
    family: z.union([z.literal(4), z.literal(6)]),
    address: z.string().openapi({ description: 'the address typed (canonical), host bits and all' }),
    cidr: z.string().openapi({ description: 'the network holding it, canonical' }),
    network: z.string(),
    prefix: z.number().int(),
    netmask: z.string(),
    wildcard: z.string().openapi({ description: 'the inverse mask (ACL notation)' }),
    broadcast: z.string().nullable().openapi({ description: 'null for IPv6, and for IPv4 /31 and /32 (RFC 3021)' }),
    firstUsable: z.string(),
    lastUsable: z.string(),
    addresses: decimal('addresses in the block'),
    usable: decimal('usable addresses (an IPv4 block up to /30 loses network and broadcast; the server’s subnets count the same)'),
    kind: z.string().openapi({ description: 'the most specific IANA special-purpose range holding the whole block: private, shared, loopback, link-local, documentation, benchmarking, multicast, unspecified, broadcast, reserved, ula, ipv4-mapped, nat64, 6to4, discard, global; mixed when the block spans several' }),
    reverseZone: z.string().openapi({ description: 'the smallest in-addr.arpa / ip6.arpa zone holding the block (octet or nibble boundary)' }),
    binary: z.object({ address: z.string(), netmask: z.string(), network: z.string() }).nullable().openapi({ description: 'IPv4 only: dotted binary' }),
    mapped: z.object({ ipv4: z.string(), kind: z.string() }).nullable().openapi({ description: 'inside ::ffff:0:0/96: the IPv4 address (or block) it maps, and its kind' }),
    split: z
      .object({ prefix: z.number().int(), total: decimal('blocks in the split'), page: z.number().int(), pageSize: z.number().int(), subnets: z.array(z.string()) })
      .nullable()
      .openapi({ description: 'with splitPrefix or splitCount: one page of the blocks, in address order (empty past the last page)' }),
    managed: z
      .array(z.object({ id: z.number().int(), cidr: z.string(), name: z.string(), relation: RelationSchema }))
      .openapi({ description: `managed subnets sharing addresses with the block, in address order (at most ${MAX_MANAGED})` }),
  })
  .openapi('IpCalculation');

const SupernetQuery = z.object({
  cidrs: z
    .string()
    .min(1)
    .max(MAX_SUPERNET_INPUTS * (MAX_INPUT_LENGTH + 1))
    .refine((v) => v.split(',').length <= MAX_SUPERNET_INPUTS, `at most ${MAX_SUPERNET_INPUTS} entries`)
    .openapi({ description: `comma-separated addresses or CIDRs of one family (at most ${MAX_SUPERNET_INPUTS})`, example: '198.18.0.0/24,198.18.1.0/24' }),
});

const SupernetSchema = z
  .object({
    supernet: z.string().openapi({ description: 'the smallest block holding every entry' }),
    covers: z.array(z.string()).openapi({ description: 'the entries as canonical blocks in address order, duplicates and blocks inside another left out' }),
  })
  .openapi('Supernet');

/** The calculator's refusals as the API's errors (400 with the same stable code). */
function answered<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof IpcalcError) throw new AppError(400, e.code, e.message);
    throw e;
  }
}

export function ipcalcRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/tools/ipcalc',
        tags: ['tools'],
        request: { query: IpcalcQuery },
        responses: {
          200: json(IpcalcSchema, 'The block, its edges and kind, the split page asked for, and the managed subnets it touches'),
          ...errors,
          400: json(ErrorSchema, 'invalid_cidr, invalid_split (prefix shorter than the block’s or past /32 or /128, a count not a power of two, both given), invalid_request'),
        },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const result = answered(() => calculate(q.cidr, { splitPrefix: q.splitPrefix, splitCount: q.splitCount, page: q.page, pageSize: q.pageSize }));
        const block = parseBlock(q.cidr);
        result.managed = managedRelations(block, await subnetsOverlapping(deps, block.family, block.first, block.last, MAX_MANAGED));
        return c.json(result, 200);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/tools/supernet',
        tags: ['tools'],
        request: { query: SupernetQuery },
        responses: {
          200: json(SupernetSchema, 'The smallest block holding the list'),
          ...errors,
          400: json(ErrorSchema, 'invalid_cidr (names the entry), mixed_families, invalid_request (more than 256 entries)'),
        },
      }),
      async (c) => c.json(answered(() => supernet(c.req.valid('query').cidrs.split(','))), 200),
    );
}
