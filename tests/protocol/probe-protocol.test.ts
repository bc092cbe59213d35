import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeAgent } from '../../probe/agent.js';
import { runnerConfig } from '../../probe/config.js';
import { splitSweep } from '../../probe/split.js';
import { parseCidr, usableAddresses } from '../../schema/ip/cidr.js';
import { MAX_RESULTS_PER_FRAME } from '../../schema/protocol.js';
import { silentLogger } from '../../schema/log.js';
import { LiveClient } from '../support/live.js';
import { RawProbe } from '../support/server.js';
import { client, HOSTS, login, startTarget, type Target } from '../support/targets.js';

describe.each(HOSTS)('probe protocol on the %s host', (host) => {
let server: Target;
let api: ReturnType<typeof client>;
let cookie: string;

beforeAll(async () => {
  server = await startTarget(host, { SCAN_COALESCE_SECONDS: '5' });
  cookie = await login(server.url);
  api = client(server.url, cookie);
}, 90_000);
afterAll(() => server.close());

  it('refuses a wrong token and a revoked one', async () => {
    await expect(RawProbe.connect(server.url, 'eipp_wrong')).rejects.toThrow('HTTP 401');
    await expect(RawProbe.connect(server.url, '')).rejects.toThrow('HTTP 401');
    const p = (await api('POST', '/api/probes', { name: 'doomed' })).body;
    const probe = await RawProbe.connect(server.url, p.token);
    await probe.next('welcome');
    const closed = new Promise<number>((resolve) => probe.ws.once('close', (code) => resolve(code)));
    expect((await api('DELETE', `/api/probes/${p.id}`)).status).toBe(204);
    expect(await closed).toBe(4001);
    await expect(RawProbe.connect(server.url, p.token)).rejects.toThrow('HTTP 401');
  });

  it('answers a malformed message with an error and keeps the connection', async () => {
    const p = (await api('POST', '/api/probes', { name: 'sloppy' })).body;
    const probe = await RawProbe.connect(server.url, p.token);
    await probe.next('welcome');
    probe.send('{"type":"results","batchId":"x"}');
    expect(await probe.next('error')).toMatchObject({ code: 'bad_message' });
    probe.send('}}}');
    expect(await probe.next('error')).toMatchObject({ code: 'bad_message' });
    probe.send({ type: 'ping' });
    expect(await probe.next('pong')).toEqual({ type: 'pong' });
    expect((await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === p.id).connected).toBe(true);
    probe.close();
  });

  it('two probes each get only their own assignment and jobs; repeated scans coalesce', async () => {
    const a = (await api('POST', '/api/probes', { name: 'a' })).body;
    const b = (await api('POST', '/api/probes', { name: 'b' })).body;
    const pa = await RawProbe.connect(server.url, a.token);
    const pb = await RawProbe.connect(server.url, b.token);
    await Promise.all([pa.next('assignment'), pb.next('assignment')]);

    const sa = (await api('POST', '/api/subnets', { cidr: '198.18.10.0/24', probeId: a.id })).body;
    const sb = (await api('POST', '/api/subnets', { cidr: '198.18.11.0/24', probeId: b.id })).body;
    // each new subnet reaches every probe (the managed subnets its flows are labelled with); each sweeps only its own
    const pushed = [await pa.next('assignment'), await pb.next('assignment'), await pa.next('assignment'), await pb.next('assignment')];
    expect(pushed.map((m) => m.subnets.map((s) => s.id))).toEqual([[sa.id], [], [sa.id], [sb.id]]);
    expect(pushed[3]!.managed?.map((s) => s.id)).toEqual(expect.arrayContaining([sa.id, sb.id]));

    const first = await api('POST', `/api/subnets/${sa.id}/scan`);
    expect(first).toMatchObject({ status: 202, body: { coalesced: false } });
    const second = await api('POST', `/api/subnets/${sa.id}/scan`);
    expect(second).toMatchObject({ status: 202, body: { coalesced: true, jobId: null } });
    expect(await pa.next('job')).toMatchObject({ kind: 'sweep', subnetId: sa.id, jobId: first.body.jobId });
    await api('POST', `/api/subnets/${sb.id}/scan`);
    expect(await pb.next('job')).toMatchObject({ subnetId: sb.id });
    await new Promise((r) => setTimeout(r, 200));
    expect(pa.received.filter((m) => m.type === 'job')).toEqual([]);
    expect(pb.received.filter((m) => m.type === 'job')).toEqual([]);

    // results for the other probe's subnet are refused
    pa.send({ type: 'results', batchId: 'z-1', sweeps: [{ subnetId: sb.id, at: Date.now(), durationMs: 1, complete: true, up: [{ ip: '198.18.11.3', latencyMs: 1 }], down: [] }] });
    expect(await pa.next('ack')).toMatchObject({ rejectedSubnets: [sb.id] });
    expect((await api('GET', `/api/subnets/${sb.id}/hosts`)).body.rows.filter((r: any) => r.kind === 'host')).toEqual([]);

    // moving a subnet re-assigns both probes
    await api('PATCH', `/api/subnets/${sb.id}`, { probeId: a.id });
    expect((await pa.next('assignment')).subnets.map((s) => s.id).sort()).toEqual([sa.id, sb.id].sort());
    expect((await pb.next('assignment')).subnets).toEqual([]);
    pa.close();
    pb.close();
  });

  it('streams live events: host transitions from results, scan jobs as the probe reports them, probe connect and revoke', async () => {
    expect((await fetch(`${server.url}/api/live`)).status).toBe(401);
    const live = await LiveClient.open((path, init) => fetch(server.url + path, init), { cookie });
    expect(live.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const hello = await live.next('hello');
    expect(live.log[0]?.event).toBe('hello');
    expect(Math.abs(hello.serverTime - Date.now())).toBeLessThan(60_000);

    const p = (await api('POST', '/api/probes', { name: 'live' })).body;
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.30.0/29', probeId: p.id })).body;
    await live.next('subnets');
    const probe = await RawProbe.connect(server.url, p.token);
    await probe.next('assignment');
    expect(await live.next('probe', (d) => d.probeId === p.id)).toEqual({ probeId: p.id, connected: true });

    const at = Date.now() - 1000;
    probe.send({ type: 'results', batchId: 'live-1', sweeps: [{ subnetId: subnet.id, at, durationMs: 2, complete: true, up: [{ ip: '198.18.30.1', latencyMs: 0.5 }], down: [] }] });
    await probe.next('ack');
    const changed = await live.next('hosts', (d) => d.subnetIds.includes(subnet.id));
    const hostId = (await api('GET', `/api/subnets/${subnet.id}/hosts`)).body.rows.find((r: any) => r.ip === '198.18.30.1').id;
    expect(changed).toEqual({ subnetIds: [subnet.id], changes: [{ hostId, subnetId: subnet.id, ip: '198.18.30.1', from: 'unknown', to: 'up', at: new Date(at).toISOString() }] });

    const scan = (await api('POST', `/api/subnets/${subnet.id}/scan`)).body;
    const ofJob = (d: { jobId: string }) => d.jobId === scan.jobId;
    expect(await live.next('job', ofJob)).toEqual({ jobId: scan.jobId, subnetId: subnet.id, probeId: p.id, state: 'queued' });
    expect((await probe.next('job')).jobId).toBe(scan.jobId);
    probe.send({ type: 'job_status', jobId: scan.jobId, subnetId: subnet.id, state: 'started' });
    probe.send({ type: 'job_status', jobId: scan.jobId, subnetId: subnet.id, state: 'progress', done: 3, total: 6 });
    expect(await live.next('job', ofJob)).toEqual({ jobId: scan.jobId, subnetId: subnet.id, probeId: p.id, state: 'started' });
    expect(await live.next('job', ofJob)).toEqual({ jobId: scan.jobId, subnetId: subnet.id, probeId: p.id, state: 'progress', done: 3, total: 6 });
    probe.send({ type: 'sweep_failed', subnetId: subnet.id, code: 'sweep_error', error: 'nmap failed', jobId: scan.jobId });
    expect(await live.next('job', ofJob)).toEqual({ jobId: scan.jobId, subnetId: subnet.id, probeId: p.id, state: 'failed', error: 'nmap failed' });

    expect((await api('DELETE', `/api/probes/${p.id}`)).status).toBe(204);
    expect(await live.next('probe', (d) => d.probeId === p.id)).toEqual({ probeId: p.id, connected: false });
    const lost = await live.next('hosts', (d) => d.changes.some((c) => c.hostId === hostId));
    expect(lost.changes).toEqual([{ hostId, subnetId: subnet.id, ip: '198.18.30.1', from: 'up', to: 'unknown', at: expect.any(String) }]);
    live.close();
    probe.close();
  });

  it('refuses what a probe must not send: stale or future sweeps, absurd latencies, network and broadcast hosts, other probes’ jobs, oversized batches', async () => {
    const a = (await api('POST', '/api/probes', { name: 'hostile' })).body;
    const b = (await api('POST', '/api/probes', { name: 'bystander' })).body;
    const mine = (await api('POST', '/api/subnets', { cidr: '198.18.40.0/24', probeId: a.id })).body.id;
    const theirs = (await api('POST', '/api/subnets', { cidr: '198.18.41.0/24', probeId: b.id })).body.id;
    const big = (await api('POST', '/api/subnets', { cidr: '198.18.44.0/22', probeId: a.id })).body.id;
    const reserved = (await api('POST', '/api/hosts', { ip: '198.18.40.200', reserved: true })).body;
    const live = await LiveClient.open((path, init) => fetch(server.url + path, init), { cookie });
    await live.next('hello');
    const probe = await RawProbe.connect(server.url, a.token);
    await probe.next('assignment');
    const sweep = (subnetId: number, at: number, up: string[], latencyMs = 1) => ({ subnetId, at, durationMs: 1, complete: true, up: up.map((ip) => ({ ip, latencyMs })), down: [] });
    const hostIps = async (id: number) => (await api('GET', `/api/subnets/${id}/hosts`)).body.rows.filter((r: any) => r.kind === 'host').map((r: any) => r.ip);
    const now = Date.now();

    probe.send({
      type: 'results',
      batchId: 'hostile-1',
      sweeps: [
        sweep(mine, Date.UTC(2099, 0, 1), ['198.18.40.1']),
        sweep(mine, 0, ['198.18.40.2']),
        sweep(mine, now - 2000, ['198.18.40.3'], 1e300),
        sweep(mine, now - 1000, ['198.18.40.0', '198.18.40.4', '198.18.40.255']),
      ],
    });
    expect(await probe.next('ack')).toEqual({
      type: 'ack',
      batchId: 'hostile-1',
      duplicate: false,
      rejectedSubnets: [],
      rejectedSweeps: [
        { subnetId: mine, at: Date.UTC(2099, 0, 1), reason: 'in_future' },
        { subnetId: mine, at: 0, reason: 'too_old' },
        { subnetId: mine, at: now - 2000, reason: 'bad_latency' },
      ],
    });
    expect(await hostIps(mine)).toEqual(['198.18.40.4', '198.18.40.200']);

    // a reserved address that never answered stays unknown however many sweeps miss it
    probe.send({ type: 'results', batchId: 'hostile-2', sweeps: [sweep(mine, now - 500, ['198.18.40.4']), sweep(mine, now, ['198.18.40.4'])] });
    await probe.next('ack');
    expect((await api('GET', `/api/hosts/${reserved.id}`)).body.status).toBe('unknown');

    // job reports for another probe's subnet never reach the live feed
    probe.send({ type: 'job_status', jobId: 'fake', subnetId: theirs, state: 'failed', error: 'spoofed' });
    probe.send({ type: 'sweep_failed', subnetId: theirs, code: 'x', error: 'spoofed', jobId: 'fake' });
    probe.send({ type: 'job_status', jobId: 'real', subnetId: mine, state: 'started' });
    expect(await live.next('job')).toEqual({ jobId: 'real', subnetId: mine, probeId: a.id, state: 'started' });

    // more samples than one batch may write: refused whole; the probe's split of the same sweep goes through
    const cidr = parseCidr('198.18.44.0/22');
    const all = [...usableAddresses(cidr)];
    probe.send({ type: 'results', batchId: 'hostile-3', sweeps: [sweep(big, now, all)] });
    expect(await probe.next('ack')).toMatchObject({ batchId: 'hostile-3', refused: { code: 'too_many_samples' } });
    expect(await hostIps(big)).toEqual([]);
    const parts = splitSweep(sweep(big, now, all), cidr);
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, part] of parts.entries()) {
      probe.send({ type: 'results', batchId: `split-${i}`, sweeps: [part] });
      expect(await probe.next('ack')).toEqual({ type: 'ack', batchId: `split-${i}`, duplicate: false, rejectedSubnets: [] });
    }
    expect((await hostIps(big)).length).toBe(all.length);

    // too many sweeps in one frame, or two of one subnet at one time: malformed
    probe.send({ type: 'results', batchId: 'hostile-4', sweeps: Array.from({ length: MAX_RESULTS_PER_FRAME + 1 }, (_, k) => sweep(mine, now - k, [])) });
    expect(await probe.next('error')).toMatchObject({ code: 'bad_message' });
    probe.send({ type: 'results', batchId: 'hostile-5', sweeps: [sweep(mine, now, []), sweep(mine, now, ['198.18.40.9'])] });
    expect(await probe.next('error')).toMatchObject({ code: 'bad_message' });
    expect(live.log.filter((m) => m.event === 'job' && m.data.jobId === 'fake')).toEqual([]);
    live.close();
    probe.close();
  });

  it('a real probe reports a scan as started, progress and done (sweeping loopback only)', async () => {
    const p = (await api('POST', '/api/probes', { name: 'agent' })).body;
    const subnet = (await api('POST', '/api/subnets', { cidr: '127.0.0.0/29', probeId: p.id, sweepIntervalSeconds: 3600 })).body;
    const live = await LiveClient.open((path, init) => fetch(server.url + path, init), { cookie });
    const stateDir = mkdtempSync(join(tmpdir(), 'eipam-agent-'));
    // runnerConfig(process.env): DNS_SERVER is pinned to loopback by vitest.config.ts, so its PTR lookups stay here
    const agent = new ProbeAgent({ ...runnerConfig(process.env), serverUrl: server.url, token: p.token, stateDir, heartbeatMs: 15_000, reconnectMaxMs: 1000, pingWorkers: 2, engine: 'ping', log: silentLogger });
    try {
      agent.start();
      // the first scheduled sweep finds 127.0.0.1-6
      const found = await live.next('hosts', (d) => d.subnetIds.includes(subnet.id) && d.changes.length > 0, 15_000);
      expect(found.changes.map((c) => `${c.ip} ${c.from}>${c.to}`)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `127.0.0.${n} unknown>up`));

      const { jobId } = (await api('POST', `/api/subnets/${subnet.id}/scan`)).body;
      const states: string[] = [];
      let last;
      do {
        last = await live.next('job', (d) => d.jobId === jobId, 10_000);
        states.push(last.state === 'progress' ? `${last.done}/${last.total}` : last.state);
      } while (last.state !== 'done' && last.state !== 'failed');
      expect(states[0]).toBe('queued');
      expect(states[1]).toBe('started');
      expect(states.at(-2)).toBe('6/6');
      expect(states.at(-1)).toBe('done');
      expect(await live.next('hosts', (d) => d.subnetIds.includes(subnet.id), 10_000)).toEqual({ subnetIds: [subnet.id], changes: [] });
    } finally {
      await agent.stop();
      live.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('a second connection with the same token replaces the first', async () => {
    const p = (await api('POST', '/api/probes', { name: 'twice' })).body;
    const one = await RawProbe.connect(server.url, p.token);
    await one.next('welcome');
    const closed = new Promise<number>((resolve) => one.ws.once('close', (code) => resolve(code)));
    const two = await RawProbe.connect(server.url, p.token);
    await two.next('welcome');
    expect(await closed).toBe(4000);
    two.send({ type: 'ping' });
    expect(await two.next('pong')).toEqual({ type: 'pong' });
    expect((await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === p.id).connected).toBe(true);
    two.close();
  });

  it('a replaced connection closing leaves the probe connected and its hosts as they were; the current one closing does not', async () => {
    const p = (await api('POST', '/api/probes', { name: 'replaced' })).body;
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.50.0/29', probeId: p.id })).body;
    const state = async () => ({
      connected: (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === p.id).connected,
      host: (await api('GET', `/api/subnets/${subnet.id}/hosts`)).body.rows.find((r: any) => r.ip === '198.18.50.1')?.status,
    });
    const one = await RawProbe.connect(server.url, p.token);
    await one.next('assignment');
    one.send({ type: 'results', batchId: 'replaced-1', sweeps: [{ subnetId: subnet.id, at: Date.now() - 1000, durationMs: 2, complete: true, up: [{ ip: '198.18.50.1', latencyMs: 0.5 }], down: [] }] });
    await one.next('ack');
    expect(await state()).toEqual({ connected: true, host: 'up' });

    const live = await LiveClient.open((path, init) => fetch(server.url + path, init), { cookie });
    await live.next('hello');
    const closed = new Promise<number>((resolve) => one.ws.once('close', (code) => resolve(code)));
    const two = await RawProbe.connect(server.url, p.token);
    await two.next('welcome');
    expect(await closed).toBe(4000);
    // the server has seen the old socket's close by now; frames of a probe are handled in order, so the pong comes after whatever that close did
    await new Promise((r) => setTimeout(r, 300));
    two.send({ type: 'ping' });
    await two.next('pong');
    expect(await state()).toEqual({ connected: true, host: 'up' });
    expect(live.log.filter((m) => m.event === 'probe' && m.data.probeId === p.id)).toEqual([{ event: 'probe', data: { probeId: p.id, connected: true } }]);

    two.close();
    expect(await live.next('probe', (d) => d.probeId === p.id && !d.connected)).toEqual({ probeId: p.id, connected: false });
    expect(await state()).toEqual({ connected: false, host: 'unknown' });
    live.close();
  });

  // a Durable Object with only hibernatable sockets sleeps after ~10 s idle and forgets its memory; the socket stays
  // hibernation is the Workers host's alone: the test is only defined there (not skipped on Node)
  if (host === 'edge') it('after the probe’s object has hibernated, jobs still reach the probe and its close still marks it offline', async () => {
    const p = (await api('POST', '/api/probes', { name: 'sleepy' })).body;
    const subnet = (await api('POST', '/api/subnets', { cidr: '198.18.51.0/29', probeId: p.id })).body;
    const probe = await RawProbe.connect(server.url, p.token);
    await probe.next('assignment');
    const live = await LiveClient.open((path, init) => fetch(server.url + path, init), { cookie });
    await live.next('hello');
    await new Promise((r) => setTimeout(r, 11_000));
    const scan = (await api('POST', `/api/subnets/${subnet.id}/scan`)).body;
    expect((await probe.next('job')).jobId).toBe(scan.jobId);
    await new Promise((r) => setTimeout(r, 11_000));
    probe.close();
    expect(await live.next('probe', (d) => d.probeId === p.id)).toEqual({ probeId: p.id, connected: false });
    live.close();
  }, 40_000);

  it('serves the UI, the OpenAPI document and the docs page', async () => {
    const index = await fetch(server.url + '/');
    expect(await index.text()).toContain('importmap');
    expect((await fetch(server.url + '/vendor/preact.mjs')).status).toBe(200);
    const doc = await (await fetch(server.url + '/openapi.json')).json();
    expect(doc.paths['/api/subnets/{id}/hosts']).toBeDefined();
    expect(await (await fetch(server.url + '/docs')).text()).toContain('swagger-ui-bundle.js');
  });
});
