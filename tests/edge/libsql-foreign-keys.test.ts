import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient as createFileClient } from '@libsql/client';
import { createClient as createHttpClient } from '@libsql/client/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../schema/log.js';
import { createApp } from '../../worker/app.js';
import { appConfig } from '../../worker/config.js';
import type { AppDeps } from '../../worker/deps.js';
import { edgeDatabase } from '../../worker/edge/deps.js';
import { foreignKeysFetch } from '../../worker/edge/libsql-foreign-keys.js';
import { LiveFanout } from '../../worker/live/fanout.js';
import { openDatabase } from '../../worker/node/database.js';
import { NodeProbeHub } from '../../worker/node/hub.js';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { ensureAdmin } from '../../worker/services/auth.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { startHranaServer, type HranaServer } from '../support/hrana-server.js';
import { startEdgeServer, type EdgeServer } from '../support/edge.js';
import { caller } from '../support/http.js';
import { client, login } from '../support/targets.js';

// No libSQL server (sqld) can run here, so these run @libsql/client's real HTTP client (the one the Worker
// uses, '@libsql/client/web') against tests/support/hrana-server.ts: the Hrana HTTP protocol over a real
// libSQL file, with sqld's connection per stream.
const dir = mkdtempSync(join(tmpdir(), 'eipam-hrana-'));
const file = join(dir, 'edge.db');
let hrana: HranaServer;

beforeAll(async () => {
  (await openDatabase(`file:${file}`)).client.close(); // migrated, as `npm run db:migrate:edge` would
  hrana = await startHranaServer(file);
});
afterAll(async () => {
  await hrana?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fkState = async (c: ReturnType<typeof createHttpClient>) => Number((await c.execute('PRAGMA foreign_keys')).rows[0]![0]);

describe('libSQL over HTTP', () => {
  // a check of the stand-in, the premise of the cases below: it behaves as sqld does without the wrapper
  it('the stand-in keeps no PRAGMA from one request to the next (each is a stream, a connection of its own)', async () => {
    const plain = createHttpClient({ url: hrana.url });
    await plain.execute('PRAGMA foreign_keys = ON');
    expect(await fkState(plain)).toBe(0);
    plain.close();
  });

  it('has foreign keys on in every request through foreignKeysFetch, batches included', async () => {
    const c = createHttpClient({ url: hrana.url, fetch: foreignKeysFetch() });
    const before = hrana.streamsOpened();
    expect(await fkState(c)).toBe(1);
    expect(await fkState(c)).toBe(1);
    const [r] = await c.batch(['PRAGMA foreign_keys'], 'write');
    expect(Number(r!.rows[0]![0])).toBe(1);
    expect(hrana.streamsOpened() - before).toBe(3);
    c.close();
  });
});

describe('the app on the Worker’s libSQL database', () => {
  let deps: AppDeps;
  let api: ReturnType<typeof caller>;
  let probeId: number;
  const file$ = createFileClient({ url: `file:${file}` });
  const count = async (sql: string, args: (number | string)[] = []) => Number((await file$.execute({ sql, args })).rows[0]![0]);

  beforeAll(async () => {
    const hub = new NodeProbeHub();
    deps = { db: edgeDatabase({ LIBSQL_URL: hrana.url } as never), hub, live: new LiveFanout({ now: Date.now }), outbox: { wake: async () => {} }, clock: { now: Date.now }, config: appConfig({}), log: silentLogger, clientAddress: () => '192.0.2.1' };
    hub.bind(deps);
    await ensureAdmin(deps, ADMIN_PASSWORD);
    const app = createApp(deps);
    const raw = caller((path, init) => app.request(path, init), {}, 'http://localhost');
    const login = await raw('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    api = (method, path, body, headers) => raw(method, path, body, headers ?? { cookie });
    probeId = (await api('POST', '/api/probes', { name: 'p' })).body.id;
  });
  afterAll(() => file$.close());

  async function sweptSubnet(cidr: string, ips: string[]): Promise<number> {
    const subnetId = (await api('POST', '/api/subnets', { cidr, probeId })).body.id;
    const frame = { type: 'results', batchId: `fk-${cidr}`, sweeps: [{ subnetId, at: Date.now(), durationMs: 1, complete: true, up: ips.map((ip) => ({ ip, latencyMs: 1 })), down: [] }] };
    await handleProbeFrame(deps, probeId, JSON.stringify(frame));
    return subnetId;
  }

  it('deleting a subnet deletes its hosts and their events (ON DELETE CASCADE)', async () => {
    const subnetId = await sweptSubnet('198.18.10.0/24', ['198.18.10.1', '198.18.10.2']);
    expect(await count('SELECT count(*) FROM hosts WHERE subnet_id = ?', [subnetId])).toBe(2);
    expect(await count('SELECT count(*) FROM host_events WHERE host_id IN (SELECT id FROM hosts WHERE subnet_id = ?)', [subnetId])).toBe(2);
    expect((await api('DELETE', `/api/subnets/${subnetId}`)).status).toBe(204);
    expect(await count('SELECT count(*) FROM hosts WHERE subnet_id = ?', [subnetId])).toBe(0);
    expect(await count('SELECT count(*) FROM host_events WHERE host_id NOT IN (SELECT id FROM hosts)')).toBe(0);
  });

  it('deleting a host deletes its events, and deleting a probe unassigns its subnets (ON DELETE SET NULL)', async () => {
    const subnetId = await sweptSubnet('198.18.11.0/24', ['198.18.11.7']);
    const hostId = await count('SELECT id FROM hosts WHERE subnet_id = ?', [subnetId]);
    expect((await api('DELETE', `/api/hosts/${hostId}`)).status).toBe(204);
    expect(await count('SELECT count(*) FROM host_events WHERE host_id = ?', [hostId])).toBe(0);
    expect((await api('DELETE', `/api/probes/${probeId}`)).status).toBe(204);
    expect(await count('SELECT count(*) FROM subnets WHERE probe_id IS NOT NULL')).toBe(0);
  });
});

describe('the Worker in workerd with LIBSQL_URL', () => {
  let edge: EdgeServer;
  const file$ = createFileClient({ url: `file:${file}` });
  beforeAll(async () => {
    edge = await startEdgeServer({ LIBSQL_URL: hrana.url });
  }, 90_000);
  afterAll(async () => {
    file$.close();
    await edge?.close();
  });

  it('deleting a subnet deletes its hosts', async () => {
    const api = client(edge.url, await login(edge.url));
    const subnetId = (await api('POST', '/api/subnets', { cidr: '198.18.12.0/24' })).body.id;
    expect((await api('POST', '/api/hosts', { ip: '198.18.12.9', hostname: 'web' })).status).toBe(201);
    const hosts = async () => Number((await file$.execute({ sql: 'SELECT count(*) FROM hosts WHERE subnet_id = ?', args: [subnetId] })).rows[0]![0]);
    expect(await hosts()).toBe(1);
    expect((await api('DELETE', `/api/subnets/${subnetId}`)).status).toBe(204);
    expect(await hosts()).toBe(0);
  }, 30_000);
});
