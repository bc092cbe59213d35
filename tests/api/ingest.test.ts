import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitSweep } from '../../probe/split.js';
import { formatIp, parseCidr } from '../../schema/ip/cidr.js';
import { MAX_FRAME_LENGTH, MAX_FRAME_SAMPLES, MAX_RESULTS_PER_FRAME, SPOOL_MAX_AGE_MS } from '../../schema/protocol.js';
import { handleProbeFrame, probeConnected, probeDisconnected } from '../../worker/probe-link/session.js';
import { makeTestApp, tableCounts, type TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';

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

describe('what the server accepts from a probe', () => {
  const DAY = 86_400_000;
  let next = 100;
  /** A fresh subnet of this probe for each case, so the cases do not see each other's hosts. */
  const subnet = async (cidr: string) => (await t.call('POST', '/api/subnets', { cidr, probeId })).body.id as number;
  const frame = (sweeps: object[], batchId = `h-${next++}`) => JSON.stringify({ type: 'results', batchId, sweeps });
  const sweepOf = (id: number, at: number, up: string[], extra: object = {}) => ({ subnetId: id, at, durationMs: 1, complete: true, up: up.map((ip) => ({ ip, latencyMs: 1 })), down: [], ...extra });
  const hostIps = async (id: number) => (await t.call('GET', `/api/subnets/${id}/hosts`)).body.rows.filter((r: any) => r.kind === 'host').map((r: any) => r.ip);
  const count = async (q: string) => Number((await t.client.execute(q)).rows[0]![0]);
  const capture = () => {
    const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    const log = { info: () => {}, warn: (msg: string, fields?: Record<string, unknown>) => lines.push({ level: 'warn', msg, fields }), error: () => {} };
    return { lines, deps: { ...t.deps, log } };
  };

  it('refuses sweeps dated before the spool’s maximum age or more than 5 min ahead, and absurd latencies; lists them in the ack; stores the rest', async () => {
    const id = await subnet('198.18.2.0/24');
    const now = t.clock.now();
    const samplesBefore = await count('SELECT count(*) FROM host_samples');
    const sweeps = [
      sweepOf(id, Date.UTC(2099, 0, 1), ['198.18.2.1']),
      sweepOf(id, 0, ['198.18.2.2']),
      sweepOf(id, now + 6 * 60_000, ['198.18.2.3']),
      sweepOf(id, now - SPOOL_MAX_AGE_MS - 1, ['198.18.2.4']),
      { ...sweepOf(id, now - 2000, []), up: [{ ip: '198.18.2.5', latencyMs: 1e300 }] },
      sweepOf(id, now - 7 * DAY + 60_000, ['198.18.2.6']),
      sweepOf(id, now + 4 * 60_000, ['198.18.2.7']),
    ];
    const [ack] = await send(frame(sweeps, 'h-time'));
    expect(ack).toEqual({
      type: 'ack',
      batchId: 'h-time',
      duplicate: false,
      rejectedSubnets: [],
      rejectedSweeps: [
        { subnetId: id, at: Date.UTC(2099, 0, 1), reason: 'in_future' },
        { subnetId: id, at: 0, reason: 'too_old' },
        { subnetId: id, at: now + 6 * 60_000, reason: 'in_future' },
        { subnetId: id, at: now - SPOOL_MAX_AGE_MS - 1, reason: 'too_old' },
        { subnetId: id, at: now - 2000, reason: 'bad_latency' },
      ],
    });
    expect(await hostIps(id)).toEqual(['198.18.2.6', '198.18.2.7']);
    // 198.18.2.6 answered, then was silent in the later sweep; 198.18.2.7 answered
    expect(await count('SELECT count(*) FROM host_samples')).toBe(samplesBefore + 3);
    expect(await count(`SELECT count(*) FROM host_samples WHERE at > ${now + 5 * 60_000} OR at < ${now - SPOOL_MAX_AGE_MS} OR latency_ms > 60000`)).toBe(0);
  });

  it('answers a sweep whose range is not usable addresses of its subnet as refused', async () => {
    const id = await subnet('198.18.12.0/24');
    const at = t.clock.now();
    const [ack] = await send(frame([sweepOf(id, at, ['198.18.12.5'], { range: ['198.18.12.0', '198.18.12.9'] }), sweepOf(id, at + 1, ['198.18.12.6'], { range: ['198.18.12.6', '198.18.13.9'] })]));
    expect(ack).toMatchObject({ rejectedSweeps: [{ subnetId: id, at, reason: 'bad_range' }, { subnetId: id, at: at + 1, reason: 'bad_range' }] });
    expect(await hostIps(id)).toEqual([]);
  });

  it.each([
    ['198.18.3.0/24', ['198.18.3.0', '198.18.3.1', '198.18.3.254', '198.18.3.255'], ['198.18.3.1', '198.18.3.254']],
    ['198.18.4.0/31', ['198.18.4.0', '198.18.4.1'], ['198.18.4.0', '198.18.4.1']],
    ['198.18.4.8/32', ['198.18.4.8'], ['198.18.4.8']],
  ])('in %s, answers from %j make hosts of %j only: never the network or broadcast address', async (cidr, answering, expected) => {
    const id = await subnet(cidr);
    const [ack] = await send(frame([sweepOf(id, t.clock.now(), answering)]));
    expect(ack).toMatchObject({ type: 'ack', duplicate: false });
    expect(await hostIps(id)).toEqual(expected);
  });

  it('drops job_status and sweep_failed of subnets that are not the probe’s own: logged, not relayed', async () => {
    const { lines, deps } = capture();
    const live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
    await live.next('hello');
    try {
      for (let i = 0; i < 20; i++) {
        await handleProbeFrame(deps, probeId, JSON.stringify({ type: 'job_status', jobId: `evil-${i}`, subnetId: foreignSubnet, state: 'failed', error: 'fake' }));
        await handleProbeFrame(deps, probeId, JSON.stringify({ type: 'sweep_failed', subnetId: foreignSubnet, code: 'x', error: 'fake', jobId: `evil-${i}` }));
      }
      await handleProbeFrame(deps, probeId, JSON.stringify({ type: 'job_status', jobId: 'mine', subnetId, state: 'started' }));
      expect(await live.next('job')).toEqual({ jobId: 'mine', subnetId, probeId, state: 'started' });
      expect(live.log.filter((m) => m.event === 'job')).toHaveLength(1);
      expect(lines.filter((l) => /not assigned/.test(l.msg))).toHaveLength(1);
    } finally {
      live.close();
    }
  });

  it('logs malformed frames at most once per probe per 10 s, then says how many it held back', async () => {
    const { lines, deps } = capture();
    for (let i = 0; i < 200; i++) expect(await handleProbeFrame(deps, probeId, `{"type":"nonsense-${i}"}`)).toMatchObject([{ type: 'error', code: 'bad_message' }]);
    await handleProbeFrame(deps, otherProbe, 'not json');
    expect(lines.map((l) => [l.msg, l.fields?.probeId])).toEqual([
      ['malformed probe message rejected', probeId],
      ['malformed probe message rejected', otherProbe],
    ]);
    t.clock.advance(10_000);
    await handleProbeFrame(deps, probeId, 'not json');
    expect(lines).toHaveLength(3);
    expect(lines[2]!.fields).toMatchObject({ probeId, suppressed: 199 });
  });

  it('refuses as a whole a batch that would write more than MAX_FRAME_SAMPLES samples, counting the silent known hosts of complete sweeps', async () => {
    const cidr = parseCidr('198.19.0.0/16');
    const id = await subnet(cidr.cidr);
    // 2,500 known hosts, found by a sweep the way a probe sends it: in parts
    const known = Array.from({ length: 2500 }, (_, i) => formatIp(cidr.first + 1n + BigInt(i * 20), 4));
    const at0 = t.clock.now();
    const parts = splitSweep({ ...sweepOf(id, at0, known), up: known.map((ip) => ({ ip, latencyMs: 1 })) }, cidr);
    expect(parts.length).toBe(Math.ceil(65_534 / MAX_FRAME_SAMPLES));
    for (const part of parts) expect((await send(frame([part])))[0]).toEqual({ type: 'ack', batchId: expect.any(String), duplicate: false, rejectedSubnets: [] });
    expect((await hostIps(id)).length).toBe(2500);

    // one complete sweep of the whole block where nobody answers: 2,500 silent samples, over the bound
    const before = await tableCounts(t.client);
    const whole = sweepOf(id, at0 + 60_000, []);
    const [refused] = await send(frame([whole], 'h-big'));
    expect(refused).toEqual({ type: 'ack', batchId: 'h-big', duplicate: false, rejectedSubnets: [], refused: { code: 'too_many_samples', message: expect.stringContaining(String(MAX_FRAME_SAMPLES)) } });
    expect(await tableCounts(t.client)).toEqual(before);
    // so is a frame listing more addresses than the bound, and 16 sweeps that together are over it
    const many = Array.from({ length: MAX_FRAME_SAMPLES + 1 }, (_, i) => formatIp(cidr.first + 2n + BigInt(i), 4));
    expect((await send(frame([sweepOf(id, at0 + 60_000, many)])))[0]).toMatchObject({ refused: { code: 'too_many_samples' } });
    const sixteen = Array.from({ length: 16 }, (_, k) => sweepOf(id, at0 + 60_000 + k, [], { range: [known[k * 150]!, known[k * 150 + 149]!] }));
    expect((await send(frame(sixteen)))[0]).toMatchObject({ refused: { code: 'too_many_samples' } });
    expect(await tableCounts(t.client)).toEqual(before);

    // the same sweep in the probe's parts: each applied, each known host silent exactly once
    for (const part of splitSweep(whole, cidr)) expect((await send(frame([part])))[0]).not.toHaveProperty('refused');
    expect(await count(`SELECT count(*) FROM host_samples WHERE at = ${at0 + 60_000} AND up = 0`)).toBe(2500);
    expect(await count(`SELECT count(*) FROM hosts WHERE subnet_id = ${id} AND status = 'up' AND consecutive_failures = 1`)).toBe(2500);
  });

  it('refuses frames with more than 16 sweeps, two sweeps of a subnet at one time, or too long to parse', async () => {
    const id = await subnet('198.18.6.0/24');
    const at = t.clock.now();
    const before = await tableCounts(t.client);
    const seventeen = Array.from({ length: MAX_RESULTS_PER_FRAME + 1 }, (_, k) => sweepOf(id, at - k, []));
    const long = JSON.stringify({ type: 'results', batchId: 'h-long', sweeps: [{ ...sweepOf(id, at, []), jobId: 'j', pad: 'x'.repeat(MAX_FRAME_LENGTH) }] });
    for (const f of [frame(seventeen), frame([sweepOf(id, at, ['198.18.6.1']), sweepOf(id, at, ['198.18.6.2'])]), long]) {
      expect(await send(f)).toMatchObject([{ type: 'error', code: 'bad_message' }]);
    }
    expect(await tableCounts(t.client)).toEqual(before);
  });

  it('a reserved address that never answered stays unknown over silent sweeps (not down, not counted down); once it answers, the usual rules', async () => {
    const id = await subnet('198.18.7.0/24');
    const reserved = (await t.call('POST', '/api/hosts', { ip: '198.18.7.20', reserved: true })).body;
    expect(reserved).toMatchObject({ status: 'unknown', reserved: true });
    const at = t.clock.now();
    for (let i = 0; i < 3; i++) await send(frame([sweepOf(id, at + i * 60_000, ['198.18.7.1'])]));
    expect((await t.call('GET', `/api/hosts/${reserved.id}`)).body.status).toBe('unknown');
    expect((await t.call('GET', `/api/hosts?subnetId=${id}&status=down`)).body.total).toBe(0);
    expect((await t.call('GET', `/api/hosts/${reserved.id}/events`)).body.events).toEqual([]);

    await send(frame([sweepOf(id, at + 180_000, ['198.18.7.1', '198.18.7.20'])]));
    expect((await t.call('GET', `/api/hosts/${reserved.id}`)).body.status).toBe('up');
    for (let i = 4; i < 6; i++) await send(frame([sweepOf(id, at + i * 60_000, ['198.18.7.1'])]));
    expect((await t.call('GET', `/api/hosts/${reserved.id}`)).body.status).toBe('down');
  });
});
