import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleProbeFrame, probeConnected, probeDisconnected } from '../../worker/probe-link/session.js';
import { makeTestApp, tableCounts, type TestApp } from '../support/app.js';

let t: TestApp;
let probeId: number;
let otherProbe: number;
let subnetId: number;
let foreignSubnet: number;

const results = (batchId: string, at: number, up: Record<string, number>, subnet = subnetId) =>
  JSON.stringify({
    type: 'results',
    batchId,
    sweeps: [{ subnetId: subnet, at, durationMs: 5, complete: true, up: Object.entries(up).map(([ip, latencyMs]) => ({ ip, latencyMs })), down: [] }],
  });
const send = (frame: string, probe = probeId) => handleProbeFrame(t.deps, probe, frame);

beforeAll(async () => {
  t = await makeTestApp({ downAfterFailures: 2 });
  probeId = (await t.call('POST', '/api/probes', { name: 'p1' })).body.id;
  otherProbe = (await t.call('POST', '/api/probes', { name: 'p2' })).body.id;
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', probeId })).body.id;
  foreignSubnet = (await t.call('POST', '/api/subnets', { cidr: '198.18.1.0/24', probeId: otherProbe })).body.id;
});
afterAll(() => t.close());

describe('probe results', () => {
  it('applies a batch exactly once', async () => {
    const now = t.clock.now();
    const frame = results('e1-1', now, { '198.18.0.10': 0.5, '198.18.0.11': 0.7 });
    expect(await send(frame)).toEqual([{ type: 'ack', batchId: 'e1-1', duplicate: false, rejectedSubnets: [] }]);
    const after = await tableCounts(t.client);
    expect(await send(frame)).toEqual([{ type: 'ack', batchId: 'e1-1', duplicate: true, rejectedSubnets: [] }]);
    expect(await tableCounts(t.client)).toEqual(after);
    expect(after).toMatchObject({ hosts: 2, host_samples: 2, host_events: 2, host_hourly: 2, ingest_ledger: 1 });
    const host = (await t.call('GET', `/api/subnets/${subnetId}/hosts`)).body.rows.find((r: any) => r.ip === '198.18.0.10');
    expect(host).toMatchObject({ status: 'up', latencyMs: 0.5, timesSeen: 1 });
  });

  it('the same batch id from another probe is that probe’s own batch', async () => {
    const [ack] = await send(results('e1-1', t.clock.now(), { '198.18.1.5': 1 }, foreignSubnet), otherProbe);
    expect(ack).toMatchObject({ duplicate: false });
  });

  it('takes a host down after two silent sweeps, with an event, and back up after one answer', async () => {
    const t0 = t.clock.now();
    await send(results('e1-2', t0 + 60_000, { '198.18.0.10': 0.4 }));
    const hostId = (await t.call('GET', `/api/subnets/${subnetId}/hosts`)).body.rows.find((r: any) => r.ip === '198.18.0.11').id;
    expect((await t.call('GET', `/api/hosts/${hostId}`)).body.status).toBe('up');
    await send(results('e1-3', t0 + 120_000, { '198.18.0.10': 0.4 }));
    const down = (await t.call('GET', `/api/hosts/${hostId}`)).body;
    expect(down.status).toBe('down');
    expect(down.lastChangeAt).toBe(new Date(t0 + 120_000).toISOString());
    await send(results('e1-4', t0 + 180_000, { '198.18.0.10': 0.4, '198.18.0.11': 0.9 }));
    const events = (await t.call('GET', `/api/hosts/${hostId}/events`)).body.events;
    expect(events.map((e: any) => `${e.from}>${e.to}`)).toEqual(['down>up', 'up>down', 'unknown>up']);
    expect(events[1].probeId).toBe(probeId);

    t.clock.advance(200_000);
    const history = (await t.call('GET', `/api/hosts/${hostId}/history?window=24h`)).body;
    expect(history).toMatchObject({ window: '24h', samples: 4, uptimePercent: 50 });
    expect(history.recent.map((s: any) => s.up)).toEqual([true, false, false, true]);
  });

  it('refuses results for a subnet that is not assigned to the probe, and stores the rest', async () => {
    const before = await tableCounts(t.client);
    const frame = JSON.stringify({
      type: 'results',
      batchId: 'e1-5',
      sweeps: [
        { subnetId: foreignSubnet, at: t.clock.now(), durationMs: 1, complete: true, up: [{ ip: '198.18.1.9', latencyMs: 1 }], down: [] },
        { subnetId, at: t.clock.now(), durationMs: 1, complete: true, up: [{ ip: '198.18.0.10', latencyMs: 1 }], down: [] },
      ],
    });
    expect(await send(frame)).toEqual([{ type: 'ack', batchId: 'e1-5', duplicate: false, rejectedSubnets: [foreignSubnet] }]);
    const after = await tableCounts(t.client);
    expect(after.hosts).toBe(before.hosts);
    expect((await t.call('GET', `/api/subnets/${foreignSubnet}/hosts`)).body.rows.filter((r: any) => r.kind === 'host').map((r: any) => r.ip)).toEqual(['198.18.1.5']);
  });

  it.each(['not json', '{"type":"results","batchId":"x","sweeps":[]}', '{"type":"launch"}', '{"type":"results","batchId":"x","sweeps":[{"subnetId":"1"}]}'])(
    'answers a malformed frame %j with an error and writes nothing',
    async (frame) => {
      const before = await tableCounts(t.client);
      const [reply] = await send(frame);
      expect(reply).toMatchObject({ type: 'error', code: 'bad_message' });
      expect(await tableCounts(t.client)).toEqual(before);
    },
  );

  it('a disconnected probe’s hosts become unknown, with events; reconnecting sends the assignment', async () => {
    await probeDisconnected(t.deps, probeId);
    const rows = (await t.call('GET', `/api/subnets/${subnetId}/hosts`)).body.rows.filter((r: any) => r.kind === 'host');
    expect(rows.map((r: any) => r.status)).toEqual(['unknown', 'unknown']);
    const events = (await t.call('GET', '/api/events?limit=2')).body.events;
    expect(events.map((e: any) => e.to)).toEqual(['unknown', 'unknown']);
    const probes = (await t.call('GET', '/api/probes')).body.probes;
    expect(probes.find((p: any) => p.id === probeId).connected).toBe(false);
    const [welcome, assignment] = await probeConnected(t.deps, { id: probeId, name: 'p1' });
    expect(welcome).toMatchObject({ type: 'welcome', probeId });
    expect(assignment).toMatchObject({ type: 'assignment', subnets: [{ id: subnetId, cidr: '198.18.0.0/24', intervalSeconds: 60, knownHosts: [] }] });
  });

  it('an IPv6 subnet’s assignment lists the hosts the IPAM knows', async () => {
    const v6 = (await t.call('POST', '/api/subnets', { cidr: 'fd00:18::/64', probeId })).body.id;
    await t.call('POST', '/api/hosts', { ip: 'fd00:18::10' });
    const [, assignment] = await probeConnected(t.deps, { id: probeId, name: 'p1' });
    expect(assignment).toMatchObject({ subnets: expect.arrayContaining([{ id: v6, cidr: 'fd00:18::/64', intervalSeconds: 60, knownHosts: ['fd00:18::10'] }]) });
  });
});
