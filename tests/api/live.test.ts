import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handleProbeFrame, probeConnected, probeDisconnected } from '../../worker/probe-link/session.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';

let t: TestApp;
let live: LiveClient;
let probeId: number;
let subnetId: number;

const results = (batchId: string, at: number, up: string[], subnet = subnetId) =>
  JSON.stringify({ type: 'results', batchId, sweeps: [{ subnetId: subnet, at, durationMs: 1, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [] }] });

beforeAll(async () => {
  t = await makeTestApp({ downAfterFailures: 1 });
  probeId = (await t.call('POST', '/api/probes', { name: 'p' })).body.id;
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', probeId })).body.id;
});
afterAll(() => t.close());
beforeEach(async () => {
  live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
  await live.next('hello');
});
afterEach(() => live.close());

describe('live feed', () => {
  it('wants a session or an API token', async () => {
    expect((await t.app.request('/api/live')).status).toBe(401);
    const token = (await t.call('POST', '/api/tokens', { name: 'feed' })).body.token;
    const viaToken = await LiveClient.open((path, init) => t.app.request(path, init), { authorization: `Bearer ${token}` });
    expect(await viaToken.next('hello')).toEqual({ serverTime: t.clock.now() });
    viaToken.close();
  });

  it('reports the transitions of a results batch with host ids, and nothing for a duplicate', async () => {
    const at = t.clock.now();
    await handleProbeFrame(t.deps, probeId, results('b-1', at, ['198.18.0.5', '198.18.0.6']));
    const first = await live.next('hosts');
    const ids = (await t.call('GET', `/api/hosts?subnetId=${subnetId}`)).body.hosts.map((h: any) => h.id);
    const iso = new Date(at).toISOString();
    expect(first).toEqual({
      subnetIds: [subnetId],
      changes: [
        { hostId: ids[0], subnetId, ip: '198.18.0.5', from: 'unknown', to: 'up', at: iso },
        { hostId: ids[1], subnetId, ip: '198.18.0.6', from: 'unknown', to: 'up', at: iso },
      ],
    });
    await handleProbeFrame(t.deps, probeId, results('b-1', at, ['198.18.0.5', '198.18.0.6']));
    // a sweep without news still tells the UI the subnet was swept
    await handleProbeFrame(t.deps, probeId, results('b-2', at + 60_000, ['198.18.0.5', '198.18.0.6']));
    expect(await live.next('hosts')).toEqual({ subnetIds: [subnetId], changes: [] });
    await handleProbeFrame(t.deps, probeId, results('b-3', at + 120_000, ['198.18.0.5']));
    expect((await live.next('hosts')).changes).toMatchObject([{ ip: '198.18.0.6', from: 'up', to: 'down', at: new Date(at + 120_000).toISOString() }]);
    expect(live.received).toEqual([]);
  });

  it('reports a probe coming and going, and its hosts becoming unknown', async () => {
    await probeConnected(t.deps, { id: probeId, name: 'p' });
    expect(await live.next('probe')).toEqual({ probeId, connected: true });
    await probeDisconnected(t.deps, probeId);
    expect(await live.next('probe')).toEqual({ probeId, connected: false });
    const lost = await live.next('hosts');
    expect(lost.subnetIds).toEqual([subnetId]);
    expect(lost.changes.map((c) => `${c.ip} ${c.from}>${c.to}`).sort()).toEqual(['198.18.0.5 up>unknown', '198.18.0.6 down>unknown']);
    // already unknown: nothing more to report
    await probeDisconnected(t.deps, probeId);
    await live.next('probe');
    await new Promise((r) => setTimeout(r, 20));
    expect(live.received).toEqual([]);
  });

  it('reports edits through the API: hosts, CSV imports and subnets', async () => {
    const other = (await t.call('POST', '/api/subnets', { cidr: '198.18.1.0/24' })).body.id;
    expect(await live.next('subnets')).toEqual({});
    const host = (await t.call('POST', '/api/hosts', { ip: '198.18.1.9' })).body;
    expect(await live.next('hosts')).toEqual({ subnetIds: [other], changes: [] });
    await t.call('PATCH', `/api/hosts/${host.id}`, { notes: 'x' });
    expect(await live.next('hosts')).toEqual({ subnetIds: [other], changes: [] });
    await t.call('DELETE', `/api/hosts/${host.id}`);
    expect(await live.next('hosts')).toEqual({ subnetIds: [other], changes: [] });
    await t.call('POST', '/api/import/hosts', 'ip\n198.18.1.20\n198.18.0.20\n198.18.1.21\n');
    expect((await live.next('hosts')).subnetIds.sort()).toEqual([subnetId, other].sort());
    await t.call('POST', '/api/import/subnets', 'cidr\n198.18.2.0/24\n');
    await live.next('subnets');
    await t.call('PATCH', `/api/subnets/${other}`, { name: 'two' });
    await live.next('subnets');
    await t.call('DELETE', `/api/subnets/${other}`);
    await live.next('subnets');
    // rejected input publishes nothing
    await t.call('POST', '/api/hosts', { ip: '198.19.0.1' });
    await t.call('POST', '/api/subnets', { cidr: 'nonsense' });
    await new Promise((r) => setTimeout(r, 20));
    expect(live.received).toEqual([]);
  });

  it('a job_status from a probe that does not name the subnet is not relayed', async () => {
    await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'job_status', jobId: 'old', state: 'done' }));
    await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'job_status', jobId: 'new', subnetId, state: 'progress', done: 1, total: 254 }));
    expect(await live.next('job')).toEqual({ jobId: 'new', subnetId, probeId, state: 'progress', done: 1, total: 254 });
    expect(live.received).toEqual([]);
  });
});
