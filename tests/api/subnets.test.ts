import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeProbeHub } from '../../worker/node/hub.js';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { makeTestApp, tableCounts, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('subnets', () => {
  it('creates IPv4 and IPv6 subnets with canonical CIDRs and sizes as strings', async () => {
    const v4 = await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', name: 'lab' });
    expect(v4.status).toBe(201);
    expect(v4.body).toMatchObject({ cidr: '198.18.0.0/24', family: 4, name: 'lab', size: '256', usable: '254', sweepIntervalSeconds: 60, probeId: null });
    const v6 = await t.call('POST', '/api/subnets', { cidr: 'FD00:0018::/64', sweepIntervalSeconds: 120 });
    expect(v6.body).toMatchObject({ cidr: 'fd00:18::/64', family: 6, size: '18446744073709551616', sweepIntervalSeconds: 120 });
    const list = await t.call('GET', '/api/subnets');
    expect(list.body.subnets.map((s: any) => s.cidr)).toEqual(['198.18.0.0/24', 'fd00:18::/64']);
  });

  it.each([
    [{ cidr: '198.18.1.0/33' }, 400, 'invalid_cidr'],
    [{ cidr: 'not-a-network' }, 400, 'invalid_cidr'],
    [{ cidr: '198.18.1.7/24' }, 400, 'host_bits_set'],
    [{ cidr: 'fd00:19::1/64' }, 400, 'host_bits_set'],
    [{ cidr: '198.18.0.0/24' }, 409, 'subnet_exists'],
    [{ cidr: '198.18.0.128/25' }, 409, 'subnet_overlap'],
    [{ cidr: '198.18.0.0/16' }, 409, 'subnet_overlap'],
    [{ cidr: 'fd00:18::/48' }, 409, 'subnet_overlap'],
    [{ cidr: '198.18.5.0/24', probeId: 999 }, 400, 'unknown_probe'],
    [{ cidr: '198.18.5.0/24', sweepIntervalSeconds: 1 }, 400, 'invalid_request'],
    [{ cidr: 42 }, 400, 'invalid_request'],
    [{}, 400, 'invalid_request'],
  ])('rejects %j with %i %s and writes nothing', async (body, status, code) => {
    const before = await tableCounts(t.client);
    const res = await t.call('POST', '/api/subnets', body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message.length).toBeGreaterThan(5);
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it('explains host bits with the network meant', async () => {
    const res = await t.call('POST', '/api/subnets', { cidr: '198.18.1.7/24' });
    expect(res.body.error.message).toContain('198.18.1.0/24');
  });

  it('rejects a body that is not JSON', async () => {
    const res = await t.app.request('/api/subnets', { method: 'POST', headers: { cookie: t.cookie, origin: 'http://localhost', 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
  });

  it('gets, patches and deletes one subnet; unknown ids are 404; cidr cannot be patched', async () => {
    const created = await t.call('POST', '/api/subnets', { cidr: '198.19.0.0/30' });
    const id = created.body.id;
    expect((await t.call('GET', `/api/subnets/${id}`)).body.cidr).toBe('198.19.0.0/30');
    const patched = await t.call('PATCH', `/api/subnets/${id}`, { name: 'link', sweepIntervalSeconds: 300 });
    expect(patched.body).toMatchObject({ name: 'link', sweepIntervalSeconds: 300 });
    expect((await t.call('PATCH', `/api/subnets/${id}`, { cidr: '198.19.0.4/30' })).status).toBe(400);
    expect((await t.call('PATCH', `/api/subnets/${id}`, { probeId: 77 })).body.error.code).toBe('unknown_probe');
    expect((await t.call('GET', '/api/subnets/9999')).status).toBe(404);
    expect((await t.call('GET', '/api/subnets/abc')).status).toBe(400);
    expect((await t.call('DELETE', `/api/subnets/${id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/subnets/${id}`)).status).toBe(404);
  });

  it('scan now needs an assigned, connected probe', async () => {
    const s = await t.call('POST', '/api/subnets', { cidr: '198.19.1.0/24' });
    expect((await t.call('POST', `/api/subnets/${s.body.id}/scan`)).body.error.code).toBe('no_probe');
    const probe = await t.call('POST', '/api/probes', { name: 'edge-1' });
    await t.call('PATCH', `/api/subnets/${s.body.id}`, { probeId: probe.body.id });
    const res = await t.call('POST', `/api/subnets/${s.body.id}/scan`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('probe_offline');
  });

  it("each probe counts its own subnets (a probe without any shows 0)", async () => {
    const busy = (await t.call('POST', '/api/probes', { name: 'busy' })).body;
    const idle = (await t.call('POST', '/api/probes', { name: 'idle' })).body;
    for (const cidr of ['198.19.60.0/24', '198.19.61.0/24']) await t.call('POST', '/api/subnets', { cidr, probeId: busy.id });
    const { probes } = (await t.call('GET', '/api/probes')).body as { probes: { id: number; subnetCount: number }[] };
    expect(probes.find((p) => p.id === busy.id)?.subnetCount).toBe(2);
    expect(probes.find((p) => p.id === idle.id)?.subnetCount).toBe(0);
  });
});

describe('scan now, when the probe goes away between the check and the send', () => {
  // the real hub, with no socket, except that its connection check still says yes: the moment a probe
  // drops after isConnected answered (on Workers the check and the send are two calls to its object)
  class ProbeJustLeft extends NodeProbeHub {
    override async isConnected() {
      return true;
    }
  }

  it('answers 409 probe_offline and does not record a scan', async () => {
    const probe = await t.call('POST', '/api/probes', { name: 'leaving' });
    const s = await t.call('POST', '/api/subnets', { cidr: '198.19.2.0/24', probeId: probe.body.id });
    const hub = t.deps.hub;
    t.deps.hub = new ProbeJustLeft();
    try {
      const res = await t.call('POST', `/api/subnets/${s.body.id}/scan`);
      expect([res.status, res.body.error?.code]).toEqual([409, 'probe_offline']);
    } finally {
      t.deps.hub = hub;
    }
    const stored = await t.client.execute({ sql: 'SELECT last_scan_requested_at AS at FROM subnets WHERE id = ?', args: [s.body.id] });
    expect(stored.rows[0]!.at).toBeNull();
  });
});

describe('subnet host rows', () => {
  it('lists used addresses in order with unused runs collapsed, for v4 and v6', async () => {
    const s = await t.call('POST', '/api/subnets', { cidr: '198.18.8.0/29' });
    await t.call('POST', '/api/hosts', { ip: '198.18.8.5', hostname: 'printer' });
    await t.call('POST', '/api/hosts', { ip: '198.18.8.1', reserved: true, reservedBy: 'netops' });
    const rows = (await t.call('GET', `/api/subnets/${s.body.id}/hosts`)).body.rows;
    expect(rows.map((r: any) => (r.kind === 'host' ? r.ip : `${r.first}-${r.last}:${r.count}`))).toEqual([
      '198.18.8.1',
      '198.18.8.2-198.18.8.4:3',
      '198.18.8.5',
      '198.18.8.6-198.18.8.6:1',
    ]);
    expect(rows[2]).toMatchObject({ kind: 'host', hostname: 'printer', status: 'unknown', latencyMs: null });

    const v6 = (await t.call('GET', '/api/subnets')).body.subnets.find((x: any) => x.family === 6);
    await t.call('POST', '/api/hosts', { ip: 'fd00:18::10' });
    const v6rows = (await t.call('GET', `/api/subnets/${v6.id}/hosts`)).body.rows;
    expect(v6rows).toEqual([
      { kind: 'unused', first: 'fd00:18::', last: 'fd00:18::f', count: '16' },
      expect.objectContaining({ kind: 'host', ip: 'fd00:18::10' }),
      { kind: 'unused', first: 'fd00:18::11', last: 'fd00:18::ffff:ffff:ffff:ffff', count: '18446744073709551599' },
    ]);
  });
});

describe('per-subnet alert thresholds', () => {
  // server defaults that differ from the built-in ones, so "effective" provably comes from this config
  const defaults = { downAfterFailures: 2, alertUpAfter: 2, alertReminderMinutes: 30, alertSendResolved: true, alertDegradedShare: 0.6, alertDegradedMinHosts: 4 };
  const effectiveDefaults = { downAfterFailures: 2, upAfter: 2, reminderMinutes: 30, sendResolved: true, degradedShare: 0.6, degradedMinHosts: 4 };
  const noOverrides = { downAfterFailures: null, alertUpAfter: null, alertReminderMinutes: null, alertSendResolved: null, alertDegradedShare: null, alertDegradedMinHosts: null };
  let a: TestApp;
  let cases = 0;
  beforeAll(async () => {
    a = await makeTestApp(defaults);
  });
  afterAll(() => a.close());

  it('a new subnet has none of its own and shows the server defaults', async () => {
    const s = await a.call('POST', '/api/subnets', { cidr: '198.18.10.0/24' });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({ alerts: effectiveDefaults, alertOverrides: noOverrides });
  });

  it('sets them on create and PATCH, shows them in every view, keeps what a PATCH leaves out, and null resets one', async () => {
    const s = await a.call('POST', '/api/subnets', { cidr: '198.18.11.0/24', downAfterFailures: 5, alertSendResolved: false });
    expect(s.status).toBe(201);
    expect(s.body.alerts).toEqual({ ...effectiveDefaults, downAfterFailures: 5, sendResolved: false });
    expect(s.body.alertOverrides).toEqual({ ...noOverrides, downAfterFailures: 5, alertSendResolved: false });

    const own = { downAfterFailures: 100, alertUpAfter: 3, alertReminderMinutes: 10_080, alertSendResolved: false, alertDegradedShare: 0, alertDegradedMinHosts: 100_000 };
    const patched = await a.call('PATCH', `/api/subnets/${s.body.id}`, { alertUpAfter: 3, alertReminderMinutes: 10_080, alertDegradedShare: 0, alertDegradedMinHosts: 100_000, downAfterFailures: 100 });
    expect(patched.status).toBe(200);
    const effective = { downAfterFailures: 100, upAfter: 3, reminderMinutes: 10_080, sendResolved: false, degradedShare: 0, degradedMinHosts: 100_000 };
    expect(patched.body).toMatchObject({ alerts: effective, alertOverrides: own });
    expect((await a.call('GET', `/api/subnets/${s.body.id}`)).body).toMatchObject({ alerts: effective, alertOverrides: own });
    expect((await a.call('GET', '/api/subnets')).body.subnets.find((x: any) => x.id === s.body.id)).toMatchObject({ alerts: effective, alertOverrides: own });
    expect((await a.call('GET', `/api/subnets/${s.body.id}/table`)).body.subnet).toMatchObject({ alerts: effective, alertOverrides: own });

    const reset = await a.call('PATCH', `/api/subnets/${s.body.id}`, { alertUpAfter: null, alertSendResolved: null, name: 'renamed' });
    expect(reset.status).toBe(200);
    expect(reset.body.alerts).toEqual({ ...effective, upAfter: 2, sendResolved: true });
    expect(reset.body.alertOverrides).toEqual({ ...own, alertUpAfter: null, alertSendResolved: null });
    const stored = await a.client.execute({ sql: 'SELECT alert_up_after AS up, alert_send_resolved AS resolved, alert_reminder_minutes AS reminder FROM subnets WHERE id = ?', args: [s.body.id] });
    expect(stored.rows[0]).toMatchObject({ up: null, resolved: null, reminder: 10_080 });
  });

  it.each([
    ['downAfterFailures', 0],
    ['downAfterFailures', 101],
    ['downAfterFailures', 1.5],
    ['alertUpAfter', 0],
    ['alertUpAfter', 101],
    ['alertReminderMinutes', -1],
    ['alertReminderMinutes', 10_081],
    ['alertSendResolved', 'yes'],
    ['alertSendResolved', 1],
    ['alertDegradedShare', -0.01],
    ['alertDegradedShare', 1.01],
    ['alertDegradedMinHosts', 0],
    ['alertDegradedMinHosts', 100_001],
    ['alertUpAfter', '3'],
  ])('refuses %s = %j with 400 on create and on PATCH, writing nothing', async (key, value) => {
    const existing = (await a.call('POST', '/api/subnets', { cidr: `198.18.${20 + cases++}.0/29` })).body;
    const before = await tableCounts(a.client);
    const stored = async () => (await a.client.execute({ sql: 'SELECT * FROM subnets WHERE id = ?', args: [existing.id] })).rows[0];
    const row = await stored();

    const created = await a.call('POST', '/api/subnets', { cidr: '198.19.200.0/24', [key]: value });
    expect([created.status, created.body.error.code]).toEqual([400, 'invalid_request']);
    expect(created.body.error.message).toContain(key);
    const patched = await a.call('PATCH', `/api/subnets/${existing.id}`, { name: 'not this either', [key]: value });
    expect([patched.status, patched.body.error.code]).toEqual([400, 'invalid_request']);

    expect(await tableCounts(a.client)).toEqual(before);
    expect(await stored()).toEqual(row);
    await a.call('DELETE', `/api/subnets/${existing.id}`);
  });

  it("the sweep follows the subnet's own down-after", async () => {
    const probeId = (await a.call('POST', '/api/probes', { name: 'thresholds' })).body.id;
    const s = (await a.call('POST', '/api/subnets', { cidr: '198.18.12.0/24', probeId, downAfterFailures: 3 })).body;
    const sweep = (n: number, up: string[]) =>
      handleProbeFrame(a.deps, probeId, JSON.stringify({ type: 'results', batchId: `th-${n}`, sweeps: [{ subnetId: s.id, at: a.clock.now() + n * 60_000, durationMs: 5, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [] }] }));
    const status = async () => (await a.call('GET', `/api/subnets/${s.id}/hosts`)).body.rows.find((r: any) => r.ip === '198.18.12.7')?.status;
    await sweep(1, ['198.18.12.7']);
    expect(await status()).toBe('up');
    await sweep(2, []);
    await sweep(3, []);
    expect(await status()).toBe('up'); // the server's default (2) would have it down by now
    await sweep(4, []);
    expect(await status()).toBe('down');
  });
});
