import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeProbeHub } from '../../worker/node/hub.js';
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
