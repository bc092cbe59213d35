import type { ExecutionContext, ScheduledController } from '@cloudflare/workers-types';
import { PROBE_SOCKET_PATH } from '../../schema/protocol.js';
import { createApp, type App } from '../app.js';
import type { AppDeps } from '../deps.js';
import { runDuties } from '../duties.js';
import { authenticateProbe } from '../probe-link/session.js';
import { ensureAdmin } from '../services/auth.js';
import { edgeDeps } from './deps.js';
import type { Env } from './env.js';

export { LiveFeedObject } from './live-object.js';
export { ProbeHubObject } from './probe-object.js';

// One app and one admin check per isolate, not per request.
let cached: { env: Env; deps: AppDeps; app: App; ready: Promise<unknown> } | null = null;

function host(env: Env) {
  if (cached?.env !== env) {
    const deps = edgeDeps(env);
    // A Worker has no console to print a generated password to: without the secret, no admin is created.
    const ready = env.ADMIN_PASSWORD
      ? ensureAdmin(deps, env.ADMIN_PASSWORD)
      : Promise.resolve(deps.log.warn('ADMIN_PASSWORD is not set: run `wrangler secret put ADMIN_PASSWORD` to create the admin user', {}));
    cached = { env, deps, app: createApp(deps), ready };
  }
  return cached;
}

async function connectProbe(request: Request, env: Env, deps: AppDeps): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('expected a WebSocket upgrade', { status: 426 });
  const probe = await authenticateProbe(deps, request.headers.get('authorization'));
  if (!probe) {
    deps.log.warn('probe connection refused: bad or revoked token', {});
    return new Response(null, { status: 401 });
  }
  const forwarded = new Request('https://probe/connect', request);
  forwarded.headers.set('x-edge-ipam-probe', JSON.stringify(probe));
  const stub = env.PROBES.get(env.PROBES.idFromName(`probe-${probe.id}`));
  return stub.fetch(forwarded as never) as unknown as Response;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const h = host(env);
    await h.ready;
    if (new URL(request.url).pathname === PROBE_SOCKET_PATH) return connectProbe(request, env, h.deps);
    return h.app.fetch(request, env, ctx as never);
  },
  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    const h = host(env);
    await h.ready;
    await runDuties(h.deps);
  },
};
