/**
 * The spine end to end on a real network: the control plane runs in its own namespace, the real
 * probe process in a scanner namespace with no default route, test hosts on a bridged LAN.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../support/app.js';
import { startEdgeServer } from '../support/edge.js';
import { HOSTS as CONTROL_PLANE_HOSTS, type HostName } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';

const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const HOSTS = [
  { v4: '198.18.0.10', v6: 'fd00:18::10' },
  { v4: '198.18.0.11', v6: 'fd00:18::11' },
  { v4: '198.18.0.12', v6: 'fd00:18::12' },
  { v4: '198.18.0.13' },
];

/** Starts the control plane inside the cp namespace; returns its database file (read after the probe stops). */
async function startControlPlane(host: HostName, topo: Topology, dir: string): Promise<{ dbFile: () => string; cron: () => Promise<void> }> {
  if (host === 'node') {
    topo.spawnIn(topo.ns.cp, [TSX, 'worker/node/main.ts'], {
      env: { ...process.env, HOST: '0.0.0.0', PORT: '8787', DATA_DIR: join(dir, 'server'), ADMIN_PASSWORD, LOCAL_PROBE: '0', HEARTBEAT_SECONDS: '1', DOWN_AFTER_FAILURES: '2' },
      stdio: 'ignore',
    });
    await waitFor('control plane health', async () => (await fetch(`http://${topo.cpAddr}:8787/health`, { signal: AbortSignal.timeout(1000) })).ok, 30_000);
    // Node notices a dead link itself (heartbeat watchdog); its duties run on timers
    return { dbFile: () => join(dir, 'server', 'edge-ipam.db'), cron: async () => {} };
  }
  const edge = await startEdgeServer(
    { HEARTBEAT_SECONDS: '1', DOWN_AFTER_FAILURES: '2' },
    { ip: '0.0.0.0', reachAt: topo.cpAddr, spawnIn: (argv, env) => topo.spawnIn(topo.ns.cp, argv, { env, stdio: 'pipe' }) },
  );
  const d1 = () => {
    const found: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.sqlite') && f !== 'metadata.sqlite' && found.push(join(d, f))));
    walk(join(edge.stateDir, 'v3', 'd1'));
    if (found.length !== 1) throw new Error(`expected one local D1 file, found ${found.join(', ')}`);
    return found[0]!;
  };
  // On Workers the cron trigger finds a silent probe; wrangler dev runs it on request
  return { dbFile: d1, cron: edge.cron };
}

