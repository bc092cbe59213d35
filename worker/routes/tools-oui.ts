import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { OUI_HOSTS_LIMIT, ouiAnswer } from '../tools/oui.js';
import { errors, ErrorSchema, json, router, secured } from './common.js';

const OuiSchema = z
  .object({
    query: z.string(),
    mac: z.string().nullable().openapi({ description: 'the whole MAC, normalised (00:1b:63:84:45:e6); null: the query was a prefix', example: '00:1b:63:84:45:e6' }),
    prefix: z.string().nullable().openapi({ description: 'the matched assignment as the IEEE writes it; null: none matches (or locally administered)', example: '00:1B:63' }),
    registry: z.enum(['MA-L', 'MA-M', 'MA-S']).nullable().openapi({ description: 'the longest assignment matching: MA-S (36 bits), MA-M (28), MA-L (24)' }),
    vendor: z.string().nullable().openapi({ description: 'the organisation of that assignment; null for a locally administered (randomised) MAC, never guessed' }),
    locallyAdministered: z.boolean().openapi({ description: 'bit 0x02 of the first octet: randomised or set by software' }),
    multicast: z.boolean().openapi({ description: 'bit 0x01 of the first octet: a group address (looked up with that bit cleared)' }),
    hosts: z
      .array(z.object({ hostId: z.number().int(), subnetId: z.number().int(), ip: z.string(), hostname: z.string().nullable(), mac: z.string() }))
      .openapi({ description: `IPAM hosts whose current MAC is the query or starts with it, by MAC then address, at most ${OUI_HOSTS_LIMIT}` }),
    truncated: z.boolean().openapi({ description: `more than ${OUI_HOSTS_LIMIT} hosts match` }),
  })
  .openapi('OuiLookup');

export function ouiRoutes(deps: AppDeps) {
  return router().openapi(
    secured(deps, { role: 'viewer' }, {
      method: 'get',
      path: '/api/tools/oui',
      tags: ['tools'],
      request: {
        query: z.object({
          mac: z.string().min(1).max(40).openapi({ description: 'a MAC or its start in any usual notation: 00:1B:63:84:45:E6, 00-1b-63, 001b.6384.45e6, 001B63', example: '00:1b:63:84:45:e6' }),
        }),
      },
      responses: {
        200: json(OuiSchema, 'The vendor from the IEEE registries (the same table and matching as the sweep) and the hosts with that MAC or prefix'),
        ...errors,
        400: json(ErrorSchema, 'invalid_mac: not hex in groups, or shorter than the first octet'),
        501: json(ErrorSchema, 'unavailable_on_host: this host carries no OUI table'),
      },
    }),
    async (c) => c.json(await ouiAnswer(deps, c.req.valid('query').mac), 200),
  );
}
