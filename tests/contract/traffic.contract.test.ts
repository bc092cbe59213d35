/**
 * Traffic tests on both hosts (Node with libSQL, the Worker in workerd with D1 and its probe Durable Objects): the
 * same request to RawProbes over real WebSockets gets the same jobs, the same stored result and the same refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trafficClientJob, trafficServerJob } from '../../schema/kinds/traffic.js';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

const KINDS = ['sweep', 'traffic-server', 'traffic-client'];
const net = (address: string) => ({ gateways: [], interfaces: [{ name: 'eth0', mac: null, addresses: [address] }] });

describe.each(HOSTS)('traffic tests on the %s host', (host) => {
  let server: Target;
  let api: ReturnType<typeof client>;
  const probes: { id: number; ws: RawProbe }[] = [];
  let awayId: number;

  const rows = async () => (await api('GET', '/api/traffic-tests?limit=500')).body.tests.length;
  const drain = async (ws: RawProbe) => {
    ws.send({ type: 'ping' });
    await ws.next('pong');
  };

  beforeAll(async () => {
    server = await startTarget(host);
    api = client(server.url, await login(server.url));
    for (const [name, address] of [['c-src', '198.18.220.1/30'], ['c-dst', '198.18.220.2/30']] as const) {
      const p = (await api('POST', '/api/probes', { name })).body;
      const ws = await RawProbe.connect(server.url, p.token);
      await ws.next('assignment');
      ws.send({ type: 'hello', version: '0.8.0', protocol: 1, hostname: name, kinds: KINDS, network: net(address) });
      await drain(ws);
      probes.push({ id: p.id, ws });
    }
    awayId = (await api('POST', '/api/probes', { name: 'c-away' })).body.id;
  }, 90_000);
  afterAll(async () => {
    for (const p of probes) p.ws.close();
    await server.close();
  });

  it('a TCP test: the listener to the target, the client to the source; the result stored, done, listed by pair', async () => {
    const [src, dst] = probes;
    const res = await api('POST', '/api/traffic-tests', { from: src!.id, to: dst!.id, bandwidth: '50M', durationSeconds: 5 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'running', to: { probeId: dst!.id, address: '198.18.220.2' }, bandwidthBps: 50_000_000 });
    const listener = trafficServerJob.parse(await dst!.ws.next('job'));
    const job = trafficClientJob.parse(await src!.ws.next('job'));
    expect(listener).toMatchObject({ testId: res.body.id, port: 5201, bind: '198.18.220.2', timeoutMs: 55_000 });
    expect(job).toMatchObject({ testId: res.body.id, target: '198.18.220.2', port: 5201, protocol: 'tcp', durationSeconds: 5, bandwidthBps: 50_000_000, parallel: 1, reverse: false, connectWaitMs: 5_000, timeoutMs: 40_000 });
    dst!.ws.send({ type: 'job_status', jobId: listener.jobId, kind: 'traffic-server', state: 'started' });
    src!.ws.send({ type: 'job_status', jobId: job.jobId, kind: 'traffic-client', state: 'started' });
    await drain(dst!.ws);
    const result = {
      protocol: 'tcp', sentBps: 49_800_000, receivedBps: 49_100_000, sentBytes: 31_125_000, receivedBytes: 30_687_500, seconds: 5, retransmits: 3,
      jitterMs: null, lostPackets: null, packets: null, lossPercent: null, cpuLocalPercent: 2.5, cpuRemotePercent: 1.5, intervals: [49e6, 50e6, 49e6, 50e6, 49e6], version: 'iperf 3.12', raw: '{"end":{}}',
    };
    src!.ws.send({ type: 'results', batchId: `c-traffic-${job.jobId}`, results: [{ kind: 'traffic', jobId: job.jobId, testId: job.testId, at: Date.now() - 5_000, durationMs: 5_050, address: '198.18.220.2', result }] });
    expect(await src!.ws.next('ack')).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    const done = (await api('GET', `/api/traffic-tests/${res.body.id}`)).body;
    expect(done).toMatchObject({ state: 'done', serverState: 'started', clientState: 'started', sentBps: 49_800_000, receivedBps: 49_100_000, retransmits: 3, cpuRemotePercent: 1.5, intervals: result.intervals, raw: '{"end":{}}' });
    expect(done.startedAt).not.toBeNull();
    const list = (await api('GET', `/api/traffic-tests?pair=p${src!.id}-p${dst!.id}`)).body;
    expect(list.tests.map((t: any) => [t.id, t.state])).toEqual([[res.body.id, 'done']]);
    expect(list.pairs[0]).toMatchObject({ pair: `p${src!.id}-p${dst!.id}`, tests: 1, last: { id: res.body.id, state: 'done', receivedBps: 49_100_000 } });
  });

  it('a failing listener fails the test with its code; a busy probe is refused while a test runs', async () => {
    const [src, dst] = probes;
    const res = await api('POST', '/api/traffic-tests', { from: dst!.id, to: src!.id, protocol: 'udp', bandwidth: 60_000_000 });
    expect(res.status).toBe(201);
    const listener = await src!.ws.next('job');
    await dst!.ws.next('job');
    const busy = await api('POST', '/api/traffic-tests', { from: src!.id, to: '198.18.220.9' });
    expect([busy.status, busy.body.error?.code]).toEqual([409, 'traffic_test_busy']);
    src!.ws.send({ type: 'job_status', jobId: listener.jobId, kind: 'traffic-server', state: 'failed', code: 'port_not_allowed', error: 'port 5201 is outside TRAFFIC_PORTS' });
    await drain(src!.ws);
    expect((await api('GET', `/api/traffic-tests/${res.body.id}`)).body).toMatchObject({ state: 'failed', failedStep: 'server', code: 'port_not_allowed' });
  });

  it.each([
    ['an unknown probe', () => ({ from: 999_999, to: probes[1]!.id }), 404, 'unknown_probe'],
    ['the same probe', () => ({ from: probes[0]!.id, to: probes[0]!.id }), 400, 'same_probe'],
    ['a probe away', () => ({ from: probes[0]!.id, to: awayId }), 503, 'probe_offline'],
    ['no IP address', () => ({ from: probes[0]!.id, to: 'server.example' }), 400, 'invalid_target'],
    ['no rate', () => ({ from: probes[0]!.id, to: probes[1]!.id, bandwidth: '5 parsecs' }), 400, 'invalid_bandwidth'],
    ['out of bounds', () => ({ from: probes[0]!.id, to: probes[1]!.id, durationSeconds: 0 }), 400, 'invalid_request'],
  ])('refuses %s with %i %s and stores nothing', async (_n, body, status, code) => {
    const before = await rows();
    const res = await api('POST', '/api/traffic-tests', body());
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(await rows()).toBe(before);
  });

  it('a schedule: made, run by the cron as a request would be (the test names it), refused twice for its pair and way, paused, removed', async () => {
    const [src, dst] = probes;
    const made = await api('POST', '/api/traffic-schedules', { from: src!.id, to: dst!.id, everyHours: 6, durationSeconds: 3 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ pair: `p${src!.id}-p${dst!.id}`, everyHours: 6, enabled: true, nextRunAt: made.body.startsAt, lastTestId: null });
    expect((await api('POST', '/api/traffic-schedules', { from: src!.id, to: dst!.id, everyHours: 1 })).body.error?.code).toBe('schedule_exists');
    expect((await api('POST', '/api/traffic-schedules', { from: src!.id, to: dst!.id, everyHours: 0 })).status).toBe(400);
    await server.cron();
    const listener = trafficServerJob.parse(await dst!.ws.next('job'));
    const job = trafficClientJob.parse(await src!.ws.next('job'));
    expect(job).toMatchObject({ testId: listener.testId, target: '198.18.220.2', durationSeconds: 3 });
    expect((await api('GET', `/api/traffic-tests/${job.testId}`)).body).toMatchObject({ scheduleId: made.body.id, state: 'running', requestedBy: 'admin' });
    const after = (await api('GET', `/api/traffic-schedules/${made.body.id}`)).body;
    expect(after).toMatchObject({ lastTestId: job.testId, lastCode: null, nextRunAt: new Date(Date.parse(made.body.startsAt) + 6 * 3_600_000).toISOString() });
    const list = (await api('GET', '/api/traffic-schedules')).body.schedules;
    expect(list.map((x: any) => x.id)).toEqual([made.body.id]);
    expect((await api('PATCH', `/api/traffic-schedules/${made.body.id}`, { enabled: false })).body).toMatchObject({ enabled: false, nextRunAt: null });
    expect((await api('DELETE', `/api/traffic-schedules/${made.body.id}`)).status).toBe(204);
    expect((await api('GET', `/api/traffic-schedules/${made.body.id}`)).status).toBe(404);
    // the test it ran stays, and ends as any other
    src!.ws.send({ type: 'job_status', jobId: job.jobId, kind: 'traffic-client', state: 'failed', code: 'stopped', error: 'stopped by the test' });
    await drain(src!.ws);
    expect((await api('GET', `/api/traffic-tests/${job.testId}`)).body).toMatchObject({ scheduleId: made.body.id, state: 'failed', code: 'stopped' });
  });
});
