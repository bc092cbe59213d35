/**
 * Traceroute on request through the API (issue 12), with RawProbes on the real Node hub: the job a probe receives,
 * its statuses on the live feed with the host, the result kept per host (an older one never over a newer), and
 * every refusal writing nothing and sending no probe anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracerouteJob } from '../../schema/kinds/traceroute.js';
import type { TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { allCounts, hostId, roundTrip, sendResults, startPortRig, sweepItem, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';

let rig: PortRig;
let t: TestApp;
let live: LiveClient;
let tracer: RawProbe;
let far: RawProbe;
let old: RawProbe;
const probe: Record<string, number> = {};
const subnet: Record<string, number> = {};
const host: Record<string, number> = {};
let viewer: Record<string, string>;

const trace = (ip: string, body?: unknown, headers?: Record<string, string>) => t.call('POST', `/api/hosts/${host[ip]}/trace`, body, headers);
const view = async (ip: string) => (await t.call('GET', `/api/hosts/${host[ip]}/trace`)).body;
const jobRow = async (id: string) =>
  (await t.client.execute({ sql: 'SELECT kind, state, origin, targets, subnet_id AS subnetId, probe_id AS probeId, error, requested_at AS requestedAt, expires_at AS expiresAt FROM jobs WHERE id = ?', args: [id] })).rows[0];
const counts = async () => ({ ...(await allCounts(t)), host_traces: Number((await t.client.execute('SELECT count(*) AS n FROM host_traces')).rows[0]!.n) });
const status = (p: RawProbe, jobId: string, state: string, extra: Record<string, unknown> = {}) => p.send({ type: 'job_status', jobId, subnetId: subnet.lab, kind: 'traceroute', state, ...extra });
const sentNothing = async (p: RawProbe) => {
  await roundTrip(p);
  expect(p.received.filter((m) => m.type === 'job')).toEqual([]);
};
const hops = (target: string) => [
  { hop: 1, address: '198.18.200.2', name: 'gw.lab.example', rttMs: [0.101, 0.014, 0.011], loss: 0 },
  { hop: 2, address: null, name: null, rttMs: [], loss: 1 },
  { hop: 3, address: target, name: null, rttMs: [0.5, 0.4], loss: 1 / 3 },
];
const traceItem = (jobId: string, target: string, at: number, extra: Record<string, unknown> = {}) => ({
  kind: 'traceroute', subnetId: subnet.lab, at, durationMs: 1200, jobId, target, hops: hops(target), reached: true, ...extra,
});
let batch = 0;
const results = (p: RawProbe, items: unknown[]) => sendResults(p, `t-${++batch}`, items);

beforeAll(async () => {
  rig = await startPortRig({ traceJobsPerProbe: 2 });
  t = rig.t;
  const enrolled: Record<string, { id: number; token: string }> = {};
  for (const name of ['tracer', 'far', 'old', 'offline']) probe[name] = (enrolled[name] = await rig.enrol(name)).id;
  const add = async (name: string, cidr: string, probeId: number | null) => (subnet[name] = (await t.call('POST', '/api/subnets', { cidr, probeId })).body.id);
  await add('lab', '198.18.0.0/24', probe.tracer!);
  await add('far', '198.18.7.0/24', probe.far!);
  await add('old', '198.18.1.0/24', probe.old!);
  await add('offline', '198.18.2.0/24', probe.offline!);
  await add('none', '198.18.4.0/24', null);
  for (const ip of ['198.18.1.9', '198.18.2.9', '198.18.4.9', '198.18.7.9']) await t.call('POST', '/api/hosts', { ip });
  tracer = await rig.connect(enrolled.tracer!.token, { kinds: ['sweep', 'port_scan', 'traceroute'] });
  far = await rig.connect(enrolled.far!.token, { kinds: ['sweep', 'traceroute'] });
  old = await rig.connect(enrolled.old!.token, { kinds: ['sweep', 'port_scan'] });
  await results(tracer, [sweepItem(subnet.lab!, t.clock.now(), ['198.18.0.10', '198.18.0.11', '198.18.0.12'])]);
  for (const ip of ['198.18.0.10', '198.18.0.11', '198.18.0.12', '198.18.1.9', '198.18.2.9', '198.18.4.9', '198.18.7.9']) host[ip] = await hostId(t, ip);
  expect((await t.call('POST', '/api/users', { username: 'watcher', password: 'watcher-password', role: 'viewer' })).status).toBe(201);
  const login = await t.call('POST', '/api/auth/login', { username: 'watcher', password: 'watcher-password' }, {});
  viewer = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
  live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
  await live.next('hello');
});
afterAll(async () => {
  live.close();
  await rig.close();
});

describe('a trace on request', () => {
  let first: string;

  it('202; the host’s probe gets a well-formed job; a job row; the live feed hears it queued with the host; the audit log has it', async () => {
    const res = await trace('198.18.0.10');
    expect(res).toMatchObject({ status: 202, body: { probeId: probe.tracer, target: '198.18.0.10' } });
    first = res.body.jobId;
    const job = await tracer.next('job');
    expect(job).toEqual({ type: 'job', kind: 'traceroute', jobId: first, subnetId: subnet.lab, target: '198.18.0.10', maxHops: 30, timeoutMs: 60_000 });
    expect(tracerouteJob.safeParse(job).success).toBe(true);
    const row = await jobRow(first);
    expect(row).toMatchObject({ kind: 'traceroute', state: 'queued', origin: 'manual', targets: 1, subnetId: subnet.lab, probeId: probe.tracer, error: null });
    expect(Number(row!.expiresAt) - Number(row!.requestedAt)).toBe(120_000);
    expect(await live.next('job', (j) => j.jobId === first)).toEqual({ jobId: first, kind: 'traceroute', subnetId: subnet.lab, probeId: probe.tracer, state: 'queued', hostIds: [host['198.18.0.10']] });
    expect(await view('198.18.0.10')).toEqual({ trace: null, job: { jobId: first, state: 'queued', error: null, requestedAt: new Date(t.clock.now()).toISOString() } });
    const audit = await t.client.execute("SELECT action FROM audit_log WHERE action = 'host.trace'");
    expect(audit.rows).toHaveLength(1);
  });

  it('the probe’s statuses reach the live feed with the host; the result is kept and GET returns it; done follows from the probe', async () => {
    status(tracer, first, 'started');
    status(tracer, first, 'progress', { done: 3, total: 30 });
    await roundTrip(tracer);
    expect(await live.next('job', (j) => j.jobId === first && j.state === 'progress')).toEqual({
      jobId: first, kind: 'traceroute', subnetId: subnet.lab, probeId: probe.tracer, state: 'progress', done: 3, total: 30, hostIds: [host['198.18.0.10']],
    });
    expect((await view('198.18.0.10')).job).toMatchObject({ state: 'progress' });

    const at = t.clock.now() - 2000;
    const ack = await results(tracer, [traceItem(first, '198.18.0.10', at)]);
    expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    expect(ack.rejectedResults).toBeUndefined();
    expect(await jobRow(first)).toMatchObject({ state: 'done' });
    expect(await view('198.18.0.10')).toEqual({
      trace: { jobId: first, probeId: probe.tracer, at: new Date(at).toISOString(), durationMs: 1200, reached: true, target: '198.18.0.10', hops: hops('198.18.0.10') },
      job: { jobId: first, state: 'done', error: null, requestedAt: expect.any(String) },
    });
    status(tracer, first, 'done');
    await roundTrip(tracer);
    expect(await live.next('job', (j) => j.jobId === first && j.state === 'done')).toMatchObject({ kind: 'traceroute', hostIds: [host['198.18.0.10']] });
    // the job was under way when the result came: the ingest said nothing, the probe's done is the one event
    expect(live.log.filter((m) => m.event === 'job' && m.data.jobId === first && m.data.state === 'done')).toHaveLength(1);
  });

  it('an older result does not overwrite a newer one (stale); a newer one replaces it', async () => {
    const before = await view('198.18.0.10');
    const older = await results(tracer, [traceItem(first, '198.18.0.10', Date.parse(before.trace.at) - 1000, { reached: false, hops: [] })]);
    expect(older.rejectedResults).toEqual([{ kind: 'traceroute', subnetId: subnet.lab, at: Date.parse(before.trace.at) - 1000, reason: 'stale' }]);
    const same = await results(tracer, [traceItem(first, '198.18.0.10', Date.parse(before.trace.at), { reached: false })]);
    expect(same.rejectedResults).toMatchObject([{ reason: 'stale' }]);
    expect(await view('198.18.0.10')).toEqual(before);

    t.clock.advance(1000);
    const second = (await trace('198.18.0.10')).body.jobId;
    await tracer.next('job');
    const at = t.clock.now();
    // hop names are hostnames or nothing: a control character or a bidi override from a reverse zone is not stored
    const hops = [
      { hop: 1, address: '198.18.200.2', name: 'GW.Lab.', rttMs: [1], loss: 2 / 3 },
      { hop: 2, address: '198.18.200.3', name: 'evil\u0007.lab', rttMs: [1], loss: 0 },
      { hop: 3, address: '198.18.200.4', name: 'x\u202e.lab', rttMs: [1], loss: 0 },
    ];
    await results(tracer, [traceItem(second, '198.18.0.10', at, { reached: false, hops })]);
    expect((await view('198.18.0.10')).trace).toMatchObject({ jobId: second, at: new Date(at).toISOString(), reached: false });
    expect((await view('198.18.0.10')).trace.hops.map((h: { name: string | null }) => h.name)).toEqual(['gw.lab', null, null]);
    status(tracer, second, 'done');
    await roundTrip(tracer);
  });

  it('a result of a subnet that is not the probe’s is rejected; a target without a host record is dropped', async () => {
    const c = await counts();
    const stored = await view('198.18.0.10');
    const foreign = await results(far, [traceItem('x-1', '198.18.0.10', t.clock.now())]);
    expect(foreign.rejectedSubnets).toEqual([subnet.lab]);
    expect(await view('198.18.0.10')).toEqual(stored);
    // .99 has no host record; .7.9 is not inside the lab subnet the item names
    const ignored = await results(tracer, [traceItem('x-2', '198.18.0.99', t.clock.now()), traceItem('x-3', '198.18.7.9', t.clock.now() - 1)]);
    expect(ignored).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    const after = await counts();
    expect(after.host_traces).toBe(c.host_traces);
    expect(await view('198.18.0.10')).toEqual(stored);
  });

  it('a job past its time limit shows as failed; its late result is still kept and the live feed hears done with the host', async () => {
    const late = (await trace('198.18.0.11')).body.jobId;
    await tracer.next('job');
    t.clock.advance(121_000);
    expect((await view('198.18.0.11')).job).toEqual({ jobId: late, state: 'failed', error: expect.stringContaining('time limit'), requestedAt: expect.any(String) });
    await results(tracer, [traceItem(late, '198.18.0.11', t.clock.now() - 60_000)]);
    expect(await view('198.18.0.11')).toMatchObject({ trace: { jobId: late, reached: true }, job: { jobId: late, state: 'done' } });
    expect(await live.next('job', (j) => j.jobId === late && j.state === 'done')).toEqual({ jobId: late, kind: 'traceroute', subnetId: subnet.lab, probeId: probe.tracer, state: 'done', hostIds: [host['198.18.0.11']] });
  });

  it('a failed trace is relayed with its host and error', async () => {
    const failing = (await trace('198.18.0.12')).body.jobId;
    await tracer.next('job');
    status(tracer, failing, 'failed', { error: 'traceroute exited with 1: connect: Network is unreachable' });
    await roundTrip(tracer);
    expect(await live.next('job', (j) => j.jobId === failing && j.state === 'failed')).toMatchObject({ hostIds: [host['198.18.0.12']], error: expect.stringContaining('Network is unreachable') });
    expect((await view('198.18.0.12')).job).toMatchObject({ jobId: failing, state: 'failed', error: expect.stringContaining('unreachable') });
  });

  it('the chosen probe, when it holds the address, traces', async () => {
    const res = await trace('198.18.0.12', { probeId: probe.tracer });
    expect(res).toMatchObject({ status: 202, body: { probeId: probe.tracer, target: '198.18.0.12' } });
    expect(await tracer.next('job')).toMatchObject({ jobId: res.body.jobId, subnetId: subnet.lab, target: '198.18.0.12' });
    status(tracer, res.body.jobId, 'done');
    await roundTrip(tracer);
  });

  it(`at traceJobsPerProbe (2) traces under way: 429 too_many_traces, nothing stored or sent; a place frees when one ends or expires`, async () => {
    const a = (await trace('198.18.0.10')).body.jobId;
    const b = (await trace('198.18.0.11')).body.jobId;
    await tracer.next('job');
    await tracer.next('job');
    const c = await counts();
    const limited = await trace('198.18.0.12');
    expect([limited.status, limited.body.error.code, Number(limited.headers.get('retry-after')) > 0]).toEqual([429, 'too_many_traces', true]);
    expect(await counts()).toEqual(c);
    await sentNothing(tracer);
    status(tracer, a, 'done');
    await roundTrip(tracer);
    const third = await trace('198.18.0.12');
    expect(third.status).toBe(202);
    await tracer.next('job');
    expect((await trace('198.18.0.10')).status).toBe(429);
    t.clock.advance(121_000); // b and the third expire unreported
    expect((await trace('198.18.0.10')).status).toBe(202);
    await tracer.next('job');
    expect(await jobRow(b)).toMatchObject({ state: 'queued' });
  });
});

describe('the probe going away', () => {
  it('ends its traces under way as failed, with the host on the live feed', async () => {
    const other = await rig.enrol('leaving');
    const sub = (await t.call('POST', '/api/subnets', { cidr: '198.18.9.0/24', probeId: other.id })).body.id;
    const hid = (await t.call('POST', '/api/hosts', { ip: '198.18.9.9' })).body.id;
    const leaving = await rig.connect(other.token, { kinds: ['sweep', 'traceroute'] });
    const jobId = (await t.call('POST', `/api/hosts/${hid}/trace`)).body.jobId;
    await leaving.next('job');
    leaving.close();
    expect(await live.next('job', (j) => j.jobId === jobId && j.state === 'failed')).toEqual({
      jobId, kind: 'traceroute', subnetId: sub, probeId: other.id, state: 'failed', hostIds: [hid], error: 'the probe disconnected',
    });
    expect((await t.call('GET', `/api/hosts/${hid}/trace`)).body.job).toMatchObject({ jobId, state: 'failed', error: 'the probe disconnected' });
  });
});

describe('refused, writing nothing and sending nothing', () => {
  const refused = async (call: () => Promise<{ status: number; body: any }>) => {
    const c = await counts();
    const res = await call();
    expect(await counts()).toEqual(c);
    for (const p of [tracer, far, old]) await sentNothing(p);
    return [res.status, res.body.error?.code];
  };

  it.each([
    ['a chosen probe without a subnet holding the address', '198.18.0.10', { probeId: 'far' }, 400, 'target_outside_probe'],
    ['a chosen probe whose subnet is the host’s, but it is offline', '198.18.2.9', { probeId: 'offline' }, 409, 'probe_offline'],
    ['a chosen probe that does not exist', '198.18.0.10', { probeId: 9999 }, 400, 'unknown_probe'],
    ['the host’s probe runs no traceroutes', '198.18.1.9', undefined, 409, 'unsupported_by_probe'],
    ['the host’s probe is offline', '198.18.2.9', undefined, 409, 'probe_offline'],
    ['the host’s subnet has no probe', '198.18.4.9', undefined, 409, 'no_probe'],
    ['an unknown field', '198.18.0.10', { probeId: 'tracer', hops: 5 }, 400, 'invalid_request'],
    ['a probe id that is not a number', '198.18.0.10', { probeId: '1' }, 400, 'invalid_request'],
  ] as [string, string, Record<string, unknown> | undefined, number, string][])('%s: %s %j → %i %s', async (_name, ip, body, code, error) => {
    const resolved = body && { ...body, ...(typeof body.probeId === 'string' && body.probeId in probe ? { probeId: probe[body.probeId] } : {}) };
    expect(await refused(() => trace(ip, resolved))).toEqual([code, error]);
  });

  it('the old probe’s refusal names its version; the chosen-probe refusal names the address', async () => {
    expect((await trace('198.18.1.9')).body.error.message).toContain('version 0.3.0');
    expect((await trace('198.18.0.10', { probeId: probe.far })).body.error).toMatchObject({ details: { target: '198.18.0.10', probeId: probe.far } });
  });

  it('an unknown host: 404 for both', async () => {
    expect((await t.call('POST', '/api/hosts/999999/trace')).status).toBe(404);
    expect((await t.call('GET', '/api/hosts/999999/trace')).status).toBe(404);
  });

  it('a viewer reads the trace but may not start one', async () => {
    expect(await refused(() => trace('198.18.0.10', undefined, viewer))).toEqual([403, 'forbidden']);
    const read = await t.call('GET', `/api/hosts/${host['198.18.0.10']}/trace`, undefined, viewer);
    expect(read).toMatchObject({ status: 200, body: { trace: { target: '198.18.0.10' } } });
  });
});
