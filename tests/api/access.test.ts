/** Issue 9 on the Node host: the audit trail of every kind of change, login back-off across restarts, cookies behind https. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../schema/log.js';
import { createApp } from '../../worker/app.js';
import { appConfig } from '../../worker/config.js';
import type { AppDeps } from '../../worker/deps.js';
import { pruneHistory } from '../../worker/duties.js';
import { LiveFanout } from '../../worker/live/fanout.js';
import { openDatabase } from '../../worker/node/database.js';
import { NodeProbeHub } from '../../worker/node/hub.js';
import { ensureAdmin } from '../../worker/services/auth.js';
import { ADMIN_PASSWORD, makeTestApp, tableCounts, TestClock, type TestApp } from '../support/app.js';
import { caller } from '../support/http.js';
import { RawProbe, startTestServer } from '../support/server.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const audit = async (query = '') => (await t.call('GET', `/api/audit?limit=500${query}`)).body.entries as any[];

describe('the audit log', () => {
  it('records who changed what, for every kind of change', async () => {
    const subnet = (await t.call('POST', '/api/subnets', { cidr: '198.18.70.0/24', name: 'audit' })).body;
    await t.call('PATCH', `/api/subnets/${subnet.id}`, { name: 'audited' });
    const host = (await t.call('POST', '/api/hosts', { ip: '198.18.70.5', hostname: 'h' })).body;
    await t.call('PATCH', `/api/hosts/${host.id}`, { notes: 'n' });
    await t.call('DELETE', `/api/hosts/${host.id}`);
    await t.call('POST', '/api/import/subnets', 'cidr\n198.18.71.0/24\n');
    await t.call('POST', '/api/import/hosts', 'ip\n198.18.71.9\n');
    const probe = (await t.call('POST', '/api/probes', { name: 'p' })).body;
    await t.call('DELETE', `/api/probes/${probe.id}`);
    const token = (await t.call('POST', '/api/tokens', { name: 'script' })).body;
    await t.call('DELETE', `/api/tokens/${token.id}`);
    const user = (await t.call('POST', '/api/users', { username: 'ed', password: 'ed-password-1', role: 'editor' })).body;
    await t.call('PATCH', `/api/users/${user.id}`, { role: 'viewer' });
    await t.call('DELETE', `/api/subnets/${subnet.id}`);
    await t.call('POST', '/api/subnets', { cidr: '198.18.70.0/33' }); // refused: no row

    const rows = (await audit()).reverse();
    const mine = rows.filter((r) => r.action !== 'auth.login').map((r) => [r.action, r.targetType, r.targetId, r.actor]);
    expect(mine).toEqual([
      ['subnet.create', 'subnet', String(subnet.id), 'admin'],
      ['subnet.update', 'subnet', String(subnet.id), 'admin'],
      ['host.create', 'host', String(host.id), 'admin'],
      ['host.update', 'host', String(host.id), 'admin'],
      ['host.delete', 'host', String(host.id), 'admin'],
      ['import.subnets', 'import', null, 'admin'],
      ['import.hosts', 'import', null, 'admin'],
      ['probe.create', 'probe', String(probe.id), 'admin'],
      ['probe.revoke', 'probe', String(probe.id), 'admin'],
      ['token.create', 'token', String(token.id), 'admin'],
      ['token.revoke', 'token', String(token.id), 'admin'],
      ['user.create', 'user', String(user.id), 'admin'],
      ['user.update', 'user', String(user.id), 'admin'],
      ['subnet.delete', 'subnet', String(subnet.id), 'admin'],
    ]);
    const byAction = Object.fromEntries(rows.map((r) => [r.action, r]));
    expect(byAction['subnet.update'].details).toEqual({ name: 'audited' });
    expect(byAction['import.hosts'].details).toEqual({ created: 1, updated: 0 });
    expect(byAction['user.create'].details).toEqual({ username: 'ed', password: '(hidden)', role: 'editor' });
    expect(byAction['subnet.create'].clientAddress).toBe('192.0.2.1');
  });

  it('records logins, failed and successful, with the client address; filters and pages', async () => {
    await t.call('POST', '/api/auth/login', { username: 'admin', password: 'wrong' }, { 'x-test-client': '198.51.100.7' });
    await t.call('POST', '/api/auth/login', { username: 'nobody', password: 'wrong' }, { 'x-test-client': '198.51.100.7' });
    await t.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, { 'x-test-client': '198.51.100.8' });
    const auth = await audit('&action=auth.*');
    expect(auth.slice(0, 3).map((r) => [r.action, r.actor, r.userId, r.clientAddress])).toEqual([
      ['auth.login', 'admin', 1, '198.51.100.8'],
      ['auth.login_failed', 'nobody', null, '198.51.100.7'],
      ['auth.login_failed', 'admin', 1, '198.51.100.7'],
    ]);
    const page1 = (await t.call('GET', '/api/audit?limit=2')).body;
    const page2 = (await t.call('GET', `/api/audit?limit=2&before=${page1.next}`)).body;
    expect(page2.entries[0].id).toBeLessThan(page1.entries[1].id);
    expect((await audit('&actor=nobody')).length).toBe(1);
    expect((await t.call('GET', '/api/audit?since=not-a-date')).status).toBe(400);
  });

  it('is pruned with the history', async () => {
    const before = (await audit()).length;
    t.clock.advance(401 * 86_400_000);
    await t.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, {}); // a row of today
    await pruneHistory.run(t.deps);
    expect(before).toBeGreaterThan(10);
    const left = await t.client.execute('SELECT action, at FROM audit_log');
    expect(left.rows.map((r) => [r.action, Number(r.at)])).toEqual([['auth.login', t.clock.now()]]);
  });
});

/** Two apps on one database file: two Workers isolates, or the Node host before and after a restart. */
async function twoApps(config: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-throttle-'));
  const clock = new TestClock();
  const make = async () => {
    const { db, client } = await openDatabase(`file:${join(dir, 'db')}`);
    const hub = new NodeProbeHub();
    const deps: AppDeps = { db, hub, live: new LiveFanout({ now: clock.now }), outbox: { wake: async () => {} }, clock, config: appConfig(config), log: silentLogger, clientAddress: (r) => r.headers.get('x-test-client') };
    hub.bind(deps);
    await ensureAdmin(deps, ADMIN_PASSWORD);
    const app = createApp(deps);
    return { call: caller((p, init) => app.request(p, init)), close: () => client.close() };
  };
  const apps = [await make(), await make()];
  return { apps, clock, close: () => (apps.forEach((a) => a.close()), rmSync(dir, { recursive: true, force: true })) };
}

