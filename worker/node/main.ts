import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Server } from 'node:http';
import { Hono } from 'hono';
import { jsonLogger } from '../../schema/log.js';
import { createApp } from '../app.js';
import { appConfig } from '../config.js';
import type { AppDeps } from '../deps.js';
import { duties } from '../duties.js';
import { probes } from '../../schema/tables/index.js';
import { eq } from 'drizzle-orm';
import { probeDisconnected } from '../probe-link/session.js';
import { ensureAdmin } from '../services/auth.js';
import { openDatabase } from './database.js';
import { nodeEnv } from './env.js';
import { NodeProbeHub } from './hub.js';
import { localProbeCredentials, startLocalProbe } from './local-probe.js';

const log = jsonLogger({ component: 'server' });

async function main() {
  const env = nodeEnv(process.env, process.argv.slice(2));
  const { db, client } = await openDatabase(env.DATABASE_URL ?? `file:${env.DATA_DIR}/edge-ipam.db`, env.DATABASE_AUTH_TOKEN);
  const hub = new NodeProbeHub();
  const deps: AppDeps = { db, hub, clock: { now: Date.now }, config: appConfig(process.env), log };
  hub.bind(deps);

  // Nobody is connected before we listen: whatever the database says, those probes' hosts are unknown.
  for (const p of await db.select({ id: probes.id }).from(probes).where(eq(probes.connected, true))) await probeDisconnected(deps, p.id);

  const admin = await ensureAdmin(deps, env.ADMIN_PASSWORD);
  const local = env.LOCAL_PROBE ? await localProbeCredentials(deps) : null;
  if (local) deps.config.defaultProbeId = local.id;

  const root = new Hono();
  root.route('/', createApp(deps));
  root.use('/*', serveStatic({ root: './web' }));
  root.get('/*', serveStatic({ path: './web/index.html' }));

  const server = serve({ fetch: root.fetch, hostname: env.HOST, port: env.PORT }) as Server;
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  hub.attach(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}`;
  log.info('edge-ipam listening', { url, docs: `${url}/docs` });
  if (admin.generatedPassword) {
    console.log(`\n  First start: log in at ${url} as "admin" with password: ${admin.generatedPassword}\n  (shown once; set ADMIN_PASSWORD to choose it yourself)\n`);
  }

  const timers = duties.map((duty) =>
    setInterval(() => void duty.run(deps).catch((e) => log.error('duty failed', { duty: duty.name, error: String(e) })), duty.everySeconds * 1000),
  );
  const agent = local ? startLocalProbe(deps, env.LOCAL_PROBE_SERVER ?? `http://127.0.0.1:${port}`, local.token, env.DATA_DIR) : null;

  const shutdown = async (signal: string) => {
    log.info('shutting down', { signal });
    timers.forEach(clearInterval);
    await agent?.stop();
    await hub.close();
    server.close();
    client.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  log.error('failed to start', { error: (e as Error).message });
  process.exit(1);
});
