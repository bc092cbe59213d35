/**
 * Operations through the API (issue 14), with RawProbes on the real Node hub: the jobs probes receive, each probe's
 * run through its states and results (a streamed ping applied snapshot by snapshot, never an older over a newer),
 * offline and unsupported probes final at once, selection by ids, site and "all", and every refusal (bounds, an
 * unknown probe or site, a full queue, the rate limit) writing nothing and sending nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opMtrJob, opPingJob, opTracerouteJob } from '../../schema/kinds/operation.js';
import { pruneHistory } from '../../worker/duties.js';
import type { TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { roundTrip, sendResults, startPortRig, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';

const OPS = ['sweep', 'op-ping', 'op-mtr', 'op-traceroute'];
let rig: PortRig;
let t: TestApp;
let live: LiveClient;
const p: Record<string, RawProbe> = {};
const id: Record<string, number> = {};
let viewer: Record<string, string>;
let batch = 0;

const start = (body: unknown, headers?: Record<string, string>) => t.call('POST', '/api/operations', body, headers);
const get = async (opId: string) => (await t.call('GET', `/api/operations/${opId}`)).body;
const stored = async () => {
  const n = async (table: string) => Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  return { operations: await n('operations'), runs: await n('operation_runs') };
};
/** The jobs a probe has received and nobody has taken yet (taken now). */
const takeJobs = (probe: RawProbe) => {
  const jobs = probe.received.filter((m) => m.type === 'job');
  for (const j of jobs) probe.received.splice(probe.received.indexOf(j), 1);
  return jobs as any[];
};
const jobsOf = async (probe: RawProbe) => {
  await roundTrip(probe);
  return takeJobs(probe);
};
const status = (probe: RawProbe, jobId: string, kind: string, state: string, extra: Record<string, unknown> = {}) => probe.send({ type: 'job_status', jobId, kind, state, ...extra });
const pingResult = (replies: (number | null)[]) => {
  const rtts = replies.filter((r): r is number => r !== null);
  return {
    tool: 'ping', sent: replies.length, received: rtts.length, loss: replies.length ? (replies.length - rtts.length) / replies.length : 0,
    minMs: rtts.length ? Math.min(...rtts) : null, avgMs: rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null, maxMs: rtts.length ? Math.max(...rtts) : null, mdevMs: rtts.length ? 0.1 : null,
    replies: replies.map((rttMs, i) => ({ seq: i + 1, rttMs, ttl: rttMs === null ? null : 63 })),
  };
};
const item = (jobId: string, seq: number, final: boolean, result: unknown, address = '198.18.2.10') => ({ kind: 'operation', jobId, at: t.clock.now(), seq, final, address, result });
const results = (probe: RawProbe, items: unknown[]) => sendResults(probe, `op-${++batch}`, items);