describe('login back-off', () => {
  it('holds across isolates and restarts, doubles, and lets the right password in after the wait', async () => {
    const { apps, clock, close } = await twoApps({ LOGIN_FREE_ATTEMPTS: '2', LOGIN_BLOCK_BASE_SECONDS: '10' });
    const login = (i: number, password: string) => apps[i]!.call('POST', '/api/auth/login', { username: 'admin', password }, {});
    expect((await login(0, 'x')).status).toBe(401);
    expect((await login(1, 'x')).status).toBe(401);
    expect((await login(0, 'x')).status).toBe(401); // third failure: blocked for 10 s
    const blocked = await login(1, ADMIN_PASSWORD);
    expect([blocked.status, blocked.headers.get('retry-after')]).toEqual([429, '10']);
    clock.advance(10_000);
    expect((await login(1, 'x')).status).toBe(401); // fourth: 20 s
    clock.advance(19_000);
    expect((await login(0, ADMIN_PASSWORD)).headers.get('retry-after')).toBe('1');
    clock.advance(1_000);
    expect((await login(0, ADMIN_PASSWORD)).status).toBe(200);
    expect((await login(1, 'x')).status).toBe(401); // a good login clears the username's count
    close();
  });

  it('counts per client address across usernames', async () => {
    const { apps, close } = await twoApps({ LOGIN_FREE_ATTEMPTS_PER_ADDRESS: '3' });
    const from = (addr: string, username: string) => apps[0]!.call('POST', '/api/auth/login', { username, password: 'x' }, { 'x-test-client': addr });
    for (const u of ['a', 'b', 'c', 'd']) expect((await from('198.51.100.209', u)).status).toBe(401);
    expect((await from('198.51.100.209', 'e')).status).toBe(429);
    expect((await from('198.51.100.210', 'e')).status).toBe(401);
    close();
  });

  it('hashing does not hold up other requests: 16 logins at once', async () => {
    // the event loop's busy time (not wall gaps, which a loaded machine's scheduler also makes)
    const before = performance.eventLoopUtilization();
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => t.call('POST', '/api/auth/login', { username: `nobody-${i}`, password: 'wrong' }, { 'x-test-client': `198.51.100.${100 + i}` })));
    const elapsed = performance.now() - started;
    const used = performance.eventLoopUtilization(before);
    expect(results.map((r) => r.status)).toEqual(Array(16).fill(401));
    console.log(`16 parallel logins: ${elapsed.toFixed(0)} ms in all, the event loop busy ${used.active.toFixed(0)} ms of it`);
    // bcrypt on the event loop (before) kept it busy ~63 ms per login: about 1,000 ms for these 16
    expect(used.active).toBeLessThan(300);
  });
});

