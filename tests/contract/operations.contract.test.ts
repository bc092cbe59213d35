/**
 * Operations on both hosts (Node with libSQL, the Worker in workerd with D1 and its probe Durable Objects): the
 * same request to probes over real WebSockets gets the same runs, states and results, and the same refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opPingJob } from '../../schema/kinds/operation.js';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

const OPS = ['sweep', 'op-ping', 'op-mtr', 'op-traceroute'];
const RATE = 6;

describe.each(HOSTS)('operations on the %s host', (host) => {
  let server: Target;
  let api: ReturnType<typeof client>;
  const probes: { id: number; ws: RawProbe }[] = [];
  let started = 0;

  const start = async (body: unknown) => {
    const res = await api('POST', '/api/operations', body);
    if (res.status === 202) started++;
    return res;
  };
  const rows = async () => (await api('GET', '/api/operations?limit=200')).body.operations.length;

  beforeAll(async () => {
    server = await startTarget(host, { OPERATIONS_PER_MINUTE: String(RATE) });
    api = client(server.url, await login(server.url));
    for (const name of ['c-east-1', 'c-east-2']) {
      const p = (await api('POST', '/api/probes', { name, site: 'contract-east' })).body;
      const ws = await RawProbe.connect(server.url, p.token);
      await ws.next('assignment');
      ws.send({ type: 'hello', version: '0.6.0', protocol: 1, hostname: name, kinds: OPS });
      ws.send({ type: 'ping' });
      await ws.next('pong');
      probes.push({ id: p.id, ws });
    }
    // enrolled, never connected
    await api('POST', '/api/probes', { name: 'c-away', site: 'contract-east' });
  }, 90_000);
  afterAll(async () => {
    for (const p of probes) p.ws.close();
    await server.close();
  });

  it('a ping to a site: each connected probe gets its job, reports and sends its result; the one away is offline at once', async () => {
    const res = await start({ kind: 'ping', target: '198.18.210.10', probes: { site: 'contract-east' }, count: 3, intervalMs: 200 });
    expect(res.status).toBe(202);
    expect(res.body.runs.map((r: any) => [r.probeName, r.state])).toEqual([['c-east-1', 'queued'], ['c-east-2', 'queued'], ['c-away', 'offline']]);
    for (const [i, p] of probes.entries()) {
      const job = opPingJob.parse(await p.ws.next('job'));
      expect(job).toMatchObject({ kind: 'op-ping', target: '198.18.210.10', count: 3, intervalMs: 200, packetSize: 56 });
      p.ws.send({ type: 'job_status', jobId: job.jobId, kind: 'op-ping', state: 'started' });
      const result = { tool: 'ping', sent: 3, received: 3, loss: 0, minMs: 0.1 * (i + 1), avgMs: 0.2, maxMs: 0.3, mdevMs: 0.05, replies: [1, 2, 3].map((seq) => ({ seq, rttMs: 0.2, ttl: 64 })) };
      p.ws.send({ type: 'results', batchId: `c-op-${job.jobId}`, results: [{ kind: 'operation', jobId: job.jobId, at: Date.now(), seq: 0, final: true, address: '198.18.210.10', result }] });
      expect(await p.ws.next('ack')).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    }
    const done = (await api('GET', `/api/operations/${res.body.id}`)).body;
    expect(done).toMatchObject({ finished: true, counts: { runs: 3, done: 2, offline: 1 } });
    expect(done.runs.slice(0, 2).map((r: any) => [r.state, r.address, r.result.minMs])).toEqual([['done', '198.18.210.10', 0.1], ['done', '198.18.210.10', 0.2]]);
  });

  it('a probe that refuses by its allow-list: failed with its code; a probe that goes away mid-run: probe_disconnected', async () => {
    const res = await start({ kind: 'traceroute', target: 'fd00:210::10', probes: probes.map((p) => p.id) });
    const [a, b] = [await probes[0]!.ws.next('job'), await probes[1]!.ws.next('job')];
    probes[0]!.ws.send({ type: 'job_status', jobId: a.jobId, kind: 'op-traceroute', state: 'failed', code: 'target_not_allowed', error: 'fd00:210::10 is outside this probe’s ALLOWED_TARGETS' });
    probes[1]!.ws.send({ type: 'job_status', jobId: b.jobId, kind: 'op-traceroute', state: 'started' });
    for (const p of probes) {
      p.ws.send({ type: 'ping' });
      await p.ws.next('pong');
    }
    probes[1]!.ws.close();
    const run = async () => (await api('GET', `/api/operations/${res.body.id}`)).body.runs;
    for (let i = 0; i < 100 && (await run())[1].state === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await run()).map((r: any) => [r.state, r.code])).toEqual([['failed', 'target_not_allowed'], ['failed', 'probe_disconnected']]);
  });

  it.each([
    [{ kind: 'ping', target: 'not a host!', probes: 'all' }, 400, 'invalid_target'],
    [{ kind: 'ping', target: '198.18.210.10', probes: [999_999] }, 400, 'unknown_probe'],
    [{ kind: 'ping', target: '198.18.210.10', probes: { site: 'nowhere' } }, 404, 'unknown_site'],
    [{ kind: 'ping', target: '198.18.210.10', probes: 'all', count: 0 }, 400, 'invalid_request'],
  ])('refuses %j with %i %s and stores nothing', async (body, status, code) => {
    const before = await rows();
    const res = await start(body);
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(await rows()).toBe(before);
  });

  it('the per-user rate limit: 429 rate_limited with Retry-After once OPERATIONS_PER_MINUTE have started', async () => {
    while (started < RATE) expect((await start({ kind: 'ping', target: '198.18.210.11', probes: { site: 'contract-east' } })).status).toBe(202);
    const before = await rows();
    const res = await start({ kind: 'ping', target: '198.18.210.11', probes: { site: 'contract-east' } });
    expect([res.status, res.body.error?.code]).toEqual([429, 'rate_limited']);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await rows()).toBe(before);
  });
});
