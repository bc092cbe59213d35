/**
 * Scheduled traffic tests through the API (issue 16's "every N hours per pair"), with RawProbes on the real Node hub
 * and the test clock: what a schedule refuses (writing nothing), the `traffic-schedules` duty starting a run as a
 * user's request would (the jobs, the test naming its schedule), a refused run kept on the schedule (offline,
 * busy and its retry), the phase kept through late ticks and downtime, pause and resume, removal, and a revoked
 * probe taking its schedules with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledTrafficTests } from '../../worker/duties.js';
import { BUSY_RETRY_MS } from '../../worker/domain/traffic-schedule.js';
import { ADMIN_PASSWORD, type TestApp } from '../support/app.js';
import { roundTrip, sendResults, startPortRig, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';

const H = 3_600_000;
const KINDS = ['sweep', 'traffic-server', 'traffic-client'];
const net = (...addresses: string[]) => ({ gateways: [], interfaces: [{ name: 'eth0', mac: null, addresses }] });
let rig: PortRig;
let t: TestApp;
const p: Record<string, RawProbe> = {};
const id: Record<string, number> = {};
let batch = 0;
let cookie = '';

/** Hours pass on the test clock; sessions end with them, so the admin logs in again. */
async function later(ms: number) {
  t.clock.advance(ms);
  const login = await t.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, {});
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}
const call = (method: string, path: string, body?: unknown) => t.call(method, path, body, cookie ? { cookie } : undefined);
const create = (body: unknown) => call('POST', '/api/traffic-schedules', body);
const schedule = async (sid: number) => (await call('GET', `/api/traffic-schedules/${sid}`)).body;
const count = async (table: string) => Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
const tick = () => scheduledTrafficTests.run(t.deps);
const jobsOf = async (probe: RawProbe) => {
  await roundTrip(probe);
  const jobs = probe.received.filter((m) => m.type === 'job');
  for (const j of jobs) probe.received.splice(probe.received.indexOf(j), 1);
  return jobs as any[];
};
/** The client's result for a running test, which ends it (its probes are free again). */
const finish = async (client: { jobId: string; testId: string }) => {
  const result = {
    protocol: 'tcp', sentBps: 9e6, receivedBps: 8.9e6, sentBytes: 11_250_000, receivedBytes: 11_125_000, seconds: 10, retransmits: 0, jitterMs: null, lostPackets: null,
    packets: null, lossPercent: null, cpuLocalPercent: 1, cpuRemotePercent: 1, intervals: [9e6], version: 'iperf 3.12', raw: '{}',
  };
  await sendResults(p.src!, `sched-${++batch}`, [{ kind: 'traffic', jobId: client.jobId, testId: client.testId, at: t.clock.now(), durationMs: 10_000, address: '198.18.50.2', result }]);
};

beforeAll(async () => {
  rig = await startPortRig();
  t = rig.t;
  const enrol = async (name: string) => {
    const e = await rig.enrol(name);
    id[name] = e.id;
    return e.token;
  };
  p.src = await rig.connect(await enrol('src'), { kinds: KINDS, version: '0.8.0', network: net('198.18.50.1/30') });
  p.dst = await rig.connect(await enrol('dst'), { kinds: KINDS, version: '0.8.0', network: net('198.18.50.2/30') });
  p.old = await rig.connect(await enrol('old'), { kinds: ['sweep'], version: '0.7.0', network: net('198.18.51.2/24') });
  await enrol('away');
});
afterAll(async () => {
  await rig.close();
});

