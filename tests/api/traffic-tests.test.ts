/**
 * Traffic tests through the API (issue 16), with RawProbes on the real Node hub: the refusals (in order, writing
 * nothing and sending nothing), the listener and client jobs each probe gets, the test through its probes' statuses,
 * its `traffic` result stored and listed by pair, a failure's cause kept, a disconnect and the time limit ending a
 * test, the audit row and the retention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trafficClientJob, trafficServerJob } from '../../schema/kinds/traffic.js';
import { pruneHistory } from '../../worker/duties.js';
import type { TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { roundTrip, sendResults, startPortRig, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';

const KINDS = ['sweep', 'traffic-server', 'traffic-client'];
const net = (...addresses: string[]) => ({ gateways: [], interfaces: [{ name: 'lo', mac: null, addresses: ['127.0.0.1/8'] }, { name: 'eth0', mac: null, addresses }] });
let rig: PortRig;
let t: TestApp;
let live: LiveClient;
const p: Record<string, RawProbe> = {};
const id: Record<string, number> = {};
let batch = 0;

const start = (body: unknown, headers?: Record<string, string>) => t.call('POST', '/api/traffic-tests', body, headers);
const get = async (testId: string) => (await t.call('GET', `/api/traffic-tests/${testId}`)).body;
const rows = async () => Number((await t.client.execute('SELECT count(*) AS n FROM traffic_tests')).rows[0]!.n);
const jobsOf = async (probe: RawProbe) => {
  await roundTrip(probe);
  const jobs = probe.received.filter((m) => m.type === 'job');
  for (const j of jobs) probe.received.splice(probe.received.indexOf(j), 1);
  return jobs as any[];
};
const status = async (probe: RawProbe, jobId: string, kind: string, state: string, extra: Record<string, unknown> = {}) => {
  probe.send({ type: 'job_status', jobId, kind, state, ...extra });
  await roundTrip(probe);
};
const result = (over: Record<string, unknown> = {}) => ({
  protocol: 'tcp', sentBps: 49_500_000, receivedBps: 48_700_000, sentBytes: 61_875_000, receivedBytes: 60_875_000, seconds: 10, retransmits: 12,
  jitterMs: null, lostPackets: null, packets: null, lossPercent: null, cpuLocalPercent: 3.5, cpuRemotePercent: 1.25,
  intervals: [49e6, 50e6, 49.5e6], version: 'iperf 3.12', raw: '{"end":{"sum_sent":{}}}', ...over,
});
const item = (job: { jobId: string; testId: string }, over: Record<string, unknown> = {}) => ({ kind: 'traffic', jobId: job.jobId, testId: job.testId, at: t.clock.now() - 10_000, durationMs: 10_100, address: '198.18.40.2', result: result(), ...over });
const results = (probe: RawProbe, items: unknown[]) => sendResults(probe, `traffic-${++batch}`, items);
const pair = (from: string, to: string) => `p${id[from]}-p${id[to]}`;

beforeAll(async () => {
  rig = await startPortRig();
  t = rig.t;
  const enrol = async (name: string) => {
    const e = await rig.enrol(name);
    id[name] = e.id;
    return e.token;
  };
  p.src = await rig.connect(await enrol('src'), { kinds: KINDS, version: '0.8.0', network: net('198.19.0.1/24', '198.18.40.1/30') });
  p.dst = await rig.connect(await enrol('dst'), { kinds: KINDS, version: '0.8.0', network: net('198.19.9.1/24', '198.18.40.2/30') });
  p.third = await rig.connect(await enrol('third'), { kinds: KINDS, version: '0.8.0', network: net('198.18.41.2/24') });
  p.old = await rig.connect(await enrol('old'), { kinds: ['sweep', 'op-ping'], version: '0.7.0', network: net('198.18.42.2/24') });
  p.bare = await rig.connect(await enrol('bare'), { kinds: KINDS, version: '0.8.0', network: { gateways: [], interfaces: [{ name: 'lo', mac: null, addresses: ['127.0.0.1/8', '::1/128'] }] } });
  await enrol('away');
  live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
  await live.next('hello');
});
afterAll(async () => {
  live.close();
  await rig.close();
});

const FIELD: Record<string, (body: any) => string> = {
  unknown_probe: (b) => (b.from === 999_999 ? 'from' : 'to'),
  same_probe: () => 'to',
  probe_offline: (b) => (b.from === id.away ? 'from' : 'to'),
  unsupported_by_probe: (b) => (b.from === id.old ? 'from' : 'to'),
  invalid_target: (b) => (b.toAddress ? 'toAddress' : 'to'),
  no_probe_address: () => 'to',
  invalid_bandwidth: () => 'bandwidth',
};

describe('refusals come before anything is written or sent', () => {
  it.each([
    ['an unknown source', () => ({ from: 999_999, to: id.dst }), 404, 'unknown_probe'],
    ['an unknown target', () => ({ from: id.src, to: 999_999 }), 404, 'unknown_probe'],
    ['the same probe', () => ({ from: id.src, to: id.src }), 400, 'same_probe'],
    ['a source not connected', () => ({ from: id.away, to: id.dst }), 503, 'probe_offline'],
    ['a target not connected', () => ({ from: id.src, to: id.away }), 503, 'probe_offline'],
    ['a source without traffic-client', () => ({ from: id.old, to: id.dst }), 409, 'unsupported_by_probe'],
    ['a target without traffic-server', () => ({ from: id.src, to: id.old }), 409, 'unsupported_by_probe'],
    ['an address that is not an IP', () => ({ from: id.src, to: 'iperf.example' }), 400, 'invalid_target'],
    ['a multicast address', () => ({ from: id.src, to: '233.252.0.1' }), 400, 'invalid_target'],
    ['a toAddress not of the target', () => ({ from: id.src, to: id.dst, toAddress: '198.18.40.9' }), 400, 'invalid_target'],
    ['a target with no usable address', () => ({ from: id.src, to: id.bare }), 409, 'no_probe_address'],
    ['a bandwidth that is no rate', () => ({ from: id.src, to: id.dst, bandwidth: 'fast' }), 400, 'invalid_bandwidth'],
    ['a bandwidth under 1K', () => ({ from: id.src, to: id.dst, bandwidth: '10' }), 400, 'invalid_bandwidth'],
    ['a duration over 300 s', () => ({ from: id.src, to: id.dst, durationSeconds: 301 }), 400, 'invalid_request'],
    ['17 streams', () => ({ from: id.src, to: id.dst, parallel: 17 }), 400, 'invalid_request'],
    ['a privileged port', () => ({ from: id.src, to: id.dst, port: 80 }), 400, 'invalid_request'],
    ['an unknown field', () => ({ from: id.src, to: id.dst, password: 'x' }), 400, 'invalid_request'],
    ['toAddress with an address target', () => ({ from: id.src, to: '198.18.40.2', toAddress: '198.18.40.2' }), 400, 'invalid_request'],
  ])('%s: %i %s', async (_name, body, code, error) => {
    const before = await rows();
    const res = await start(body());
    expect([res.status, res.body.error?.code]).toEqual([code, error]);
    // the form marks the field a refusal names
    if (error !== 'invalid_request') expect(res.body.error.details?.field).toBe(FIELD[error]!(body()));
    expect(await rows()).toBe(before);
    for (const probe of Object.values(p)) expect(await jobsOf(probe)).toEqual([]);
  });

  it('a viewer may read but not start', async () => {
    expect((await t.call('POST', '/api/users', { username: 'watcher', password: 'watcher-password', role: 'viewer' })).status).toBe(201);
    const login = await t.call('POST', '/api/auth/login', { username: 'watcher', password: 'watcher-password' }, {});
    const viewer = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
    expect((await start({ from: id.src, to: id.dst }, viewer)).status).toBe(403);
    expect((await t.call('GET', '/api/traffic-tests', undefined, viewer)).status).toBe(200);
  });
});

describe('a TCP test between two probes', () => {
  let testId: string;
  let server: any;
  let client: any;

  it('201 running; the target gets the listener bound to the address it shares with the source, the source the client job', async () => {
    const res = await start({ from: id.src, to: id.dst, bandwidth: '50M', durationSeconds: 10 });
    expect(res.status).toBe(201);
    testId = res.body.id;
    expect(res.body).toMatchObject({
      pair: pair('src', 'dst'), from: { probeId: id.src, name: 'src' }, to: { probeId: id.dst, name: 'dst', address: '198.18.40.2' }, port: 5201, protocol: 'tcp',
      durationSeconds: 10, bandwidthBps: 50_000_000, parallel: 1, reverse: false, state: 'running', code: null, requestedBy: 'admin', startedAt: null, intervals: [], raw: null,
    });
    [server] = await jobsOf(p.dst!);
    [client] = await jobsOf(p.src!);
    expect(trafficServerJob.parse(server)).toEqual({ type: 'job', kind: 'traffic-server', jobId: server.jobId, testId, port: 5201, bind: '198.18.40.2', timeoutMs: 60_000 });
    expect(trafficClientJob.parse(client)).toEqual({
      type: 'job', kind: 'traffic-client', jobId: client.jobId, testId, target: '198.18.40.2', port: 5201, protocol: 'tcp', durationSeconds: 10,
      bandwidthBps: 50_000_000, parallel: 1, reverse: false, connectWaitMs: 5_000, timeoutMs: 45_000,
    });
    expect(client.jobId).not.toBe(server.jobId);
    expect(await jobsOf(p.third!)).toEqual([]);
    expect(await live.next('traffic', (d) => d.testId === testId)).toEqual({ testId, state: 'running' });
    const audit = (await t.call('GET', '/api/audit?action=traffic.start')).body;
    expect(audit.entries[0]).toMatchObject({ action: 'traffic.start', actor: 'admin', targetType: 'traffic', targetId: testId });
  });

  it('a test of either probe meanwhile is 409 traffic_test_busy; one of two other probes is not', async () => {
    for (const body of [{ from: id.third, to: id.dst }, { from: id.dst, to: id.third }, { from: id.src, to: '198.18.41.2' }]) {
      const before = await rows();
      const res = await start(body);
      expect([res.status, res.body.error?.code]).toEqual([409, 'traffic_test_busy']);
      expect(await rows()).toBe(before);
    }
    for (const probe of Object.values(p)) expect(await jobsOf(probe)).toEqual([]);
  });

  it('the probes’ statuses: each side’s state, the client’s start; another probe’s report on the job changes nothing', async () => {
    await status(p.third!, server.jobId, 'traffic-server', 'failed', { code: 'port_in_use' });
    await status(p.dst!, client.jobId, 'traffic-client', 'failed', { code: 'connect_failed' });
    expect(await get(testId)).toMatchObject({ state: 'running', serverState: null, clientState: null });
    await status(p.dst!, server.jobId, 'traffic-server', 'started');
    expect(await live.next('traffic', (d) => d.testId === testId)).toEqual({ testId, state: 'running' });
    t.clock.advance(1_000);
    await status(p.src!, client.jobId, 'traffic-client', 'started');
    const v = await get(testId);
    expect(v).toMatchObject({ state: 'running', serverState: 'started', clientState: 'started', startedAt: new Date(t.clock.now()).toISOString() });
  });

  it('the traffic result: stored, the test done with its figures; the detail has the intervals and the raw JSON', async () => {
    t.clock.advance(10_500);
    const ack = await results(p.src!, [item(client)]);
    expect(ack.rejectedResults).toBeUndefined();
    expect(await live.next('traffic', (d) => d.testId === testId && d.state === 'done')).toEqual({ testId, state: 'done' });
    const v = await get(testId);
    expect(v).toMatchObject({
      state: 'done', code: null, sentBps: 49_500_000, receivedBps: 48_700_000, retransmits: 12, jitterMs: null, cpuLocalPercent: 3.5, cpuRemotePercent: 1.25,
      intervals: [49e6, 50e6, 49.5e6], raw: '{"end":{"sum_sent":{}}}', finishedAt: new Date(t.clock.now()).toISOString(),
    });
    await status(p.dst!, server.jobId, 'traffic-server', 'done');
    await status(p.src!, client.jobId, 'traffic-client', 'done');
    expect(await get(testId)).toMatchObject({ state: 'done', serverState: 'done', clientState: 'done' });
    // the same result again (a re-sent batch under another id) finds no running test
    await results(p.src!, [item(client, { result: result({ receivedBps: 1 }) })]);
    expect((await get(testId)).receivedBps).toBe(48_700_000);
  });

  it('listed by pair, newest first, with the pairs recently tested', async () => {
    const udp = await start({ from: id.src, to: id.dst, protocol: 'udp', bandwidth: 60_000_000, durationSeconds: 3, parallel: 2, reverse: true, port: 5202 });
    expect(udp.status).toBe(201);
    const [c] = (await jobsOf(p.src!)).filter((j) => j.kind === 'traffic-client');
    expect(c).toMatchObject({ protocol: 'udp', bandwidthBps: 60_000_000, parallel: 2, reverse: true, port: 5202, durationSeconds: 3 });
    await jobsOf(p.dst!);
    await results(p.src!, [item(c, { result: result({ protocol: 'udp', retransmits: null, jitterMs: 0.21, lostPackets: 40, packets: 15_000, lossPercent: 0.27 }) })]);
    t.clock.advance(1_000);
    const other = await start({ from: id.third, to: '198.18.40.2' });
    expect(other.status).toBe(201);
    const third = (await jobsOf(p.third!))[0];
    expect(third).toMatchObject({ kind: 'traffic-client', target: '198.18.40.2', connectWaitMs: 0 });

    const list = (await t.call('GET', `/api/traffic-tests?pair=${encodeURIComponent(pair('src', 'dst'))}`)).body;
    expect(list.tests.map((x: any) => [x.protocol, x.state, x.lossPercent])).toEqual([['udp', 'done', 0.27], ['tcp', 'done', null]]);
    expect(list.tests[0]).not.toHaveProperty('raw');
    expect(list.pairs).toEqual([
      { pair: `p${id.third}-a198.18.40.2`, from: { probeId: id.third, name: 'third' }, to: { probeId: null, name: null, address: '198.18.40.2' }, tests: 1, last: { id: other.body.id, state: 'running', receivedBps: null, createdAt: other.body.createdAt } },
      { pair: pair('src', 'dst'), from: { probeId: id.src, name: 'src' }, to: { probeId: id.dst, name: 'dst', address: '198.18.40.2' }, tests: 2, last: { id: udp.body.id, state: 'done', receivedBps: 48_700_000, createdAt: udp.body.createdAt } },
    ]);
    const page = (await t.call('GET', '/api/traffic-tests?limit=1')).body;
    expect([page.tests.map((x: any) => x.id), page.next]).toEqual([[other.body.id], other.body.id]);
    expect((await t.call('GET', `/api/traffic-tests?limit=5&before=${page.next}`)).body.tests.map((x: any) => x.id)).toEqual([udp.body.id, testId]);
    expect((await t.call('GET', '/api/traffic-tests?limit=501')).status).toBe(400);
    expect((await t.call('GET', '/api/traffic-tests/nope')).status).toBe(404);
  });

  it('a test to an address past its time limit reads as failed timeout; its late result is not stored', async () => {
    const [running] = (await t.call('GET', `/api/traffic-tests?pair=p${id.third}-a198.18.40.2`)).body.tests;
    t.clock.advance(10_000 + 60_000);
    expect(await get(running.id)).toMatchObject({ state: 'failed', code: 'timeout', failedStep: 'server' });
    const [row] = (await t.client.execute({ sql: 'SELECT client_job_id FROM traffic_tests WHERE id = ?', args: [running.id] })).rows;
    await results(p.third!, [item({ jobId: String(row!.client_job_id), testId: running.id })]);
    expect(await get(running.id)).toMatchObject({ state: 'failed', code: 'timeout', receivedBps: null });
    // the time limit frees the probe for the next test
    expect((await start({ from: id.third, to: '198.18.40.2' })).status).toBe(201);
    await jobsOf(p.third!);
  });
});

describe('failures', () => {
  it('the listener fails first: the test fails with its code; the client failing to connect after keeps that cause', async () => {
    t.clock.advance(120_000);
    const res = await start({ from: id.src, to: id.dst, toAddress: '198.19.9.1' });
    expect(res.body.to.address).toBe('198.19.9.1');
    const [server] = await jobsOf(p.dst!);
    const [client] = await jobsOf(p.src!);
    expect([server.bind, client.target]).toEqual(['198.19.9.1', '198.19.9.1']);
    await status(p.dst!, server.jobId, 'traffic-server', 'failed', { code: 'port_in_use', error: 'iperf3: unable to start listener: Address already in use' });
    expect(await live.next('traffic', (d) => d.testId === res.body.id && d.state === 'failed')).toEqual({ testId: res.body.id, state: 'failed' });
    await status(p.src!, client.jobId, 'traffic-client', 'failed', { code: 'connect_failed', error: 'Connection refused' });
    expect(await get(res.body.id)).toMatchObject({ state: 'failed', failedStep: 'server', code: 'port_in_use', error: 'iperf3: unable to start listener: Address already in use', serverState: 'failed', clientState: 'failed' });
  });

  it('a probe refusing the target: failed on the client side with the probe’s code', async () => {
    const res = await start({ from: id.src, to: id.dst });
    await jobsOf(p.dst!);
    const [client] = await jobsOf(p.src!);
    await status(p.src!, client.jobId, 'traffic-client', 'failed', { code: 'target_not_allowed', error: '198.18.40.2 is outside this probe’s ALLOWED_TARGETS' });
    expect(await get(res.body.id)).toMatchObject({ state: 'failed', failedStep: 'client', code: 'target_not_allowed' });
  });

  it('the target probe disconnecting fails its running test probe_disconnected on the server side', async () => {
    const res = await start({ from: id.src, to: id.dst });
    await jobsOf(p.dst!);
    await jobsOf(p.src!);
    p.dst!.close();
    expect(await live.next('traffic', (d) => d.testId === res.body.id && d.state === 'failed')).toEqual({ testId: res.body.id, state: 'failed' });
    expect(await get(res.body.id)).toMatchObject({ state: 'failed', failedStep: 'server', code: 'probe_disconnected' });
    expect((await start({ from: id.src, to: id.dst })).body.error.code).toBe('probe_offline');
  });
});

describe('retention', () => {
  it('prune-history keeps tests younger than TRAFFIC_RETENTION_DAYS and drops older ones', async () => {
    const before = await rows();
    expect(before).toBeGreaterThan(5);
    t.clock.advance(89 * 86_400_000);
    await pruneHistory.run(t.deps);
    expect(await rows()).toBe(before);
    t.clock.advance(2 * 86_400_000);
    await pruneHistory.run(t.deps);
    expect(await rows()).toBe(0);
  });
});
