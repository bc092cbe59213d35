import { z } from '@hono/zod-openapi';
import { alertEvent, alertEventType } from '../../schema/alert-event.js';
import type { AppDeps } from '../deps.js';
import { follow } from '../effects.js';
import { listAlertEvents } from '../services/alert-events.js';
import { createEndpoint, deleteEndpoint, deliveryLog, getEndpoint, listEndpoints, rotateSecret, sendTest, updateEndpoint } from '../services/webhooks.js';
import { WEBHOOK_FORMAT_NAMES } from '../webhooks/formats/index.js';
import { errors, ErrorSchema, IdParams, json, jsonBody, router, secured } from './common.js';
import { TagSchema } from './schemas.js';

// `<ms>:<event id>`: events of one batch share their time, so a page ends at an event, not at a time
const AlertCursorText = z
  .string()
  .max(200)
  .regex(/^\d{1,15}:\S+$/, 'a cursor: the `next` of the previous page')
  .transform((v) => ({ at: Number(v.slice(0, v.indexOf(':'))), id: v.slice(v.indexOf(':') + 1) }));
// an empty list would select nothing: "all" is null
const SubnetIds = z.array(z.number().int().positive()).min(1).max(1000).nullable();
const Tags = z.array(TagSchema).min(1).max(100).nullable();
/** Each field once; creating fills defaults, patching changes only what it names. */
const endpointFields = {
  name: z.string().trim().min(1).max(100),
  url: z.string().max(2048).openapi({ example: 'https://hooks.example.net/ipam', description: 'http or https; no redirects are followed' }),
  format: z.enum(WEBHOOK_FORMAT_NAMES).openapi({ description: 'generic (the signed JSON event), slack, discord, teams (Workflows), ntfy' }),
  eventTypes: z.array(alertEventType).min(1).max(20),
  subnetIds: SubnetIds.openapi({ description: 'only events of these subnets (at least one); null: all' }),
  tags: Tags.openapi({ description: 'only events of hosts with one of these tags (at least one); null: all' }),
  enabled: z.boolean(),
};
const EndpointInput = z
  .object({
    ...endpointFields,
    format: endpointFields.format.default('generic'),
    subnetIds: endpointFields.subnetIds.default(null),
    tags: endpointFields.tags.default(null),
    enabled: endpointFields.enabled.default(true),
  })
  .strict();
const EndpointPatch = z.object(endpointFields).partial().strict();

const EndpointSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    url: z.string(),
    format: z.enum(WEBHOOK_FORMAT_NAMES),
    eventTypes: z.array(alertEventType),
    subnetIds: z.array(z.number().int()).nullable(),
    tags: z.array(z.string()).nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().openapi({ description: 'why the server disabled it: "the endpoint answered 410 Gone", "failing for 5 days"' }),
    failingSince: z.string().nullable().openapi({ description: 'the first failed attempt since the last success' }),
    rotating: z.boolean().openapi({ description: 'the previous secret still signs beside the new one' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('WebhookEndpoint');
const WithSecret = EndpointSchema.extend({
  secret: z.string().openapi({ description: 'whsec_…: shown this once; verify the webhook-signature header with it (docs/WEBHOOKS.md)' }),
}).openapi('WebhookEndpointWithSecret');

const Attempt = z
  .object({
    id: z.number().int(),
    at: z.string(),
    statusCode: z.number().int().nullable().openapi({ description: 'null: no answer (refused, timed out)' }),
    durationMs: z.number().int(),
    error: z.string().nullable(),
    eventId: z.string(),
    type: z.string(),
    attempt: z.number().int().openapi({ description: '1 for the first try of the delivery' }),
    state: z.string().openapi({ description: "the delivery's state now: pending, delivered, failed, cancelled" }),
  })
  .openapi('WebhookAttempt');

const admin = (audit?: string) => ({ role: 'admin' as const, ...(audit ? { audit } : {}) });

export function webhookRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, admin(), { method: 'get', path: '/api/webhooks', tags: ['alerts'], responses: { 200: json(z.object({ endpoints: z.array(EndpointSchema) }), 'Every endpoint'), 401: errors[401], 403: errors[403] } }),
      async (c) => c.json({ endpoints: await listEndpoints(deps) }, 200),
    )
    .openapi(
      secured(deps, admin('webhook.create'), {
        method: 'post',
        path: '/api/webhooks',
        tags: ['alerts'],
        description: 'The URL must be http(s); loopback and link-local (cloud metadata) addresses are refused unless WEBHOOK_ALLOW_PRIVATE=1 (url_not_allowed).',
        request: jsonBody(EndpointInput),
        responses: { 201: json(WithSecret, 'Created; the secret is shown this once'), ...errors },
      }),
      async (c) => c.json(await createEndpoint(deps, c.req.valid('json')), 201),
    )
    .openapi(
      secured(deps, admin(), { method: 'get', path: '/api/webhooks/{id}', tags: ['alerts'], request: { params: IdParams }, responses: { 200: json(EndpointSchema, 'The endpoint'), ...errors } }),
      async (c) => c.json(await getEndpoint(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      secured(deps, admin('webhook.update'), {
        method: 'patch',
        path: '/api/webhooks/{id}',
        tags: ['alerts'],
        description: 'Enabling clears why the server disabled it; disabling cancels its pending deliveries.',
        request: { params: IdParams, ...jsonBody(EndpointPatch) },
        responses: { 200: json(EndpointSchema, 'Updated'), ...errors },
      }),
      async (c) => c.json(await updateEndpoint(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      secured(deps, admin('webhook.delete'), { method: 'delete', path: '/api/webhooks/{id}', tags: ['alerts'], request: { params: IdParams }, responses: { 204: { description: 'Deleted, with its deliveries and log' }, ...errors } }),
      async (c) => {
        await deleteEndpoint(deps, c.req.valid('param').id);
        return c.body(null, 204);
      },
    )
    .openapi(
      secured(deps, admin('webhook.rotate'), {
        method: 'post',
        path: '/api/webhooks/{id}/rotate',
        tags: ['alerts'],
        description: 'A new secret, shown this once. For 24 hours every delivery carries two signatures (new and previous), so the receiver can switch.',
        request: { params: IdParams },
        responses: { 200: json(WithSecret.extend({ previousSecretValidUntil: z.string() }), 'Rotated'), ...errors },
      }),
      async (c) => c.json(await rotateSecret(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      secured(deps, admin('webhook.test'), {
        method: 'post',
        path: '/api/webhooks/{id}/test',
        tags: ['alerts'],
        description: 'Sends a `test` event now, signed like any other, and answers how the endpoint replied (a failure is retried like any delivery).',
        request: { params: IdParams },
        responses: {
          200: json(z.object({ eventId: z.string(), delivered: z.boolean(), statusCode: z.number().int().nullable(), durationMs: z.number().int().nullable(), error: z.string().nullable() }), 'Sent (or tried)'),
          ...errors,
          409: json(ErrorSchema, 'endpoint_disabled'),
        },
      }),
      async (c) => {
        const { result, effects } = await sendTest(deps, c.req.valid('param').id);
        await follow(deps, effects);
        return c.json(result, 200);
      },
    )
    .openapi(
      secured(deps, admin(), {
        method: 'get',
        path: '/api/webhooks/{id}/deliveries',
        tags: ['alerts'],
        request: { params: IdParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
        responses: { 200: json(z.object({ attempts: z.array(Attempt), pending: z.number().int(), nextAttemptAt: z.string().nullable() }), 'The delivery log (kept 30 days), newest first'), ...errors },
      }),
      async (c) => c.json(await deliveryLog(deps, c.req.valid('param').id, c.req.valid('query').limit), 200),
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/alerts',
        tags: ['alerts'],
        request: {
          query: z.object({
            limit: z.coerce.number().int().min(1).max(500).default(100),
            hostId: z.coerce.number().int().positive().optional(),
            before: AlertCursorText.optional().openapi({ description: "page back: the events older than this cursor (the previous answer's `next`)", example: '1764158400000:evt_0123456789abcdef0123456789abcdef' }),
          }),
        },
        responses: {
          200: json(
            z.object({
              alerts: z.array(
                z.object({
                  event: alertEvent,
                  muted: z.boolean().openapi({ description: 'held back by a maintenance window: recorded, not sent' }),
                  mutedBy: z.number().int().nullable(),
                  deliveries: z.object({ total: z.number().int(), delivered: z.number().int(), pending: z.number().int() }),
                }),
              ),
              next: z.string().nullable().openapi({ description: 'the `before` of the next (older) page; null: this is the last' }),
            }),
            'Alert events, newest first (kept 30 days)',
          ),
          ...errors,
        },
      }),
      async (c) => c.json(await listAlertEvents(deps, c.req.valid('query')), 200),
    );
}
