import { z } from '@hono/zod-openapi';
import { METRICS_PATH } from '../auth-middleware.js';
import type { AppDeps } from '../deps.js';
import { EXPOSITION_CONTENT_TYPE } from '../metrics/exposition.js';
import { metricsText } from '../services/metrics.js';
import { errors, router, secured } from './common.js';

export function metricsRoutes(deps: AppDeps) {
  return router().openapi(
    secured(deps, { role: 'viewer' }, {
      method: 'get',
      path: METRICS_PATH,
      tags: ['metrics'],
      description:
        'Prometheus text exposition format 0.0.4, computed from the database on each scrape. Send `Authorization: Bearer` with a token of the `metrics` scope (which may call nothing else) or any viewer\'s; the metrics, their labels and bounds are in the README.',
      responses: {
        200: { content: { [EXPOSITION_CONTENT_TYPE]: { schema: z.string() } }, description: 'Every metric family with samples' },
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.text(await metricsText(deps), 200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' }),
  );
}
