import { nodeProxmoxFetch } from './proxmox-fetch.js';
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { Logger } from '../../schema/log.js';
import { probes } from '../../schema/tables/index.js';
import type { ProbeAgent } from '../../probe/agent.js';
import { createApp } from '../app.js';
import { appConfig } from '../config.js';
import type { AppDeps } from '../deps.js';
import { nodeTools } from './tools.js';
import { duties, periodOf } from '../duties.js';
import { LiveFanout } from '../live/fanout.js';
import { probeWatchRestarted } from '../alerts/probe-alerts.js';
import { probeDisconnected } from '../probe-link/session.js';
import { nodeClientAddress } from '../http/client-address.js';
import { ensureAdmin } from '../services/auth.js';
import { databaseUrl, openDatabase } from './database.js';
import { acquireDataLock } from './data-lock.js';
import type { NodeEnv } from './env.js';
import { NodeProbeHub } from './hub.js';
import { NodeOutboxTimer } from './outbox-timer.js';
import { refusedNonPublicAddress } from '../webhooks/url-policy.js';
import { guardedWebhookFetch } from './webhook-fetch.js';
import { localProbeCredentials, startLocalProbe } from './local-probe.js';
import { WebAssets } from './web-assets.js';

const WEB_DIR = fileURLToPath(new URL('../../web', import.meta.url));

export interface RunningServer {
  url: string;
  deps: AppDeps;
  generatedAdminPassword?: string;
  localProbe: ProbeAgent | null;
  close(): Promise<void>;
}

/** Starts the whole Node host: database, app, probe socket, duties and (unless disabled) the local probe. */
export async function startServer(env: NodeEnv, log: Logger, processEnv: Record<string, string | undefined> = process.env): Promise<RunningServer> {
  const dataLock = acquireDataLock(env.DATA_DIR); // restore refuses while this is held
  const { db, client } = await openDatabase(databaseUrl(env), env.DATABASE_AUTH_TOKEN);
  const hub = new NodeProbeHub();
  const live = new LiveFanout({ now: Date.now });
  const config = appConfig(processEnv);
  const outbox = new NodeOutboxTimer();
  const webhookFetch = config.webhookAllowPrivate ? undefined : guardedWebhookFetch();
  const rdapFetch = config.rdapAllowPrivate ? undefined : guardedWebhookFetch(refusedNonPublicAddress);
  const deps: AppDeps = { db, hub, live, outbox, webhookFetch, rdapFetch, proxmoxFetch: nodeProxmoxFetch, tools: nodeTools, clock: { now: Date.now }, config, log, clientAddress: nodeClientAddress(config.trustProxy) };
  hub.bind(deps);

  // Nobody is connected before we listen: whatever the database says, those probes' hosts are unknown. The probes
  // get three heartbeats from now to reconnect before anyone is told they are offline.
  await db.run(probeWatchRestarted(Date.now()));
  for (const p of await db.select({ id: probes.id }).from(probes).where(eq(probes.connected, true))) await probeDisconnected(deps, p.id);

  const admin = await ensureAdmin(deps, env.ADMIN_PASSWORD);
  const local = env.LOCAL_PROBE ? await localProbeCredentials(deps) : null;
  if (local) deps.config.defaultProbeId = local.id;

  const root = new Hono();
  // how long the app took for each answer, for the browser's devtools and `npm run bench -- ui` (Server-Timing)
  root.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    c.res.headers.set('server-timing', `app;dur=${(performance.now() - started).toFixed(1)}`);
  });
  // gzip JSON and CSV (the UI's files come gzipped already); the default filter never matches text/event-stream (the live feed)
  root.use('*', compress({ encoding: 'gzip' }));
  root.route('/', createApp(deps));
  const web = new WebAssets(WEB_DIR);
  root.get('/*', (c) => web.serve(c));

  const server = serve({ fetch: root.fetch, hostname: env.HOST, port: env.PORT }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  hub.attach(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}`;

  const timers = duties.map((duty) =>
    setInterval(() => void duty.run(deps).catch((e) => log.error('duty failed', { duty: duty.name, error: String(e) })), periodOf(duty, config) * 1000),
  );
  await outbox.start(deps); // what a crash left in the outbox goes out now
  const probeUrl = env.LOCAL_PROBE_SERVER ?? `http://${env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST}:${port}`;
  const localProbe = local ? startLocalProbe(deps, probeUrl, local.token, env.DATA_DIR) : null;

  return {
    url,
    deps,
    generatedAdminPassword: admin.generatedPassword,
    localProbe,
    async close() {
      timers.forEach(clearInterval);
      await localProbe?.stop();
      await outbox.close();
      live.close(); // open event streams would keep server.close() waiting
      await hub.close();
      await new Promise((resolve) => server.close(resolve));
      await client.close();
      dataLock.release();
    },
  };
}
