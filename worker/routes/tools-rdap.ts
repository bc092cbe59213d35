import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { errorBody } from '../errors.js';
import { lookupOfflineAsn } from '../tools/asn.js';
import { RdapError } from '../tools/rdap-fetch.js';
import { lookupRdap, type RdapOptions } from '../tools/rdap.js';
import { errors, ErrorSchema, json, router, secured } from './common.js';

const Contact = z.object({ email: z.string().nullable(), phone: z.string().nullable() });

const SummarySchema = z
  .object({
    name: z.string().nullable().openapi({ description: 'network or AS name; a domain’s Unicode (else LDH) name' }),
    handle: z.string().nullable().openapi({ description: 'the registry’s handle of the object' }),
    organisation: z.string().nullable().openapi({ description: 'the registrant’s organisation (or name)' }),
    country: z.string().nullable().openapi({ description: 'ISO 3166 code: the object’s country, else the registrant’s' }),
    range: z.string().nullable().openapi({ description: 'ip: "198.51.100.0 – 198.51.100.255"; autnum: "AS64496 – AS64511"; domain: null', example: '198.51.100.0 – 198.51.100.255' }),
    cidrs: z.array(z.string()).openapi({ description: 'ip: the range as CIDRs (the cidr0 extension, else computed)' }),
    asnHolder: z.string().nullable().openapi({ description: 'autnum: who holds the AS number' }),
    abuse: Contact.nullable().openapi({ description: 'the abuse contact (entity role "abuse", anywhere in the answer)' }),
    registrar: z.string().nullable().openapi({ description: 'domain: the registrar (with its IANA id when given)' }),
    created: z.string().nullable().openapi({ description: 'event "registration" (ISO 8601)' }),
    updated: z.string().nullable().openapi({ description: 'event "last changed"' }),
    expires: z.string().nullable().openapi({ description: 'event "expiration"' }),
    status: z.array(z.string()),
  })
  .openapi('RdapSummary');

const RdapAnswerSchema = z
  .object({
    query: z.string().openapi({ description: 'the query as understood: a lower-case A-label domain, a canonical address (or CIDR), or AS<n>', example: 'AS64496' }),
    type: z.enum(['domain', 'ip', 'autnum']),
    server: z.string().openapi({ description: 'base URL of the RDAP server the bootstrap registry named' }),
    url: z.string().openapi({ description: 'the RDAP URL that answered (after redirects)' }),
    cached: z.boolean().openapi({ description: 'answered from the cache (RDAP_CACHE_SECONDS), not fetched now' }),
    fetchedAt: z.string().openapi({ description: 'when the answer was fetched from the server' }),
    summary: SummarySchema,
    offline: z
      .object({ asn: z.number().int().nullable(), org: z.string().nullable(), country: z.string().nullable() })
      .nullable()
      .openapi({ description: 'ip only: the AS and country from the offline database (GET /api/tools/asn); null for other queries or where it is unavailable' }),
    raw: z.record(z.string(), z.unknown()).openapi({ description: 'the RDAP JSON as the server sent it (at most 1 MiB)' }),
  })
  .openapi('RdapAnswer');

/** `opts.offlineAsn` defaults to the host's offline ASN data (worker/tools/asn.ts; null where the host carries none). */
export function rdapRoutes(deps: AppDeps, opts: RdapOptions = { offlineAsn: (ip) => lookupOfflineAsn(deps, ip) }) {
  return router().openapi(
    secured(deps, { role: 'viewer' }, {
      method: 'get',
      path: '/api/tools/rdap',
      tags: ['tools'],
      description:
        'RDAP (RFC 9082/9083) for a domain, an IP address (or CIDR) or an AS number, through the IANA bootstrap registry (RFC 9224, RDAP_BOOTSTRAP_URL); answers cached for RDAP_CACHE_SECONDS, bootstrap files a day.',
      request: {
        query: z.object({
          q: z.string().optional().openapi({ description: 'example.com, 198.51.100.7, 2001:db8::1, 198.51.100.0/24, AS64496 or 64496', example: 'AS64496' }),
        }),
      },
      responses: {
        200: json(RdapAnswerSchema, 'The record, summarised, with the raw JSON'),
        ...errors,
        400: json(ErrorSchema, 'invalid_query: not a domain name, an IP address or an AS number'),
        404: json(ErrorSchema, 'no_rdap_service: the bootstrap registry lists no RDAP service for that TLD, range or AS number (the message names it); rdap_not_found: the RDAP server has no such record'),
        502: json(
          ErrorSchema,
          'rdap_bad_response: the server (or the bootstrap registry) could not be reached, answered an error, malformed JSON, the wrong kind of object, more than 1 MiB, or more than 3 redirects; rdap_refused_target: the lookup (or a redirect) would go to this machine or a non-public address (unless RDAP_ALLOW_PRIVATE), from https down to http, or to a plain-http server named by an https bootstrap registry — the message never names the refused URL',
        ),
        503: json(ErrorSchema, 'rdap_rate_limited: the RDAP server answered 429; its Retry-After is relayed'),
        504: json(ErrorSchema, 'rdap_timeout: no answer within RDAP_TIMEOUT_MS'),
      },
    }),
    async (c) => {
      try {
        return c.json(await lookupRdap(deps, c.req.valid('query').q ?? '', opts), 200);
      } catch (e) {
        if (!(e instanceof RdapError)) throw e;
        if (e.retryAfterSeconds !== null) c.header('retry-after', String(e.retryAfterSeconds));
        const details = e.retryAfterSeconds === null ? undefined : { retryAfterSeconds: e.retryAfterSeconds };
        return c.json(errorBody(e.code, e.message, details), e.status);
      }
    },
  );
}
