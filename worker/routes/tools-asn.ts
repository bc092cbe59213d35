import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { offlineAsnAnswer } from '../tools/asn.js';
import { errors, ErrorSchema, json, router, secured } from './common.js';

const AsnSchema = z
  .object({
    ip: z.string().openapi({ description: 'the address, canonical (an IPv4-mapped IPv6 address as its IPv4 address)' }),
    asn: z.number().int().nullable().openapi({ description: 'the origin AS; null: the data has no route for it (private, documentation, unrouted)', example: 64500 }),
    org: z.string().nullable().openapi({ description: "the AS's organisation" }),
    country: z.string().nullable().openapi({ description: 'ISO 3166-1 alpha-2 (the AS\'s registration country)', example: 'JP' }),
    sources: z.array(z.object({ name: z.string(), licence: z.string(), date: z.string().nullable().openapi({ description: "the data's build date (YYYY-MM-DD)" }) })),
  })
  .openapi('OfflineAsn');

export function asnRoutes(deps: AppDeps) {
  return router().openapi(
    secured(deps, { role: 'viewer' }, {
      method: 'get',
      path: '/api/tools/asn',
      tags: ['tools'],
      request: { query: z.object({ ip: z.string().min(1).max(64).openapi({ example: '2001:db8::1' }) }) },
      responses: {
        200: json(AsnSchema, 'ASN, organisation and country from the offline data packages (no request leaves the server); the first lookup builds the index (about a second)'),
        ...errors,
        400: json(ErrorSchema, 'invalid_ip'),
        501: json(ErrorSchema, 'unavailable_on_host: this host carries no offline ASN data (the Workers host)'),
      },
    }),
    async (c) => c.json(await offlineAsnAnswer(deps, c.req.valid('query').ip), 200),
  );
}
