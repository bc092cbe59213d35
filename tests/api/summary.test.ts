import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleProbeFrame, probeConnected } from '../../worker/probe-link/session.js';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ downAfterFailures: 1 });
});
afterAll(() => t.close());

describe('GET /api/summary', () => {
  it('is all zeros on an empty database', async () => {
    expect((await t.call('GET', '/api/summary')).body).toEqual({ hosts: { total: 0, up: 0, down: 0, unknown: 0, previouslyUsed: 0 }, subnets: { total: 0 }, probes: { total: 0, connected: 0 } });
  });

  it('counts hosts by status, subnets, and probes that are connected', async () => {
    const a = (await t.call('POST', '/api/probes', { name: 'a' })).body.id;
    await t.call('POST', '/api/probes', { name: 'b' });
    const subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', probeId: a })).body.id;
    await t.call('POST', '/api/subnets', { cidr: 'fd00:1::/64' });
    await probeConnected(t.deps, { id: a, name: 'a' });
    const sweep = (batchId: string, at: number, up: string[]) =>
      handleProbeFrame(t.deps, a, JSON.stringify({ type: 'results', batchId, sweeps: [{ subnetId, at, durationMs: 1, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [] }] }));
    await sweep('s-1', t.clock.now(), ['198.18.0.1', '198.18.0.2', '198.18.0.3']);
    await sweep('s-2', t.clock.now() + 60_000, ['198.18.0.1']);
    await t.call('POST', '/api/hosts', { ip: 'fd00:1::9', reserved: true });
    expect((await t.call('GET', '/api/summary')).body).toEqual({
      hosts: { total: 4, up: 1, down: 2, unknown: 1, previouslyUsed: 0 },
      subnets: { total: 2 },
      probes: { total: 2, connected: 1 },
    });
  });
});