beforeAll(async () => {
  rig = await startPortRig({ operationsPerMinute: 50, operationQueuePerProbe: 3 });
  t = rig.t;
  const enrol = async (name: string, site: string) => {
    const res = await t.call('POST', '/api/probes', { name, site });
    id[name] = res.body.id;
    return res.body.token as string;
  };
  const tokens = { east1: await enrol('east1', 'east'), east2: await enrol('east2', 'east'), west: await enrol('west', 'west'), old: await enrol('old', 'west') };
  await enrol('away', 'north');
  p.east1 = await rig.connect(tokens.east1, { kinds: OPS, version: '0.6.0' });
  p.east2 = await rig.connect(tokens.east2, { kinds: OPS, version: '0.6.0' });
  p.west = await rig.connect(tokens.west, { kinds: OPS, version: '0.6.0' });
  p.old = await rig.connect(tokens.old, { kinds: ['sweep', 'port_scan', 'traceroute'], version: '0.5.0' });
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

describe('a ping from one probe', () => {
  let opId: string;
  let jobId: string;

  it('202 with the run queued; the probe gets a well-formed op-ping job; the feed hears it; the audit log has it', async () => {
    const res = await start({ kind: 'ping', target: '198.18.2.10', probes: [id.east1], count: 4, intervalMs: 200, packetSize: 100 });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      kind: 'ping', target: '198.18.2.10', params: { count: 4, intervalMs: 200, packetSize: 100, family: null, maxHops: 30 }, selection: { probes: [id.east1] },
      requestedBy: 'admin', finished: false, counts: { runs: 1, queued: 1 },
      runs: [{ probeId: id.east1, probeName: 'east1', site: 'east', state: 'queued', result: null, code: null }],
    });
    opId = res.body.id;
    const [job] = await jobsOf(p.east1!);
    expect(opPingJob.parse(job)).toEqual({ type: 'job', kind: 'op-ping', jobId: (job as any).jobId, target: '198.18.2.10', count: 4, intervalMs: 200, packetSize: 100, timeoutMs: 4 * 200 + 15_000 });
    jobId = (job as any).jobId;
    expect(await live.next('operation', (d) => d.operationId === opId)).toEqual({ operationId: opId, probeId: id.east1, state: 'queued' });
    const audit = (await t.call('GET', '/api/audit?action=operation.start')).body;
    expect(audit.entries[0]).toMatchObject({ action: 'operation.start', actor: 'admin', targetType: 'operation', targetId: opId });
    for (const name of ['east2', 'west', 'old']) expect(await jobsOf(p[name]!)).toEqual([]);
  });

  it('started, progress, a partial snapshot, then the final one; an older snapshot after it changes nothing', async () => {
    status(p.east1!, jobId, 'op-ping', 'started');
    await live.next('operation', (d) => d.operationId === opId && d.state === 'running');
    status(p.east1!, jobId, 'op-ping', 'progress', { done: 2, total: 4 });
    expect(await live.next('operation', (d) => d.operationId === opId && d.done === 2)).toMatchObject({ state: 'running', done: 2, total: 4 });
    expect((await get(opId)).runs[0]).toMatchObject({ state: 'running', progress: { done: 2, total: 4 } });
    expect((await results(p.east1!, [item(jobId, 0, false, pingResult([0.5, null]))])).rejectedResults).toBeUndefined();
    let run = (await get(opId)).runs[0];
    expect(run).toMatchObject({ state: 'running', address: '198.18.2.10', result: { tool: 'ping', sent: 2, received: 1, loss: 0.5 } });
    await results(p.east1!, [item(jobId, 1, true, pingResult([0.5, null, 0.7, 0.6]))]);
    run = (await get(opId)).runs[0];
    expect(run).toMatchObject({ state: 'done', code: null, error: null, result: { sent: 4, received: 3 } });
    expect(run.finishedAt).not.toBeNull();
    const stale = await results(p.east1!, [item(jobId, 0, false, pingResult([9]))]);
    expect(stale.rejectedResults).toEqual([expect.objectContaining({ kind: 'operation', reason: 'stale' })]);
    expect((await get(opId)).runs[0].result.received).toBe(3);
    // the probe's `done` after its final result leaves the run as it is
    status(p.east1!, jobId, 'op-ping', 'done');
    await roundTrip(p.east1!);
    expect(await get(opId)).toMatchObject({ finished: true, counts: { runs: 1, done: 1 } });
  });

  it('another probe cannot report on the run, nor send its results', async () => {
    const res = await start({ kind: 'ping', target: '198.18.2.11', probes: [id.east1] });
    const [job] = takeJobs((await roundTrip(p.east1!), p.east1!));
    status(p.west!, job.jobId, 'op-ping', 'failed', { error: 'not mine', code: 'tool_failed' });
    const ack = await results(p.west!, [item(job.jobId, 0, true, pingResult([1]), '198.18.2.11')]);
    expect(ack.rejectedResults).toBeUndefined();
    expect((await get(res.body.id)).runs[0]).toMatchObject({ state: 'queued', result: null, error: null });
    status(p.east1!, job.jobId, 'op-ping', 'failed', { error: '198.18.2.11 is outside this probe\'s ALLOWED_TARGETS', code: 'target_not_allowed' });
    await roundTrip(p.east1!);
    expect((await get(res.body.id)).runs[0]).toMatchObject({ state: 'failed', code: 'target_not_allowed', error: expect.stringContaining('ALLOWED_TARGETS') });
  });
});

