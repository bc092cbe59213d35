import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.js';
import { createWindow, deleteWindow, listWindows, windowsForHost, WindowInputSchema } from '../services/maintenance.js';
import { errors, ErrorSchema, IdParams, json, jsonBody, router, secured } from './common.js';

const Span = z.object({ start: z.string(), end: z.string() }).openapi('MaintenanceSpan');

const WindowSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    scope: z.enum(['subnet', 'host', 'tag']),
    subnetId: z.number().int().nullable(),
    hostId: z.number().int().nullable(),
    tag: z.string().nullable(),
    kind: z.enum(['once', 'weekly']),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    weekdays: z.array(z.number().int()).nullable().openapi({ description: '0 = Sunday … 6 = Saturday' }),
    startTime: z.string().nullable(),
    durationMinutes: z.number().int().nullable(),
    timeZone: z.string().nullable(),
    createdAt: z.string(),
    activeNow: z.boolean(),
    next: Span.nullable().openapi({ description: 'the occurrence in progress, else the next one; null when there is none' }),
  })
  .openapi('MaintenanceWindow');

const Range = z.object({
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'ISO 8601; default: 7 days before `to`' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'ISO 8601; default: now' }),
});
const ms = (text: string | undefined) => (text === undefined ? undefined : Date.parse(text));

export function maintenanceRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/maintenance',
        tags: ['alerts'],
        responses: { 200: json(z.object({ windows: z.array(WindowSchema) }), 'Every maintenance window, oldest first'), 401: errors[401] },
      }),
      async (c) => c.json({ windows: await listWindows(deps) }, 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'maintenance.create' }, {
        method: 'post',
        path: '/api/maintenance',
        tags: ['alerts'],
        description: 'A one-off window (startsAt, endsAt) or a weekly one (weekdays, startTime, durationMinutes, timeZone) for a subnet, a host or a tag. Events it covers are recorded muted, not sent.',
        request: jsonBody(WindowInputSchema),
        responses: {
          201: json(WindowSchema, 'Created'),
          400: json(ErrorSchema, 'Invalid input (invalid_request, invalid_time_zone); nothing was written'),
          401: errors[401],
          403: errors[403],
          404: json(ErrorSchema, 'The subnet or host does not exist (not_found)'),
          409: json(ErrorSchema, 'Too many windows (too_many_windows)'),
        },
      }),
      async (c) => c.json(await createWindow(deps, c.req.valid('json')), 201),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'maintenance.delete' }, {
        method: 'delete',
        path: '/api/maintenance/{id}',
        tags: ['alerts'],
        request: { params: IdParams },
        responses: { 204: { description: 'Deleted' }, ...errors },
      }),
      async (c) => {
        await deleteWindow(deps, c.req.valid('param').id);
        return c.body(null, 204);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/hosts/{id}/maintenance',
        tags: ['hosts'],
        request: { params: IdParams, query: Range },
        responses: {
          200: json(
            z.object({ hostId: z.number().int(), from: z.string(), to: z.string(), windows: z.array(WindowSchema.extend({ occurrences: z.array(Span) })) }),
            "The windows covering the host (its own, its subnet's, its tags'), each with its occurrences overlapping [from, to)",
          ),
          ...errors,
        },
      }),
      async (c) => {
        const { from, to } = c.req.valid('query');
        return c.json(await windowsForHost(deps, c.req.valid('param').id, ms(from), ms(to)), 200);
      },
    );
}
