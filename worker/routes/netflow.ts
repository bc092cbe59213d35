import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { flowConversations, flowExporterList, flowMatrix, flowPeers, flowPorts, flowTalkers } from '../services/netflow.js';
import { errors, ErrorSchema, json, router, secured } from './common.js';
import { ConversationsSchema, ExportersSchema, ExporterQuery, MatrixSchema, PeersSchema, PortsSchema, RangeQuery, subnetFilter, TalkersSchema } from './netflow-schemas.js';

const rangeErrors = {
  400: json(ErrorSchema, 'bad_range: to not after from, or more than 400 days apart; invalid_request: a time that is not ISO 8601 or ms, or a bad limit, probeId or subnetId'),
  401: errors[401],
  403: errors[403],
} as const;

const SUMS = 'Summed over the buckets of the window and over probes (or one probe), top `limit` by bytes.';

export function netflowRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/netflow/talkers',
        tags: ['flows'],
        description: `Top talkers: each address's traffic in and out. ${SUMS}`,
        request: { query: RangeQuery.extend({ subnetId: subnetFilter('only addresses the probe matched to this subnet (totals: the traffic into, out of and inside it)') }) },
        responses: { 200: json(TalkersSchema, 'Top talkers by bytes (in + out)'), ...rangeErrors },
      }),
      async (c) => c.json(await flowTalkers(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/netflow/conversations',
        tags: ['flows'],
        description: `Top conversations, one direction each (src → dst). ${SUMS}`,
        request: { query: RangeQuery.extend({ subnetId: subnetFilter('only conversations with either end in this subnet') }) },
        responses: { 200: json(ConversationsSchema, 'Top conversations by bytes'), ...rangeErrors },
      }),
      async (c) => c.json(await flowConversations(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/netflow/ports',
        tags: ['flows'],
        description: `Top services: IP protocol and the lower of the two ports. ${SUMS} No subnet filter: the probes sum ports over all their flows (a subnetId is ignored).`,
        request: { query: RangeQuery },
        responses: { 200: json(PortsSchema, 'Top protocols and ports by bytes'), ...rangeErrors },
      }),
      async (c) => c.json(await flowPorts(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/netflow/matrix',
        tags: ['flows'],
        description: `The subnet-to-subnet map: traffic between the managed subnets, everything outside them as External (node 0). ${SUMS}`,
        request: { query: RangeQuery.extend({ subnetId: subnetFilter('only links from or to this subnet') }) },
        responses: { 200: json(MatrixSchema, 'Nodes (External and the subnets the links name) and the top links by bytes'), ...rangeErrors },
      }),
      async (c) => c.json(await flowMatrix(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/netflow/peers',
        tags: ['flows'],
        description: `The top peers of one address (the host drawer), from the conversations it is either end of. ${SUMS}`,
        request: {
          query: RangeQuery.extend({
            ip: z.string().max(64).openapi({ description: 'the address (IPv4 or IPv6)', example: '198.18.0.20' }),
            subnetId: subnetFilter('only peers the probe matched to this subnet'),
          }),
        },
        responses: { 200: json(PeersSchema, 'Top peers by bytes (in + out)'), ...rangeErrors, 400: json(ErrorSchema, `invalid_ip: ip is not an address; ${rangeErrors[400].description}`) },
      }),
      async (c) => c.json(await flowPeers(deps, c.req.valid('query')), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/netflow/exporters',
        tags: ['flows'],
        description: "The routers and firewalls exporting flows to the probes, with each one's counters as its probe last reported them (since the probe's collector started), the latest heard first.",
        request: { query: ExporterQuery },
        responses: { 200: json(ExportersSchema, 'Exporters, latest heard first, at most `limit`'), 400: json(ErrorSchema, 'invalid_request: a bad limit or probeId'), 401: errors[401], 403: errors[403] },
      }),
      async (c) => c.json(await flowExporterList(deps, c.req.valid('query')), 200),
    );
}
