/**
 * Webhooks end to end on a real network (issue 11): the Node control plane as `npm start` runs it in its
 * namespace, the real probe sweeping six test hosts, and a receiver that verifies every signature listening on the
 * control plane namespace's own loopback. Hosts go silent by losing their addresses; the control plane is killed
 * with SIGKILL while a delivery is in flight and started again on the same DATA_DIR; the probe is killed and
 * started again. Sweeps are asked for ("scan now") right after one ends, so a flip lands between two sweeps and
 * the suite need not wait out the 10 s interval.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertEvent } from '../../schema/alert-event.js';
import { ADMIN_PASSWORD } from '../support/app.js';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';
import { lockHolder } from '../../worker/node/data-lock.js';
import { exited, inNamespace, killGroup, startNodeControlPlane, startProbe, startReceiver, type ProbeProc, type ReceiverProc } from './webhook-kit.js';

const CIDR = '198.18.0.0/28';
const TEST_HOSTS = ['198.18.0.2', '198.18.0.3', '198.18.0.4', '198.18.0.5', '198.18.0.6', '198.18.0.7'];
const SCANNER = '198.18.0.1'; // answers the sweep too: 7 up hosts in the subnet
const EVENT_TYPES = ['host.down', 'host.up', 'probe.offline', 'probe.online', 'subnet.degraded', 'subnet.recovered'];
const CP_ENV = {
  ADMIN_PASSWORD,
  WEBHOOK_ALLOW_PRIVATE: '1',
  HEARTBEAT_SECONDS: '1',
  DOWN_AFTER_FAILURES: '2',
  SCAN_COALESCE_SECONDS: '0',
  PING_TIMEOUT_MS: '500',
  ENABLE_NMAP_SCHEDULER: '0',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhooks on a real network, real probe, Node host', () => {
  let topo: Topology;
  let dir: string;
  let cp: Awaited<ReturnType<typeof startNodeControlPlane>>;
  let api: ReturnType<typeof client>;
  let rx: ReceiverProc;
  let probe: ProbeProc;
  let probeId: number;
  let probeToken: string;
  let subnetId: number;
  const ids: Record<string, number> = {};

  const dataDir = () => join(dir, 'server');
  const runProbe = () => (probe = startProbe(inNamespace(topo, topo.ns.scan), { server: `http://${topo.cpAddrFromScan}:8787`, token: probeToken, stateDir: join(dir, 'probe'), env: { SWEEP_ENGINE: 'ping' } }));
  const runControlPlane = async () => {
    cp = await startNodeControlPlane(inNamespace(topo, topo.ns.cp), { dataDir: dataDir(), reachAt: topo.cpAddr, env: CP_ENV });
  };
  const status = async (ip: string) => (await api('GET', `/api/hosts/${ids[ip]}`)).body.status;
  /** Deliveries answered (not held), from `mark` on. */
  const delivered = (mark: number) => rx.received.slice(mark).filter((r) => r.status === 204).map((r) => ({ ...r, json: JSON.parse(r.body) }));
  const types = (mark: number) => delivered(mark).map((r) => r.json.type);

  /** One sweep asked for now; resolves when the probe has finished it (nothing is sweeping right after). */
  async function sweepNow() {
    const done = probe.sweepDone(CIDR);
    const r = await api('POST', `/api/subnets/${subnetId}/scan`);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await done;
  }
  /** Flips hosts between two sweeps, then sweeps twice: DOWN_AFTER_FAILURES=2 (or once, to come back). */
  async function flip(ips: string[], up: boolean) {
    await sweepNow();
    await Promise.all(ips.map((ip) => topo.setHostUp(TEST_HOSTS.indexOf(ip), up)));
    await sweepNow();
    if (!up) await sweepNow();
  }
  const waitDelivered = (what: string, mark: number, check: (t: string[]) => boolean, ms = 20_000) => waitFor(what, () => check(types(mark)), ms, 50);

  beforeAll(async () => {
    assertNetPrerequisites();
    dir = mkdtempSync(join(tmpdir(), 'eipam-webhooks-'));
    topo = await createTopology({ hosts: TEST_HOSTS.map((v4) => ({ v4 })) });
    rx = await startReceiver(inNamespace(topo, topo.ns.cp));
    await runControlPlane();
    api = client(cp.url, await login(cp.url));
    const ep = await api('POST', '/api/webhooks', { name: 'receiver', url: `${rx.url}/hook`, eventTypes: EVENT_TYPES });
    expect(ep.status, JSON.stringify(ep.body)).toBe(201);
    await rx.secrets([ep.body.secret]);
    const p = (await api('POST', '/api/probes', { name: 'lab-probe', site: 'netns' })).body;
    [probeId, probeToken] = [p.id, p.token];
    runProbe();
    await waitFor('probe connected', async () => (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === probeId)?.connected === true, 30_000);
    const s = await api('POST', '/api/subnets', { cidr: CIDR, name: 'lab', probeId, sweepIntervalSeconds: 10 });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    subnetId = s.body.id;
    await waitFor('every test host up', async () => {
      const rows = (await api('GET', `/api/subnets/${subnetId}/hosts`)).body.rows.filter((r: any) => r.kind === 'host' && r.status === 'up');
      for (const r of rows) ids[r.ip] = r.id;
      return rows.length === TEST_HOSTS.length + 1;
    }, 30_000);
  }, 120_000);

  afterAll(async () => {
    await rx?.close();
    await topo?.destroy(); // kills the control plane, the probe and the receiver too
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a host going silent: exactly one signed host.down that verifies; back: one host.up', async () => {
    const ip = TEST_HOSTS[0]!;
    const mark = rx.received.length;
    const before = Date.now();
    await flip([ip], false);
    await waitDelivered('host.down delivered', mark, (t) => t.includes('host.down'));
    await sleep(1500); // a second delivery would have come by now
    const [down, ...more] = delivered(mark);
    expect(more.map((r) => r.json.type)).toEqual([]);
    expect(rx.received.slice(mark).every((r) => r.verified)).toBe(true);
    expect(down!.skewSeconds).toBeLessThanOrEqual(1); // signed just now: inside any replay window
    expect(down!.skewSeconds).toBeGreaterThanOrEqual(-5);
    const body = alertEvent.parse(down!.json);
    expect(down!.headers['webhook-id']).toBe(body.id);
    expect(body).toMatchObject({ type: 'host.down', data: { host: { id: ids[ip], ip }, subnet: { id: subnetId, cidr: CIDR, name: 'lab' }, probe: { id: probeId, name: 'lab-probe' }, previous: 'up', current: 'down' } });
    expect(Date.parse(body.timestamp)).toBeGreaterThan(before);
    expect(await status(ip)).toBe('down');

    const upMark = rx.received.length;
    await flip([ip], true);
    await waitDelivered('host.up delivered', upMark, (t) => t.includes('host.up'));
    await sleep(1500);
    expect(types(upMark)).toEqual(['host.up']);
    const up = delivered(upMark)[0]!;
    expect(up.verified).toBe(true);
    expect(up.json).toMatchObject({ type: 'host.up', data: { host: { ip }, previous: 'down', current: 'up' } });
    expect(up.json.id).not.toBe(body.id);
  }, 60_000);

  it('SIGKILL with one delivery in flight and one not yet tried: both arrive after the restart, with the same event ids, in order', async () => {
    const ip = TEST_HOSTS[1]!;
    const mark = rx.received.length;
    await rx.hold('host.down');
    await flip([ip], false);
    await waitFor('the host.down request, held open', () => rx.received.slice(mark).some((r) => r.status === 0), 20_000, 20);
    const held = rx.received.slice(mark).find((r) => r.status === 0)!;
    const downId = String(held.headers['webhook-id']);
    // the host comes back while the down is in flight: its host.up waits behind it (per-host order), never tried
    await flip([ip], true);
    await waitFor('host.up recorded, pending', async () => {
      const a = (await api('GET', `/api/alerts?hostId=${ids[ip]}`)).body.alerts;
      return a[0]?.event.type === 'host.up' && a[0].deliveries.pending === 1;
    }, 10_000, 50);

    killGroup(cp.child, 'SIGKILL');
    await exited(cp.child);
    // cp.child is the wrapper: the server's own node process may outlive it a moment, and holds DATA_DIR until then
    await waitFor('the killed server gone', () => lockHolder(dataDir()) === null, 10_000, 50);
    let upId = '';
    // the file as the dead process left it (libSQL takes no read-only URL: query_only refuses writes)
    const db = createClient({ url: `file:${join(dataDir(), 'edge-ipam.db')}` });
    try {
      await db.execute('PRAGMA query_only = 1');
      const rows = (await db.execute({
        sql: `SELECT e.id, e.type, d.state, d.attempts, d.lease_until AS lease, (SELECT count(*) FROM webhook_attempts a WHERE a.delivery_id = d.id) AS tried
          FROM alert_events e JOIN webhook_deliveries d ON d.event_id = e.id WHERE e.host_id = ? ORDER BY e.at, d.id`,
        args: [ids[ip]!],
      })).rows.map((r) => ({ ...r }));
      expect(rows).toMatchObject([
        { id: downId, type: 'host.down', state: 'pending', attempts: 0, tried: 0 },
        { type: 'host.up', state: 'pending', attempts: 0, lease: null, tried: 0 },
      ]);
      expect(rows[0]!.lease).not.toBeNull(); // claimed by the process that died
      upId = String(rows[1]!.id);
    } finally {
      db.close();
    }

    await runControlPlane();
    await waitDelivered('both delivered after the restart', mark, (t) => t.includes('host.down') && t.includes('host.up'), 30_000);
    await sleep(1500);
    const after = delivered(mark);
    expect(after.map((r) => [r.json.type, r.headers['webhook-id'], r.json.id])).toEqual([
      ['host.down', downId, downId],
      ['host.up', upId, upId],
    ]);
    expect(after.every((r) => r.verified)).toBe(true);
    expect(held.body).toBe(after[0]!.body); // the body was frozen in the outbox
    await rx.release();
  }, 90_000);

  it('the probe killed: after three heartbeats one probe.offline and no host.down; started again: one probe.online', async () => {
    const mark = rx.received.length;
    await waitFor('probe connected after the restart', async () => (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === probeId)?.connected === true, 20_000);
    killGroup(probe.child, 'SIGKILL');
    await exited(probe.child);
    const killedAt = Date.now();
    await waitFor('hosts unknown', async () => (await Promise.all(TEST_HOSTS.map(status))).every((s) => s === 'unknown'), 10_000, 100);
    // the Node host looks for silent probes once a minute (the offline-probes duty)
    await waitDelivered('probe.offline delivered', mark, (t) => t.includes('probe.offline'), 75_000);
    const offline = delivered(mark).find((r) => r.json.type === 'probe.offline')!;
    // three heartbeats of 1 s after the probe's last frame, which came up to one heartbeat before the kill
    expect(offline.at - killedAt).toBeGreaterThanOrEqual(2000);
    expect(offline.json).toMatchObject({ data: { probe: { id: probeId, name: 'lab-probe' }, previous: 'online', current: 'offline', host: null } });

    runProbe();
    await waitDelivered('probe.online delivered', mark, (t) => t.includes('probe.online'), 30_000);
    await waitFor('hosts up again', async () => (await Promise.all(TEST_HOSTS.map(status))).every((s) => s === 'up'), 20_000, 200);
    await sleep(1500);
    expect(types(mark)).toEqual(['probe.offline', 'probe.online']);
    expect(rx.received.slice(mark).every((r) => r.verified)).toBe(true);
  }, 120_000);

  it('4 of 6 hosts silent at once: one subnet.degraded listing them, no host.down; back: one subnet.recovered', async () => {
    const silent = TEST_HOSTS.slice(2);
    const mark = rx.received.length;
    await flip(silent, false);
    await waitDelivered('subnet.degraded delivered', mark, (t) => t.includes('subnet.degraded'));
    await sleep(1500);
    expect(types(mark)).toEqual(['subnet.degraded']);
    const degraded = delivered(mark)[0]!;
    expect(degraded.verified).toBe(true);
    expect(degraded.json.data).toMatchObject({ subnet: { id: subnetId }, previous: 'ok', current: 'degraded', hostsTotal: 4 });
    expect(degraded.json.data.hosts.map((h: any) => h.ip).sort()).toEqual(silent);
    for (const ip of silent) expect(await status(ip)).toBe('down');

    const back = rx.received.length;
    await flip(silent, true);
    await waitDelivered('subnet.recovered delivered', back, (t) => t.includes('subnet.recovered'));
    await sleep(1500);
    expect(types(back)).toEqual(['subnet.recovered']);
    expect(delivered(back)[0]!.json.data).toMatchObject({ previous: 'degraded', current: 'ok', hostsTotal: 0 });
  }, 60_000);

  it('over the whole run: every request verified, and nothing was sent twice but the one the crash interrupted', () => {
    expect(rx.received.every((r) => r.verified)).toBe(true);
    const ok = delivered(0);
    expect(new Set(ok.map((r) => r.json.id)).size).toBe(ok.length);
    expect(ok.map((r) => r.json.type).sort()).toEqual(
      ['host.down', 'host.up', 'host.down', 'host.up', 'probe.offline', 'probe.online', 'subnet.degraded', 'subnet.recovered'].sort(),
    );
  });
});
