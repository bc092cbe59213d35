import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { PROBE_SOCKET_PATH } from '../schema/protocol.js';
import { METRICS_PATH, requireAuth, requireSameOrigin, type AppEnv } from './auth-middleware.js';
import type { AppDeps } from './deps.js';
import { AppError, errorBody, RetryLaterError } from './errors.js';
import { limitBodies } from './http/body-limits.js';
import { securityHeaders } from './http/security-headers.js';
import { allocateRoutes } from './routes/allocate.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes, loginRoutes } from './routes/auth.js';
import { csvRoutes } from './routes/csv.js';
import { identityRoutes } from './routes/devices.js';
import { importRoutes } from './routes/imports.js';
import { hostRoutes } from './routes/hosts.js';
import { liveRoutes } from './routes/live.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { metricsRoutes } from './routes/metrics.js';
import { netflowRoutes } from './routes/netflow.js';
import { operationRoutes } from './routes/operations.js';
import { trafficScheduleRoutes } from './routes/traffic-schedules.js';
import { trafficTestRoutes } from './routes/traffic-tests.js';
import { proxmoxRoutes } from './routes/proxmox.js';
import { vmRoutes } from './routes/vms.js';
import { webhookRoutes } from './routes/webhooks.js';
import { portRoutes } from './routes/ports.js';
import { probeRoutes } from './routes/probes.js';
import { subnetRoutes } from './routes/subnets.js';
import { summaryRoutes } from './routes/summary.js';
import { rdapRoutes } from './routes/tools-rdap.js';
import { tokenRoutes } from './routes/tokens.js';
import { asnRoutes } from './routes/tools-asn.js';
import { ouiRoutes } from './routes/tools-oui.js';
import { ipcalcRoutes } from './routes/tools-ipcalc.js';
import { traceRoutes } from './routes/traces.js';
import { userRoutes } from './routes/users.js';

const LOGIN_PATH = '/api/auth/login';
const PUBLIC_API_PATHS = new Set([LOGIN_PATH, PROBE_SOCKET_PATH]);

// no inline script: the page's CSP allows scripts from this origin only
const DOCS_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>edge-ipam API</title>
<link rel="stylesheet" href="/vendor/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/vendor/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });`;

/** The control plane: the same app on every host; the host passes in its database, probe hub, clock and config. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.onError((err, c) => {
    if (err instanceof RetryLaterError) c.header('retry-after', String(Math.max(1, err.retryAfterSeconds)));
    if (err instanceof AppError) return c.json(errorBody(err.code, err.message, err.details), err.status);
    // Hono's own 400s (a body that is not JSON) keep the code the app's validation uses
    if (err instanceof HTTPException) return c.json(errorBody(err.status === 400 ? 'invalid_request' : 'http_error', err.message), err.status);
    deps.log.error('unhandled error', { path: c.req.path, error: String(err), stack: (err as Error).stack });
    return c.json(errorBody('internal', 'internal error'), 500);
  });

  app.use('*', securityHeaders(deps.config.publicUrl));
  app.use('/api/*', limitBodies);
  app.use('/api/*', requireSameOrigin(deps, LOGIN_PATH));

  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/docs', (c) => c.html(DOCS_HTML));
  app.get('/docs/init.js', (c) => c.body(DOCS_INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: { title: 'edge-ipam', version: '0.1.0', description: 'IP address management with live host monitoring' },
    security: [{ session: [] }, { bearer: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'eipam_session' });

  app.route('/', loginRoutes(deps));
  const auth = requireAuth(deps);
  app.use('/api/*', async (c, next) => (PUBLIC_API_PATHS.has(c.req.path) ? next() : auth(c, next)));
  app.use(METRICS_PATH, auth);
  app.route('/', metricsRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', userRoutes(deps));
  app.route('/', tokenRoutes(deps));
  app.route('/', auditRoutes(deps));
  app.route('/', probeRoutes(deps));
  app.route('/', subnetRoutes(deps));
  app.route('/', allocateRoutes(deps));
  app.route('/', hostRoutes(deps));
  app.route('/', identityRoutes(deps));
  app.route('/', importRoutes(deps));
  app.route('/', portRoutes(deps));
  app.route('/', traceRoutes(deps));
  app.route('/', operationRoutes(deps));
  app.route('/', trafficTestRoutes(deps));
  app.route('/', trafficScheduleRoutes(deps));
  app.route('/', proxmoxRoutes(deps));
  app.route('/', vmRoutes(deps));
  app.route('/', csvRoutes(deps));
  app.route('/', liveRoutes(deps));
  app.route('/', summaryRoutes(deps));
  app.route('/', maintenanceRoutes(deps));
  app.route('/', webhookRoutes(deps));
  app.route('/', netflowRoutes(deps));
  app.route('/', ouiRoutes(deps));
  app.route('/', asnRoutes(deps));
  app.route('/', rdapRoutes(deps));
  app.route('/', ipcalcRoutes(deps));
  app.all('/api/*', (c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  return app;
}

export type App = ReturnType<typeof createApp>;
