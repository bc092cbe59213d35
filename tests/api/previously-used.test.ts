/**
 * Previously used: a host that was alive and has been silent past PREVIOUSLY_USED_DAYS is shown apart (host view, table
 * flag, search filter, summary count) and its address offered by /free again with a hint. Sweeps go through the probe
 * protocol into the real ingest; the clock is the test's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { handleProbeFrame } from '../../worker/probe-link/session.js';
import { HOST_FLAGS } from '../../worker/domain/table-rows.js';
import { makeTestApp, TestClock, type TestApp } from '../support/app.js';

const DAY = 86_400_000;
const MAC = '00:0c:29:00:00:05';
let t: TestApp;
let seq = 0;
afterEach(() => t?.close());

async function setUp(config: { previouslyUsedDays?: number } = {}) {
  // sessions last past the days the clock moves on
  t = await makeTestApp({ downAfterFailures: 1, sessionTtlSeconds: 30 * 86_400, ...config }, { clock: new TestClock() });
  const probeId = (await t.call('POST', '/api/probes', { name: 'p' })).body.id;
  const subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.6.0/29', probeId })).body.id;
  const sweep = async (up: number[]) => {
    const item = { kind: 'sweep', subnetId, at: t.clock.now(), durationMs: 2, complete: true, up: up.map((n) => ({ ip: `198.18.6.${n}`, latencyMs: 1, ...(n === 5 && { mac: MAC, vendor: 'VMware, Inc.' }) })), down: [] };
    const [ack] = await handleProbeFrame(t.deps, probeId, JSON.stringify({ type: 'results', batchId: `u-${++seq}`, results: [item] }));
    expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
  };
  return { subnetId, sweep };
}

const hostAt = async (ip: string) => (await t.call('GET', `/api/hosts?q=${ip}`)).body.hosts.find((h: any) => h.ip === ip);
const row = async (subnetId: number, ip: string) => (await t.call('GET', `/api/subnets/${subnetId}/table`)).body.hosts.find((r: unknown[]) => r[1] === ip);

describe('previously used (PREVIOUSLY_USED_DAYS, default 7)', () => {
  it('a host silent past the threshold becomes previously used, is offered by /free with a hint, and stops being so when it answers', async () => {
    const { subnetId, sweep } = await setUp();
    await t.call('POST', '/api/hosts', { ip: '198.18.6.5', hostname: 'old-nas' });
    await sweep([1, 5]);
    const lastSeen = new Date(t.clock.now()).toISOString();
    t.clock.advance(60_000);
    await sweep([1]); // .5 goes down
    const id = (await hostAt('198.18.6.5')).id;

    // six days on (the probe sweeping all along): down, not yet previously used
    t.clock.advance(6 * DAY);
    await sweep([1]);
    expect(await hostAt('198.18.6.5')).toMatchObject({ status: 'down', previouslyUsed: false });
    expect((await t.call('GET', `/api/subnets/${subnetId}/free`)).body).toEqual({ addresses: ['198.18.6.2', '198.18.6.3', '198.18.6.4', '198.18.6.6'], next: null, reusable: [], reusableNext: null, verified: {} });

    // past seven days of silence
    t.clock.advance(DAY);
    await sweep([1]);
    expect(await hostAt('198.18.6.5')).toMatchObject({ status: 'down', previouslyUsed: true, lastSeenAt: lastSeen });
    expect((await t.call('GET', `/api/hosts/${id}`)).body.previouslyUsed).toBe(true);
    const free = (await t.call('GET', `/api/subnets/${subnetId}/free`)).body;
    // the free list stays what it was (addresses without a record); the reusable one comes beside it
    expect(free).toEqual({
      addresses: ['198.18.6.2', '198.18.6.3', '198.18.6.4', '198.18.6.6'],
      next: null,
      reusable: [{ ip: '198.18.6.5', previouslyUsed: { hostId: id, lastSeenAt: lastSeen, hostname: 'old-nas', mac: MAC } }],
      reusableNext: null,
      verified: {},
    });
    expect((await t.call('GET', `/api/subnets/${subnetId}/free?from=198.18.6.6`)).body.reusable).toEqual([]);
    expect((await t.call('GET', `/api/subnets/${subnetId}/free?to=198.18.6.4`)).body.reusable).toEqual([]);

    // shown apart: the table's flag, the search filter, the summary
    const r = await row(subnetId, '198.18.6.5');
    expect(r).toEqual([id, '198.18.6.5', 'down', 1, 'old-nas', expect.any(Number), expect.any(Number), HOST_FLAGS.previouslyUsed, MAC, 'VMware, Inc.']);
    expect((await row(subnetId, '198.18.6.1'))[7]).toBe(0);
    const ips = async (q: string) => (await t.call('GET', `/api/hosts?${q}`)).body.hosts.map((h: any) => h.ip);
    expect(await ips('previouslyUsed=true')).toEqual(['198.18.6.5']);
    expect(await ips('previouslyUsed=false')).toEqual(['198.18.6.1']);
    expect((await t.call('GET', '/api/summary')).body.hosts).toEqual({ total: 2, up: 1, down: 1, unknown: 0, previouslyUsed: 1 });

    // it answers again: in use, no longer offered
    await sweep([5]);
    expect(await hostAt('198.18.6.5')).toMatchObject({ status: 'up', previouslyUsed: false });
    expect((await t.call('GET', `/api/subnets/${subnetId}/free`)).body.reusable).toEqual([]);
    expect((await row(subnetId, '198.18.6.5'))[7]).toBe(0);
    expect((await t.call('GET', '/api/summary')).body.hosts.previouslyUsed).toBe(0);
  });

  it('an up host is not previously used, however long ago the last sweep was', async () => {
    const { sweep } = await setUp();
    await sweep([1]);
    t.clock.advance(8 * DAY);
    expect(await hostAt('198.18.6.1')).toMatchObject({ status: 'up', previouslyUsed: false });
    expect((await t.call('GET', '/api/summary')).body.hosts.previouslyUsed).toBe(0);
  });

  it('hosts nobody checked (their probe away for a week) are not previously used: silence is what sweeps saw', async () => {
    const { subnetId, sweep } = await setUp();
    await sweep([1, 5]);
    t.clock.advance(60_000);
    await sweep([1]); // .5 goes down
    t.clock.advance(8 * DAY); // no sweeps: the probe is away
    expect(await hostAt('198.18.6.5')).toMatchObject({ status: 'down', previouslyUsed: false });
    expect((await t.call('GET', `/api/subnets/${subnetId}/free`)).body.reusable).toEqual([]);
    expect((await t.call('GET', '/api/summary')).body.hosts.previouslyUsed).toBe(0);
    // back: the first sweep sees .5 still silent, eight days after its last answer
    await sweep([1]);
    expect(await hostAt('198.18.6.5')).toMatchObject({ status: 'down', previouslyUsed: true });
    expect((await t.call('GET', `/api/hosts?previouslyUsed=true`)).body.hosts.map((h: any) => h.ip)).toEqual(['198.18.6.5']);
  });

  it('a reserved address is held: flagged previously used but not offered as free', async () => {
    const { subnetId, sweep } = await setUp();
    await sweep([3, 4]);
    t.clock.advance(60_000);
    await sweep([]);
    const three = (await hostAt('198.18.6.3')).id;
    await t.call('PATCH', `/api/hosts/${three}`, { reserved: true, reservedBy: 'ops' });
    t.clock.advance(8 * DAY);
    await sweep([]);
    const free = (await t.call('GET', `/api/subnets/${subnetId}/free?limit=1`)).body;
    expect(free).toMatchObject({ addresses: ['198.18.6.1'], next: '198.18.6.2', reusableNext: null });
    expect(free.reusable.map((r: any) => r.ip)).toEqual(['198.18.6.4']);
    expect((await row(subnetId, '198.18.6.3'))[7]).toBe(HOST_FLAGS.reserved | HOST_FLAGS.previouslyUsed);
  });

  it('the reusable list pages on its own cursor', async () => {
    const { subnetId, sweep } = await setUp();
    await sweep([2, 3, 4]);
    t.clock.advance(60_000);
    await sweep([]);
    t.clock.advance(8 * DAY);
    await sweep([]);
    const page = (await t.call('GET', `/api/subnets/${subnetId}/free?limit=2`)).body;
    expect([page.reusable.map((r: any) => r.ip), page.reusableNext]).toEqual([['198.18.6.2', '198.18.6.3'], '198.18.6.4']);
    const rest = (await t.call('GET', `/api/subnets/${subnetId}/free?limit=2&from=${page.reusableNext}`)).body;
    expect([rest.reusable.map((r: any) => r.ip), rest.reusableNext]).toEqual([['198.18.6.4'], null]);
  });

  it('a short threshold (PREVIOUSLY_USED_DAYS=0.01, under 15 minutes) works the same', async () => {
    const { subnetId, sweep } = await setUp({ previouslyUsedDays: 0.01 });
    await sweep([5]);
    t.clock.advance(60_000);
    await sweep([]);
    t.clock.advance(10 * 60_000);
    await sweep([]);
    expect(await hostAt('198.18.6.5')).toMatchObject({ status: 'down', previouslyUsed: false });
    t.clock.advance(5 * 60_000);
    await sweep([]);
    expect(await hostAt('198.18.6.5')).toMatchObject({ status: 'down', previouslyUsed: true });
    expect((await t.call('GET', `/api/subnets/${subnetId}/free`)).body.reusable.map((r: any) => r.ip)).toEqual(['198.18.6.5']);
  });
});
