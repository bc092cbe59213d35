import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../worker/app.js';
import { LiveFanout } from '../../worker/live/fanout.js';
import { appConfig, type AppConfig } from '../../worker/config.js';
import type { AppDeps } from '../../worker/deps.js';
import { silentLogger } from '../../schema/log.js';
import { openDatabase } from '../../worker/node/database.js';
import type { DbClient } from '../../worker/node/db-proxy.js';
import { NodeProbeHub } from '../../worker/node/hub.js';
import { ensureAdmin } from '../../worker/services/auth.js';
import { caller } from './http.js';

export const ADMIN_PASSWORD = 'correct horse battery';

/** A settable clock, so session expiry and history windows are tested without sleeping. */
export class TestClock {
  constructor(public t = Date.UTC(2026, 10, 26, 12)) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

/** The outbox waker of the test app: counts wakes; suites run `runDeliveries` themselves, on the test clock. */
export class CountingWaker {
  wakes = 0;
  async wake() {
    this.wakes++;
  }
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  clock: TestClock;
  client: DbClient;
  cookie: string;
  /** JSON request as the logged-in admin (or with the given headers). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): void;
}

export interface TestAppOptions {
  clockAt?: number;
  /** A clock to share (a restart keeps the one the first app had); `clockAt` is then ignored. */
  clock?: TestClock;
  /** A database file the caller owns: opened (or created) there and left on close, so an app can reopen it (a restart). */
  file?: string;
}

/** The real app on a real libSQL file (in a temp folder, or `opts.file`); the probe hub is the real Node hub with no probe connected. */
export async function makeTestApp(config: Partial<AppConfig> = {}, opts: TestAppOptions = {}): Promise<TestApp> {
  const dir = opts.file ? null : mkdtempSync(join(tmpdir(), 'eipam-api-'));
  const { db, client } = await openDatabase(`file:${opts.file ?? join(dir!, 'test.db')}`);
  const clock = opts.clock ?? new TestClock(opts.clockAt);
  const hub = new NodeProbeHub();
  const live = new LiveFanout({ now: clock.now });
  // app.request() has no socket: the suites name the client with a header of their own
  const clientAddress = (req: Request) => req.headers.get('x-test-client') ?? '192.0.2.1';
  const outbox = new CountingWaker();
  const deps: AppDeps = { db, hub, live, outbox, clock, config: appConfig({}, config), log: silentLogger, clientAddress };
  hub.bind(deps);
  await ensureAdmin(deps, ADMIN_PASSWORD);
  const app = createApp(deps);
  const raw = caller((path, init) => app.request(path, init), {}, 'http://localhost');
  const login = await raw('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return {
    app,
    deps,
    clock,
    client,
    cookie,
    call: (method, path, body, headers) => raw(method, path, body, headers ?? { cookie }),
    close: () => {
      live.close();
      client.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Row counts of every table, to prove that a rejected request wrote nothing. */
export async function tableCounts(client: DbClient): Promise<Record<string, number>> {
  const tables = ['subnets', 'hosts', 'probes', 'host_samples', 'host_events', 'host_hourly', 'ingest_ledger', 'api_tokens'];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await client.execute(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
  return out;
}