describe.each(CONTROL_PLANE_HOSTS)('real network, real probe, %s host', (host) => {
  let topo: Topology;
  let dir: string;
  let cp: Awaited<ReturnType<typeof startControlPlane>>;
  let base: string;
  let cookie: string;
  let probeProc: ChildProcess;
  let probeLog = '';
  let db: Client;
  let v4Id: number;
  let v6Id: number;

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(base + path, {
      method,
      headers: { cookie, origin: base, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  }
  const hostRows = async (id: number) => (await api('GET', `/api/subnets/${id}/hosts`)).body.rows.filter((r: any) => r.kind === 'host');
  const upIps = async (id: number) => (await hostRows(id)).filter((r: any) => r.status === 'up').map((r: any) => r.ip);
  const count = async (sql: string, args: (string | number)[] = []) => Number((await db.execute({ sql, args })).rows[0]![0]);

  function startProbe(token: string) {
    probeProc = topo.spawnIn(topo.ns.scan, [TSX, 'probe/main.ts', '--server', `http://${topo.cpAddrFromScan}:8787`, '--token', token, '--state-dir', join(dir, 'probe')], {
      env: { ...process.env, HEARTBEAT_SECONDS: '1', RECONNECT_MAX_MS: '2000', PING_WORKERS: '64' },
      stdio: 'pipe',
    });
    probeProc.stdout!.on('data', (d) => (probeLog += d));
    probeProc.stderr!.on('data', (d) => (probeLog += d));
  }

  beforeAll(async () => {
    assertNetPrerequisites();
    dir = mkdtempSync(join(tmpdir(), 'eipam-net-'));
    topo = await createTopology({ hosts: HOSTS });
    base = `http://${topo.cpAddr}:8787`;
    cp = await startControlPlane(host, topo, dir);
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  }, 120_000);

  afterAll(async () => {
    db?.close();
    await topo?.destroy(); // kills the control plane and probe too
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

    it('the scanner namespace has no default route', async () => {
      for (const family of ['-4', '-6']) {
        const routes = await topo.exec(topo.ns.scan, ['ip', family, 'route', 'show']);
        expect(routes.stdout).not.toMatch(/^default/m);
      }
    });

    it('sweeps find exactly the live addresses, with latency (IPv4 /24 and IPv6 /64)', async () => {
      const probe = (await api('POST', '/api/probes', { name: 'lab-probe', site: 'netns' })).body;
      startProbe(probe.token);
      await waitFor('probe connected', async () => (await api('GET', '/api/probes')).body.probes[0]?.connected === true, 30_000);
      v4Id = (await api('POST', '/api/subnets', { cidr: '198.18.0.0/24', probeId: probe.id, sweepIntervalSeconds: 10 })).body.id;
      v6Id = (await api('POST', '/api/subnets', { cidr: 'fd00:18::/64', probeId: probe.id, sweepIntervalSeconds: 10 })).body.id;
      // the IPAM knows one v6 host that answers and one that does not exist; the others are discovered
      await api('POST', '/api/hosts', { ip: 'fd00:18::10', hostname: 'known-v6' });
      await api('POST', '/api/hosts', { ip: 'fd00:18::99', hostname: 'gone' });

      const expectedV4 = ['198.18.0.1', ...HOSTS.map((h) => h.v4)];
      await waitFor('v4 sweep', async () => (await upIps(v4Id)).length >= expectedV4.length, 40_000);
      expect(await upIps(v4Id)).toEqual(expectedV4);
      const rows = await hostRows(v4Id);
      expect(rows).toHaveLength(expectedV4.length); // no rows for silent addresses
      for (const r of rows) expect(r.latencyMs).toBeGreaterThan(0);

      const expectedV6 = ['fd00:18::10', 'fd00:18::11', 'fd00:18::12'];
      await waitFor('v6 sweep', async () => (await upIps(v6Id)).length >= expectedV6.length, 40_000);
      expect(await upIps(v6Id)).toEqual(expectedV6);
      // swept and silent, but it never answered: unknown, not down (issue 9: a host is down only after it was up)
      const gone = async () => (await hostRows(v6Id)).find((r: any) => r.ip === 'fd00:18::99');
      const firstCheck = (await gone()).lastCheckedAt;
      await waitFor('absent v6 host swept again', async () => ![null, firstCheck].includes((await gone()).lastCheckedAt), 40_000);
      expect(await gone()).toMatchObject({ status: 'unknown', lastSeenAt: null });
    }, 120_000);

    it('a host that disappears goes down after two silent sweeps, with an event and history of both states', async () => {
      const host = (await hostRows(v4Id)).find((r: any) => r.ip === '198.18.0.11');
      await topo.setHostUp(1, false);
      const downSince = Date.now();
      await waitFor('host down', async () => (await api('GET', `/api/hosts/${host.id}`)).body.status === 'down', 45_000);
      // two silent sweeps 10 s apart: never sooner than one interval
      expect(Date.now() - downSince).toBeGreaterThan(8_000);
      const events = (await api('GET', `/api/hosts/${host.id}/events`)).body.events;
      expect(events[0]).toMatchObject({ from: 'up', to: 'down' });
      const history = (await api('GET', `/api/hosts/${host.id}/history?window=24h`)).body;
      expect(history.recent.some((s: any) => s.up)).toBe(true);
      expect(history.recent.some((s: any) => !s.up)).toBe(true);
      expect(history.uptimePercent).toBeGreaterThan(0);
      expect(history.uptimePercent).toBeLessThan(100);
      await topo.setHostUp(1, true);
    }, 60_000);

    it('cutting the probe link loses nothing and applies nothing twice', async () => {
      const spoolDir = join(dir, 'probe', 'spool');
      const spooled = () => (existsSync(spoolDir) ? readdirSync(spoolDir).filter((f) => f.endsWith('.json')).length : 0);
      await topo.cutScanToCp();
      // the server notices the silence: the probe's hosts are unknown, not down
      await waitFor('hosts unknown', async () => {
        await cp.cron();
        return (await hostRows(v4Id)).every((r: any) => r.status === 'unknown');
      }, 30_000, 1000);
      await waitFor('sweeps spooled while the link is down', async () => spooled() >= 4, 40_000);
      await topo.restoreScanToCp();
      await waitFor('spool drained', async () => spooled() === 0, 40_000);
      await waitFor('hosts back up', async () => (await upIps(v4Id)).includes('198.18.0.10'), 20_000);

      probeProc.kill('SIGTERM');
      await new Promise((r) => probeProc.once('exit', r));
      const batches = Number(readFileSync(join(dir, 'probe', 'seq'), 'utf8'));
      db = createClient({ url: `file:${cp.dbFile()}` });
      // a sweep finished between the drain and the SIGTERM may still sit in the spool, unacked (kept on disk, not
      // lost): every batch the probe numbered is either applied once or spooled
      const left = spooled();
      expect(left).toBeLessThanOrEqual(1);
      expect(await count('SELECT count(*) FROM ingest_ledger')).toBe(batches - left);
      const sweepsOfV4 = probeLog.split('\n').filter((l) => l.includes('"sweep done"') && l.includes('"198.18.0.0/24"')).length;
      const alwaysUp = (await hostRows(v4Id)).find((r: any) => r.ip === '198.18.0.10').id;
      // one sample per logged sweep, less the one still spooled if it is this subnet's
      const samples = await count('SELECT count(*) FROM host_samples WHERE host_id = ?', [alwaysUp]);
      expect(samples).toBeLessThanOrEqual(sweepsOfV4);
      expect(samples).toBeGreaterThanOrEqual(sweepsOfV4 - left);
      expect(await count('SELECT count(*) - count(DISTINCT host_id || \'@\' || at) FROM host_samples')).toBe(0);
      expect(probeLog).toMatch(/link down; reconnecting/);
    }, 120_000);
  });
