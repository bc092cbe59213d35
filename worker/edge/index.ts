import type { ExecutionContext, ScheduledController } from '@cloudflare/workers-types';
import { PROBE_SOCKET_PATH } from '../../schema/protocol.js';
import { createApp, type App } from '../app.js';
import type { AppDeps } from '../deps.js';
import { dueDuties, runDuties } from '../duties.js';
import { errorBody } from '../errors.js';
import { authenticateProbe } from '../probe-link/session.js';
import { ensureAdmin } from '../services/auth.js';
import { edgeDeps } from './deps.js';
import { PROBE_HEADER } from './probe-object.js';
import { spaFallback } from './spa-fallback.js';
import type { Env } from './env.js';

export { LiveFeedObject } from './live-object.js';
export { OutboxObject } from './outbox-object.js';
export { ProbeHubObject } from './probe-object.js';

interface Host {
  env: Env;
  deps: AppDeps;
  app: App;
  /** The admin check: settled once per isolate, or null until it has succeeded (a failure is retried by the next request). */
  ready: Promise<unknown> | null;
}

// One app and one admin check per isolate, not per request.
let cached: Host | null = null;

function adminCheck(env: Env, deps: AppDeps): Promise<unknown> {
  // A Worker has no console to print a generated password to: without the secret, no admin is created.
  if (env.ADMIN_PASSWORD) return ensureAdmin(deps, env.ADMIN_PASSWORD);
  deps.log.warn('ADMIN_PASSWORD is not set: run `wrangler secret put ADMIN_PASSWORD` to create the admin user', {});
  return Promise.resolve();
}

async function host(env: Env): Promise<Host> {
  if (cached?.env !== env) {
    const deps = edgeDeps(env);
    cached = { env, deps, app: createApp(deps), ready: null };
  }
  const h = cached;
  // Concurrent requests share one attempt; a rejected one is forgotten, so e.g. a D1 migrated after the
  // isolate started is picked up by the next request instead of failing every request of this isolate.
  h.ready ??= adminCheck(env, h.deps).catch((e: unknown) => {
    h.ready = null;
    throw e;
  });
  await h.ready;
  return h;
}

async function connectProbe(request: Request, env: Env, deps: AppDeps): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('expected a WebSocket upgrade', { status: 426 });
  const probe = await authenticateProbe(deps, request.headers.get('authorization'));
  if (!probe) {
    deps.log.warn('probe connection refused: bad or revoked token', {});
    return new Response(null, { status: 401 });
  }
  const forwarded = new Request('https://probe/connect', request);
  forwarded.headers.set(PROBE_HEADER, JSON.stringify(probe));
  // the upgrade is a fetch, not RPC; the app is typed with the DOM's Request and Response, the stub with workerd's
  return env.PROBES.getByName(`probe-${probe.id}`).fetch(forwarded as never) as unknown as Response;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let h: Host;
    try {
      h = await host(env);
    } catch (e) {
      if (cached) cached.deps.log.error('startup check failed; the next request retries it', { error: String(e) });
      else console.error('startup failed', e);
      return Response.json(errorBody('not_ready', 'the server could not reach its database (is it migrated?); try again shortly'), { status: 503, headers: { 'retry-after': '5' } });
    }
    if (new URL(request.url).pathname === PROBE_SOCKET_PATH) return connectProbe(request, env, h.deps);
    // a navigation to a path without a file gets the app's page; a missing script or image stays a 404
    return spaFallback(request, await h.app.fetch(request, env, ctx as never), env.ASSETS);
  },
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    const h = await host(env);
    // The cron fires every minute; each duty runs on the ticks that cross its own period (Node: a timer per duty).
    await runDuties(h.deps, dueDuties(controller.scheduledTime, h.deps.config));
  },
};