describe('many probes', () => {
  it('"all": offline and unsupported probes are final at once, the rest get jobs; the operation finishes without them', async () => {
    const res = await start({ kind: 'mtr', target: 'Host.Lab.Example', probes: 'all', count: 3, maxHops: 5 });
    expect(res.status).toBe(202);
    expect(res.body.target).toBe('host.lab.example');
    const byName = Object.fromEntries(res.body.runs.map((r: any) => [r.probeName, r]));
    expect(Object.fromEntries(Object.entries(byName).map(([k, r]: [string, any]) => [k, r.state]))).toEqual({ east1: 'queued', east2: 'queued', west: 'queued', old: 'unsupported', away: 'offline' });
    expect(byName.away.error).toBe('the probe is not connected');
    expect(res.body.counts).toEqual({ runs: 5, queued: 3, running: 0, done: 0, failed: 0, offline: 1, unsupported: 1 });
    for (const name of ['east1', 'east2', 'west']) {
      const [job] = await jobsOf(p[name]!);
      expect(opMtrJob.parse(job)).toMatchObject({ kind: 'op-mtr', target: 'host.lab.example', count: 3, maxHops: 5, intervalMs: 1000, packetSize: 56 });
      const hops = [
        { hop: 1, address: '198.18.1.1', name: null, loss: 0, sent: 3, lastMs: 0.1, avgMs: 0.1, bestMs: 0.1, worstMs: 0.1, stdevMs: 0 },
        { hop: 2, address: '198.18.2.10', name: 'host.lab.example', loss: 0, sent: 3, lastMs: 0.2, avgMs: 0.2, bestMs: 0.2, worstMs: 0.2, stdevMs: 0 },
      ];
      await results(p[name]!, [item((job as any).jobId, 0, true, { tool: 'mtr', cycles: 3, hops })]);
    }
    expect(await jobsOf(p.old!)).toEqual([]);
    const done = await get(res.body.id);
    expect(done).toMatchObject({ finished: true, counts: { done: 3, offline: 1, unsupported: 1 } });
    expect(done.runs.find((r: any) => r.probeName === 'west').result.hops[1]).toMatchObject({ address: '198.18.2.10', name: 'host.lab.example' });
  });

  it('a site: only its probes; a site nobody is at is 404 unknown_site and stores nothing', async () => {
    const res = await start({ kind: 'traceroute', target: 'fd00:18::10', probes: { site: 'east' }, maxHops: 8 });
    expect(res.body.runs.map((r: any) => r.probeName)).toEqual(['east1', 'east2']);
    expect(res.body.selection).toEqual({ site: 'east' });
    for (const name of ['east1', 'east2']) expect(opTracerouteJob.parse((await jobsOf(p[name]!))[0])).toMatchObject({ kind: 'op-traceroute', target: 'fd00:18::10', maxHops: 8, timeoutMs: 8 * 3000 + 15_000 });
    expect(await jobsOf(p.west!)).toEqual([]);
    const before = await stored();
    expect((await start({ kind: 'ping', target: '198.18.2.10', probes: { site: 'mars' } })).body.error.code).toBe('unknown_site');
    expect(await stored()).toEqual(before);
  });

  it('a probe that goes away mid-run: its runs under way fail as probe_disconnected, on the feed too', async () => {
    const token = (await t.call('POST', '/api/probes', { name: 'brief', site: 'south' })).body;
    const brief = await rig.connect(token.token, { kinds: OPS, version: '0.6.0' });
    const res = await start({ kind: 'ping', target: '198.18.2.10', probes: [token.id] });
    const [job] = await jobsOf(brief);
    status(brief, (job as any).jobId, 'op-ping', 'started');
    await live.next('operation', (d) => d.operationId === res.body.id && d.state === 'running');
    brief.close();
    expect(await live.next('operation', (d) => d.operationId === res.body.id && d.state === 'failed')).toMatchObject({ probeId: token.id });
    expect((await get(res.body.id)).runs[0]).toMatchObject({ state: 'failed', code: 'probe_disconnected' });
    // back again, it sends the final result it spooled meanwhile: the run ends done after all
    const again = await rig.connect(token.token, { kinds: OPS, version: '0.6.0' });
    await results(again, [item((job as any).jobId, 0, true, pingResult([0.4]))]);
    expect((await get(res.body.id)).runs[0]).toMatchObject({ state: 'done', code: null, error: null, result: { received: 1 } });
  });
});

