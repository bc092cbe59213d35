import { z } from '@hono/zod-openapi';
import { MAX_TRAFFIC_SCHEDULE_HOURS } from '../../schema/tables/traffic.js';
import type { AppDeps } from '../deps.js';
import { createTrafficSchedule, deleteTrafficSchedule, getTrafficSchedule, listTrafficSchedules, updateTrafficSchedule } from '../services/traffic-schedules.js';
import { TrafficScheduleSchema } from './traffic-tests-schemas.js';
import { TrafficTestFields } from './traffic-tests.js';
import { errors, ErrorSchema, IdParams, json, jsonBody, router, secured } from './common.js';

const everyHours = z.number().int().min(1).max(MAX_TRAFFIC_SCHEDULE_HOURS).openapi({ description: 'hours between runs (1–168)', example: 6 });

const CreateBody = z
  .object({
    ...TrafficTestFields,
    everyHours,
    firstRunAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'the first run, within a week (default: within a minute); later runs keep its time of day' }),
  })
  .strict();

const UpdateBody = z
  .object({ enabled: z.boolean().optional().openapi({ description: 'false pauses the schedule' }), everyHours: everyHours.optional() })
  .strict()
  .refine((b) => b.enabled !== undefined || b.everyHours !== undefined, { message: 'change enabled or everyHours' });

export function trafficScheduleRoutes(deps: AppDeps) {
  return router()
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/traffic-schedules',
        tags: ['traffic'],
        responses: { 200: json(z.object({ schedules: z.array(TrafficScheduleSchema) }), 'Every schedule, by pair'), ...errors },
      }),
      async (c) => c.json({ schedules: await listTrafficSchedules(deps) }, 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'traffic.schedule.create' }, {
        method: 'post',
        path: '/api/traffic-schedules',
        tags: ['traffic'],
        request: jsonBody(CreateBody),
        responses: {
          201: json(TrafficScheduleSchema, 'Made: the traffic-schedules duty starts each run as POST /api/traffic-tests would, and the test names the schedule'),
          ...errors,
          400: json(ErrorSchema, 'invalid_request, invalid_bandwidth, same_probe, invalid_target'),
          404: json(ErrorSchema, 'unknown_probe'),
          409: json(ErrorSchema, 'unsupported_by_probe, no_probe_address, schedule_exists, too_many_schedules'),
        },
      }),
      async (c) => {
        const { firstRunAt, ...body } = c.req.valid('json');
        return c.json(await createTrafficSchedule(deps, c.get('principal'), { ...body, ...(firstRunAt !== undefined ? { firstRunAt: Date.parse(firstRunAt) } : {}) }), 201);
      },
    )
    .openapi(
      secured(deps, { role: 'viewer' }, {
        method: 'get',
        path: '/api/traffic-schedules/{id}',
        tags: ['traffic'],
        request: { params: IdParams },
        responses: { 200: json(TrafficScheduleSchema, 'One schedule'), ...errors },
      }),
      async (c) => c.json(await getTrafficSchedule(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'traffic.schedule.update' }, {
        method: 'patch',
        path: '/api/traffic-schedules/{id}',
        tags: ['traffic'],
        request: { params: IdParams, ...jsonBody(UpdateBody) },
        responses: { 200: json(TrafficScheduleSchema, 'Paused, resumed or re-timed (it runs next at its time of day’s next turn)'), ...errors },
      }),
      async (c) => c.json(await updateTrafficSchedule(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      secured(deps, { role: 'editor', audit: 'traffic.schedule.delete' }, {
        method: 'delete',
        path: '/api/traffic-schedules/{id}',
        tags: ['traffic'],
        request: { params: IdParams },
        responses: { 204: { description: 'Removed; the tests it ran stay in the history' }, ...errors },
      }),
      async (c) => {
        await deleteTrafficSchedule(deps, c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
}