describe('making a schedule', () => {
  it.each([
    ['an unknown probe', 404, 'unknown_probe', () => ({ from: 999_999, to: id.dst, everyHours: 6 })],
    ['the same probe', 400, 'same_probe', () => ({ from: id.src, to: id.src, everyHours: 6 })],
    ['a source without traffic-client', 409, 'unsupported_by_probe', () => ({ from: id.old, to: id.dst, everyHours: 6 })],
    ['a toAddress not of the target', 400, 'invalid_target', () => ({ from: id.src, to: id.dst, toAddress: '198.18.50.9', everyHours: 6 })],
    ['a multicast address', 400, 'invalid_target', () => ({ from: id.src, to: '233.252.0.1', everyHours: 6 })],
    ['no rate', 400, 'invalid_bandwidth', () => ({ from: id.src, to: id.dst, bandwidth: 'fast', everyHours: 6 })],
    ['no period', 400, 'invalid_request', () => ({ from: id.src, to: id.dst })],
    ['a period of 0 hours', 400, 'invalid_request', () => ({ from: id.src, to: id.dst, everyHours: 0 })],
    ['a period over a week', 400, 'invalid_request', () => ({ from: id.src, to: id.dst, everyHours: 169 })],
    ['a first run past', 400, 'invalid_request', () => ({ from: id.src, to: id.dst, everyHours: 6, firstRunAt: new Date(t.clock.now() - 2 * H).toISOString() })],
    ['a first run over a week ahead', 400, 'invalid_request', () => ({ from: id.src, to: id.dst, everyHours: 6, firstRunAt: new Date(t.clock.now() + 8 * 24 * H).toISOString() })],
    ['an unknown field', 400, 'invalid_request', () => ({ from: id.src, to: id.dst, everyHours: 6, cron: '0 * * * *' })],
  ])('refuses %s with %i %s and writes nothing', async (_name, status, code, body) => {
    const res = await create(body());
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(await count('traffic_schedules')).toBe(0);
  });

  it('takes a probe that has never connected (what it can do is not known yet) and refuses a second schedule of the same pair and way', async () => {
    const res = await create({ from: id.src, to: id.away, everyHours: 12 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ pair: `p${id.src}-p${id.away}`, to: { probeId: id.away, name: 'away', address: null }, everyHours: 12, enabled: true, lastCode: null, createdBy: 'admin' });
    const again = await create({ from: id.src, to: id.away, everyHours: 3 });
    expect([again.status, again.body.error?.code]).toEqual([409, 'schedule_exists']);
    expect((await create({ from: id.src, to: id.away, everyHours: 3, reverse: true })).status).toBe(201);
    expect(await count('traffic_schedules')).toBe(2);
    for (const s of (await call('GET', '/api/traffic-schedules')).body.schedules) expect((await call('DELETE', `/api/traffic-schedules/${s.id}`)).status).toBe(204);
  });
});

