import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { hostDeviceHistory } from '../services/devices.js';
import { subnetChanges } from '../services/subnet-changes.js';
import { errors, ErrorSchema, IdParams, json, router, secured } from './common.js';
import { HostStatusSchema } from './schemas.js';

const DeviceSchema = z
  .object({
    mac: z.string().openapi({ example: '00:0c:29:ab:cd:ef' }),
    vendor: z.string().nullable().openapi({ description: 'from the IEEE registry; null: no assignment matches, or locally administered' }),
    macRandom: z.boolean().openapi({ description: 'locally administered (randomised) MAC' }),
    hostname: z.string().nullable().openapi({ description: 'the hostname seen with this MAC' }),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    current: z.boolean().openapi({ description: 'the MAC answering at this address now' }),
  })
  .openapi('HostDevice');

const HostLine = { hostId: z.number().int(), ip: z.string(), hostname: z.string().nullable(), mac: z.string().nullable(), vendor: z.string().nullable() };

const ChangesSchema = z
  .object({
    since: z.string().openapi({ description: 'the window start: `since` as given, else the start of the latest sweep (now when the subnet was never swept)' }),
    until: z.string().openapi({ description: 'server time of the answer' }),
    lastSweepAt: z.string().nullable().openapi({ description: "start of the subnet's latest sweep; null: never swept" }),
    newHosts: z.array(z.object({ ...HostLine, firstSeenAt: z.string() })).openapi({ description: 'addresses that answered for the first time at or after `since`, newest first' }),
    newMacs: z
      .array(z.object({ ...HostLine, mac: z.string(), previousMac: z.string().nullable().openapi({ description: 'the device the address had before; null: its first MAC' }), firstSeenAt: z.string() }))
      .openapi({ description: 'MACs an address had never had before, first seen at or after `since`, newest first (a device returning to an address it had is not new)' }),
    missing: z
      .array(z.object({ ...HostLine, lastSeenAt: z.string(), status: HostStatusSchema }))
      .openapi({
        description:
          "addresses gone silent in the window: still answering when it began (without `since`: they answered in the sweep before the last one; with it: within one and a half sweep intervals before it; or later) and silent at their latest check; the status stays up until DOWN_AFTER_FAILURES silent sweeps. Last seen newest first",
      }),
    unregistered: z
      .array(
        z.object({
          ip: z.string(),
          firstSeenAt: z.string().openapi({ description: 'the first minute flows showed it, over the days the window touches' }),
          lastSeenAt: z.string(),
          probeId: z.number().int().nullable().openapi({ description: 'the probe whose flows showed it first; null: that probe was deleted' }),
        }),
      )
      .openapi({ description: 'addresses of the subnet heard in flows in the window without a host record (unregistered talkers), last heard newest first' }),
    truncated: z.boolean().openapi({ description: 'a list was cut at 500 entries' }),
  })
  .openapi('SubnetChanges');

export function identityRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/hosts/{id}/devices',
        tags: ['hosts'],
        request: { params: IdParams, query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }) },
        responses: {
          200: json(z.object({ devices: z.array(DeviceSchema) }), 'The devices (MAC, vendor, hostname) this address has had, newest last seen first, at most `limit`'),
          ...errors,
        },
      }),
      async (c) => c.json({ devices: await hostDeviceHistory(deps, c.req.valid('param').id, c.req.valid('query').limit) }, 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/subnets/{id}/changes',
        tags: ['subnets'],
        request: {
          params: IdParams,
          query: z.object({
            since: z
              .string()
              .max(64)
              .optional()
              .openapi({ description: 'window start: ISO 8601 (a date, or a date-time with Z or an offset) or ms since the epoch; default: the start of the latest sweep (what it brought)', example: '2026-11-25T12:00:00Z' }),
          }),
        },
        responses: {
          200: json(ChangesSchema, 'What is new and what is missing in the subnet since `since`; each list at most 500'),
          ...errors,
          400: json(ErrorSchema, 'invalid_since: not an ISO 8601 time or ms, or in the future'),
        },
      }),
      async (c) => c.json(await subnetChanges(deps, c.req.valid('param').id, c.req.valid('query').since), 200),
    );
}