describe('behind https', () => {
  it('a https PUBLIC_URL makes the cookie Secure, sends HSTS, and is the only origin changes come from', async () => {
    const h = await makeTestApp({ publicUrl: 'https://ipam.example.net' });
    const login = await h.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, {});
    expect(login.headers.get('set-cookie')).toMatch(/; Secure/);
    expect(login.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await h.call('POST', '/api/subnets', { cidr: '198.18.80.0/24' }, { cookie, origin: 'http://localhost' })).status).toBe(403);
    expect((await h.call('POST', '/api/subnets', { cidr: '198.18.80.0/24' }, { cookie, origin: 'https://ipam.example.net' })).status).toBe(201);
    h.close();
  });
});

describe('scans', () => {
  it('are audited with the job id', async () => {
    const server = await startTestServer();
    try {
      const cookie = await server.login();
      const api = caller((p, init) => fetch(server.url + p, init), { cookie }, server.url);
      const probe = (await api('POST', '/api/probes', { name: 'scanner' })).body;
      const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.90.0/29', probeId: probe.id })).body;
      const ws = await RawProbe.connect(server.url, probe.token);
      await ws.next('assignment');
      const scan = (await api('POST', `/api/subnets/${subnet.id}/scan`)).body;
      const entry = (await api('GET', '/api/audit?action=subnet.scan')).body.entries[0];
      expect(entry).toMatchObject({ targetType: 'subnet', targetId: String(subnet.id), details: { jobId: scan.jobId, coalesced: false } });
      ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('upgrading from before roles', () => {
  it('the admin stays admin, old tokens become editor tokens, a bcrypt password still logs in and is rehashed', async () => {
    const { cpSync, readFileSync, writeFileSync } = await import('node:fs');
    const { drizzle } = await import('drizzle-orm/libsql');
    const { migrate } = await import('drizzle-orm/libsql/migrator');
    const { createClient } = await import('@libsql/client');
    const { MIGRATIONS_DIR } = await import('../../worker/node/database.js');
    const bcrypt = (await import('bcryptjs')).default;
    const dir = mkdtempSync(join(tmpdir(), 'eipam-upgrade-'));
    try {
      // the database as 0.1 left it: the first migration only, one admin with a bcrypt hash, one token
      const old = join(dir, 'migrations-0.1');
      cpSync(MIGRATIONS_DIR, old, { recursive: true });
      const journal = JSON.parse(readFileSync(join(old, 'meta/_journal.json'), 'utf8'));
      writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
      const url = `file:${join(dir, 'db')}`;
      const client = createClient({ url });
      await migrate(drizzle(client), { migrationsFolder: old });
      await client.execute({ sql: 'INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)', args: ['admin', await bcrypt.hash('old admin password', 4), Date.now()] });
      await client.execute({ sql: 'INSERT INTO api_tokens (name, token_hash, user_id, created_at) VALUES (?, ?, 1, ?)', args: ['old', 'x'.repeat(64), Date.now()] });
      client.close();

      const { db, client: upgraded } = await openDatabase(url);
      expect((await upgraded.execute('SELECT role FROM users')).rows.map((r) => r.role)).toEqual(['admin']);
      expect((await upgraded.execute('SELECT role, created_by FROM api_tokens')).rows.map((r) => [r.role, r.created_by])).toEqual([['editor', 1]]);
      const deps: AppDeps = { db, hub: new NodeProbeHub(), live: new LiveFanout({ now: Date.now }), outbox: { wake: async () => {} }, clock: { now: Date.now }, config: appConfig({}), log: silentLogger, clientAddress: () => null };
      const app = createApp(deps);
      const call = caller((p, init) => app.request(p, init));
      expect((await call('POST', '/api/auth/login', { username: 'admin', password: 'old admin password' })).body).toMatchObject({ username: 'admin', role: 'admin' });
      expect(String((await upgraded.execute('SELECT password_hash FROM users')).rows[0]!.password_hash)).toMatch(/^pbkdf2-sha256\$100000\$/);
      expect((await call('POST', '/api/auth/login', { username: 'admin', password: 'old admin password' })).status).toBe(200);
      upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('API tokens', () => {
  it('write lastUsedAt at most once a minute', async () => {
    const t = await makeTestApp();
    const token = (await t.call('POST', '/api/tokens', { name: 'touch' })).body;
    const use = () => t.call('GET', '/api/summary', undefined, { authorization: `Bearer ${token.token}` });
    const lastUsed = async () => (await t.call('GET', '/api/tokens')).body.tokens.find((x: any) => x.id === token.id).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await use();
    const first = await lastUsed();
    expect(first).toBe(new Date(t.clock.now()).toISOString());
    t.clock.advance(59_000);
    await use();
    expect(await lastUsed()).toBe(first);
    t.clock.advance(1_000);
    await use();
    expect(await lastUsed()).toBe(new Date(t.clock.now()).toISOString());
    t.close();
  });
});

describe('data hygiene', () => {
  it.each([
    ['POST', '/api/subnets', { cidr: '198.18.95.0/24', name: 'lab\u0000hidden' }],
    ['POST', '/api/subnets', { cidr: '198.18.95.0/24', notes: 'bell\u0007' }],
    ['POST', '/api/hosts', { ip: '198.18.94.1', hostname: 'a\u001bb' }],
    ['POST', '/api/hosts', { ip: '198.18.94.1', tags: ['ok', 'b\u0000d'] }],
    ['POST', '/api/hosts', { ip: '198.18.94.1', notes: 'x\u0000' }],
    ['POST', '/api/hosts', { ip: '198.18.94.1', reservedBy: 'line\nbreak' }],
    ['POST', '/api/probes', { name: 'p\u0085' }],
    ['POST', '/api/tokens', { name: 't\u0000' }],
    ['POST', '/api/users', { username: 'u\u0000', password: 'long enough pw', role: 'viewer' }],
  ])('%s %s %j: 400 and nothing written', async (method, path, body) => {
    const h = await makeTestApp();
    await h.call('POST', '/api/subnets', { cidr: '198.18.94.0/24' });
    const before = await tableCounts(h.client);
    const res = await h.call(method, path, body);
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_request']);
    expect(await tableCounts(h.client)).toEqual(before);
    h.close();
  });

  it('notes keep tabs and line breaks', async () => {
    const h = await makeTestApp();
    await h.call('POST', '/api/subnets', { cidr: '198.18.94.0/24' });
    expect((await h.call('POST', '/api/hosts', { ip: '198.18.94.2', notes: 'a\tb\r\nc' })).body.notes).toBe('a\tb\r\nc');
    h.close();
  });
});

describe('CSV subnet import', () => {
  it('applies the API rules to names and notes: control characters and overlong names are row errors', async () => {
    const h = await makeTestApp();
    const before = await tableCounts(h.client);
    const res = await h.call('POST', '/api/import/subnets', `cidr,name,notes\n198.18.96.0/24,ok,fine\n198.18.97.0/24,"bad\u0007name",\n198.18.98.0/24,${'n'.repeat(201)},\n`);
    expect(res.status).toBe(422);
    expect(res.body.error.details.rows.map((r: any) => r.line)).toEqual([3, 4]);
    expect(await tableCounts(h.client)).toEqual(before);
    h.close();
  });
});