describe('refusals write nothing and send nothing', () => {
  it.each([
    [{ kind: 'ping', target: '198.18.2.10', probes: [] }, 400, 'invalid_request'],
    [{ kind: 'ping', target: '198.18.2.10', probes: [1], count: 101 }, 400, 'invalid_request'],
    [{ kind: 'ping', target: '198.18.2.10', probes: [1], intervalMs: 199 }, 400, 'invalid_request'],
    [{ kind: 'ping', target: '198.18.2.10', probes: [1], packetSize: 9000 }, 400, 'invalid_request'],
    [{ kind: 'ping', target: '198.18.2.10', probes: [1], count: 100, intervalMs: 5000 }, 400, 'invalid_request'],
    [{ kind: 'mtr', target: '198.18.2.10', probes: [1], maxHops: 31 }, 400, 'invalid_request'],
    [{ kind: 'nmap', target: '198.18.2.10', probes: [1] }, 400, 'invalid_request'],
    [{ kind: 'ping', target: '198.18.2.10; rm -rf /', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '198.18.2.300', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '-f', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '0.0.0.0', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '::', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '233.252.0.1', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: 'ff02::1', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '255.255.255.255', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '::ffff:233.252.0.1', probes: [1] }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '198.18.2.10', probes: [1], family: 6 }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '198.18.2.10', probes: [999] }, 400, 'unknown_probe'],
    [{ kind: 'ping', target: '198.18.2.10', probes: 'some' }, 400, 'invalid_request'],
  ])('%j → %i %s', async (body, code, error) => {
    const before = await stored();
    const res = await start(body);
    expect([res.status, res.body.error.code]).toEqual([code, error]);
    expect(await stored()).toEqual(before);
    for (const probe of Object.values(p)) expect(await jobsOf(probe)).toEqual([]);
  });

  it('an IPv4-mapped target is stored and sent as its IPv4 address', async () => {
    const res = await start({ kind: 'ping', target: '::ffff:198.18.2.12', probes: [id.east1] });
    expect(res.body.target).toBe('198.18.2.12');
    expect((await jobsOf(p.east1!))[0]).toMatchObject({ target: '198.18.2.12' });
  });

  it('a viewer reads operations but may not start one', async () => {
    expect((await start({ kind: 'ping', target: '198.18.2.10', probes: [id.east1] }, viewer)).status).toBe(403);
    const list = await t.call('GET', '/api/operations', undefined, viewer);
    expect(list.status).toBe(200);
    expect(list.body.operations.length).toBeGreaterThan(0);
  });

  it('a probe with OPERATION_QUEUE_PER_PROBE under way: 429 operation_queue_full, nothing stored', async () => {
    for (let i = 0; i < 3; i++) expect((await start({ kind: 'ping', target: `198.18.3.${i + 1}`, probes: [id.west] })).status).toBe(202);
    takeJobs((await roundTrip(p.west!), p.west!));
    const before = await stored();
    const res = await start({ kind: 'ping', target: '198.18.3.9', probes: [id.east2, id.west] });
    expect([res.status, res.body.error.code]).toEqual([429, 'operation_queue_full']);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(await stored()).toEqual(before);
    expect(await jobsOf(p.east2!)).toEqual([]);
  });
});