describe('runs', () => {
  let sid: number;
  let startsAt: number;
  let firstTest: string;

  it('the first run comes at the next tick: the same jobs a user’s request gets, and the test names its schedule', async () => {
    const res = await create({ from: id.src, to: id.dst, everyHours: 6, bandwidth: '10M', durationSeconds: 10 });
    expect(res.status).toBe(201);
    sid = res.body.id;
    startsAt = Date.parse(res.body.startsAt);
    expect(res.body).toMatchObject({ nextRunAt: res.body.startsAt, lastRunAt: null, lastTestId: null, bandwidthBps: 10_000_000 });
    const audit = (await call('GET', '/api/audit?action=traffic.schedule.create')).body;
    expect(audit.entries[0]).toMatchObject({ action: 'traffic.schedule.create', actor: 'admin' });

    await tick();
    const [server] = await jobsOf(p.dst!);
    const [client] = await jobsOf(p.src!);
    expect(server).toMatchObject({ kind: 'traffic-server', bind: '198.18.50.2', port: 5201 });
    expect(client).toMatchObject({ kind: 'traffic-client', target: '198.18.50.2', bandwidthBps: 10_000_000, durationSeconds: 10, testId: server.testId });
    firstTest = client.testId;
    const test = (await call('GET', `/api/traffic-tests/${firstTest}`)).body;
    expect(test).toMatchObject({ scheduleId: sid, requestedBy: 'admin', state: 'running', pair: `p${id.src}-p${id.dst}` });
    expect(await schedule(sid)).toMatchObject({ lastTestId: firstTest, lastCode: null, lastRunAt: new Date(t.clock.now()).toISOString(), nextRunAt: new Date(startsAt + 6 * H).toISOString() });
    // not due again until then
    await tick();
    expect(await jobsOf(p.src!)).toEqual([]);
    await finish(client);
    expect((await call('GET', `/api/traffic-tests/${firstTest}`)).body.state).toBe('done');
  });

  it('a run whose probe is busy is kept on the schedule, retried a minute later, and then starts', async () => {
    await later(6 * H);
    const manual = await call('POST', '/api/traffic-tests', { from: id.dst, to: id.src, durationSeconds: 5 });
    expect(manual.status).toBe(201);
    const [listener] = await jobsOf(p.src!);
    const [manualClient] = await jobsOf(p.dst!);
    await tick();
    expect(await schedule(sid)).toMatchObject({ lastCode: 'traffic_test_busy', lastTestId: firstTest, nextRunAt: new Date(t.clock.now() + BUSY_RETRY_MS).toISOString() });
    expect(await jobsOf(p.src!)).toEqual([]);
    // the manual test ends: its client (dst) reports its result
    await sendResults(p.dst!, `sched-${++batch}`, [{ kind: 'traffic', jobId: manualClient.jobId, testId: manualClient.testId, at: t.clock.now(), durationMs: 5_000, address: '198.18.50.1', result: { protocol: 'tcp', sentBps: 1, receivedBps: 1, sentBytes: 1, receivedBytes: 1, seconds: 5, retransmits: 0, jitterMs: null, lostPackets: null, packets: null, lossPercent: null, cpuLocalPercent: null, cpuRemotePercent: null, intervals: [], version: 'iperf 3.12', raw: null } }]);
    expect(listener.testId).toBe(manualClient.testId);
    await later(BUSY_RETRY_MS);
    await tick();
    const [client] = await jobsOf(p.src!);
    await jobsOf(p.dst!);
    expect(client).toMatchObject({ kind: 'traffic-client' });
    // the retry keeps the phase: the next run is still at startsAt + 12 h
    expect(await schedule(sid)).toMatchObject({ lastCode: null, lastTestId: client.testId, nextRunAt: new Date(startsAt + 12 * H).toISOString() });
    await finish(client);
  });

  it('a run whose probe is offline starts no test, says why, and comes again at its next time; downtime is not made up for', async () => {
    p.dst!.close();
    for (let i = 0; i < 100 && (await t.deps.hub.isConnected(id.dst!)); i++) await new Promise((r) => setTimeout(r, 20));
    await later(30 * H);
    const before = await count('traffic_tests');
    await tick();
    expect(await count('traffic_tests')).toBe(before);
    expect(await schedule(sid)).toMatchObject({ lastCode: 'probe_offline', nextRunAt: new Date(startsAt + 42 * H).toISOString() });
    expect((await schedule(sid)).lastError).toMatch(/dst is not connected/);
  });

  it('pausing stops its runs; resuming runs it next at its phase’s next time, not at once', async () => {
    const paused = await call('PATCH', `/api/traffic-schedules/${sid}`, { enabled: false });
    expect(paused.body).toMatchObject({ enabled: false, nextRunAt: null });
    await later(13 * H);
    const before = (await schedule(sid)).lastRunAt;
    await tick();
    expect((await schedule(sid)).lastRunAt).toBe(before);
    const resumed = await call('PATCH', `/api/traffic-schedules/${sid}`, { enabled: true });
    // 49 h 1 min after the start now: the next 6-hourly time is 54 h, the next daily one 72 h
    expect(resumed.body).toMatchObject({ enabled: true, nextRunAt: new Date(startsAt + 54 * H).toISOString() });
    const retimed = await call('PATCH', `/api/traffic-schedules/${sid}`, { everyHours: 24 });
    expect(retimed.body).toMatchObject({ everyHours: 24, nextRunAt: new Date(startsAt + 72 * H).toISOString() });
    expect((await call('PATCH', `/api/traffic-schedules/${sid}`, {})).status).toBe(400);
    expect((await call('PATCH', '/api/traffic-schedules/999999', { enabled: false })).status).toBe(404);
  });

  it('removing it keeps the tests it ran, with its id', async () => {
    expect((await call('DELETE', `/api/traffic-schedules/${sid}`)).status).toBe(204);
    expect((await call('GET', `/api/traffic-schedules/${sid}`)).status).toBe(404);
    expect((await call('DELETE', `/api/traffic-schedules/${sid}`)).status).toBe(404);
    expect((await call('GET', `/api/traffic-tests/${firstTest}`)).body.scheduleId).toBe(sid);
  });

  it('revoking a probe removes its schedules', async () => {
    const res = await create({ from: id.src, to: '198.18.52.1', everyHours: 1 });
    expect(res.status).toBe(201);
    expect(res.body.to).toEqual({ probeId: null, name: null, address: '198.18.52.1' });
    expect((await call('DELETE', `/api/probes/${id.src}`)).status).toBe(204);
    expect(await count('traffic_schedules')).toBe(0);
  });
});