describe('reading', () => {
  it('lists newest first, filters by kind, probe and target, pages with the cursor; an unknown id is 404', async () => {
    const all = (await t.call('GET', '/api/operations?limit=200')).body.operations;
    expect(all.map((o: any) => o.createdAt)).toEqual([...all.map((o: any) => o.createdAt)].sort().reverse());
    const mtr = (await t.call('GET', '/api/operations?kind=mtr')).body.operations;
    expect(mtr.length).toBe(1);
    expect(mtr[0]).toMatchObject({ kind: 'mtr', counts: { runs: 5 } });
    expect((await t.call('GET', `/api/operations?probeId=${id.old}`)).body.operations.map((o: any) => o.kind)).toEqual(['mtr']);
    expect((await t.call('GET', '/api/operations?target=198.18.2.11')).body.operations.length).toBe(1);
    // the filter is read as the target is stored: a canonical address
    expect((await t.call('GET', '/api/operations?target=FD00:18:0::10')).body.operations.map((o: any) => o.kind)).toEqual(['traceroute']);
    expect((await t.call('GET', '/api/operations?before=gone')).body).toEqual({ operations: [], next: null });
    const first = (await t.call('GET', '/api/operations?limit=2')).body;
    expect(first.operations.length).toBe(2);
    const second = (await t.call('GET', `/api/operations?limit=2&before=${first.next}`)).body;
    expect(second.operations.map((o: any) => o.id)).toEqual(all.slice(2, 4).map((o: any) => o.id));
    expect((await t.call('GET', '/api/operations/nope')).status).toBe(404);
  });

  it('a run past its time limit with no word from its probe reads as failed: timeout', async () => {
    const res = await start({ kind: 'ping', target: '198.18.4.1', probes: [id.east2] });
    takeJobs((await roundTrip(p.east2!), p.east2!));
    t.clock.advance(5 * 1000 + 15_000 + 60_000 + 1);
    expect((await get(res.body.id)).runs[0]).toMatchObject({ state: 'failed', code: 'timeout' });
    expect((await get(res.body.id)).finished).toBe(true);
  });
});

describe('the rate limit', () => {
  it('OPERATIONS_PER_MINUTE per user: the next is 429 rate_limited with Retry-After, nothing stored; a minute later it passes', async () => {
    t.clock.advance(61_000);
    for (let i = 0; i < 50; i++) {
      const res = await start({ kind: 'ping', target: '198.18.5.1', probes: [id.old] });
      expect(res.status).toBe(202);
    }
    const before = await stored();
    const res = await start({ kind: 'ping', target: '198.18.5.1', probes: [id.east1] });
    expect([res.status, res.body.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await stored()).toEqual(before);
    expect(await jobsOf(p.east1!)).toEqual([]);
    t.clock.advance(61_000);
    expect((await start({ kind: 'ping', target: '198.18.5.1', probes: [id.old] })).status).toBe(202);
  });
});

describe('retention', () => {
  it('prune-history keeps operations younger than OPERATION_RETENTION_DAYS and drops older ones with their runs', async () => {
    const before = await stored();
    expect(before.operations).toBeGreaterThan(50);
    t.clock.advance(29 * 86_400_000);
    await pruneHistory.run(t.deps);
    expect(await stored()).toEqual(before);
    t.clock.advance(2 * 86_400_000);
    await pruneHistory.run(t.deps);
    expect(await stored()).toEqual({ operations: 0, runs: 0 });
  });
});
