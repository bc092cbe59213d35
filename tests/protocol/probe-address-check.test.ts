/**
 * A real probe agent running `address-check` jobs, on loopback only. Against a WebSocket server on loopback standing
 * in for the control plane (every frame the probe sends is seen as sent: the job's statuses with their codes and the
 * one result item): 127.0.0.1 with a TCP listener the test opens is alive with a tcp sign (and its echo), a closed
 * port's refusal is a sign too, the neighbour check is skipped (loopback is no attached segment), and an address
 * outside the probe's assignment is refused before anything runs (the ping wrapper leaves no mark); a ping that cannot
 * send (exit 2, "Operation not permitted") leaves ICMP skipped, while one that heard nothing (exit 1) is no sign. Against the real
 * Node host: the probe announces the kind in `hello`.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ProbeAgent, PROBE_VERSION } from '../../probe/agent.js';
import { runnerConfig } from '../../probe/config.js';
import { addressCheckItem } from '../../schema/kinds/address-check.js';
import { silentLogger } from '../../schema/log.js';
import { startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'eipam-addrcheck-'));
const pingRan = join(dir, 'ping.ran');
const pingBin = join(dir, 'ping');
const SUBNET = 7;

const pingFake = join(dir, 'ping.fake');
/**
 * ping is the real one, behind a wrapper that leaves a mark: a refused job must not even start it. While `ping.fake`
 * exists, the wrapper stands in for a ping that cannot send: it prints the file's second line and exits with its first.
 */
writeFileSync(pingBin, `#!/bin/sh\ntouch '${pingRan}'\nif [ -f '${pingFake}' ]; then sed -n 2p '${pingFake}' >&2; exit "$(sed -n 1p '${pingFake}')"; fi\nexec ping "$@"\n`);
chmodSync(pingBin, 0o755);
const probeEnv = { ...process.env, PING_BIN: pingBin };

const agents: ProbeAgent[] = [];
function startAgent(serverUrl: string, token: string, name: string) {
  const agent = new ProbeAgent({ ...runnerConfig(probeEnv), serverUrl, token, stateDir: join(dir, name), heartbeatMs: 15_000, reconnectMaxMs: 1000, log: silentLogger });
  agents.push(agent);
  return agent;
}

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('address-check on a real probe (a stand-in control plane on loopback)', () => {
  let wss: WebSocketServer;
  let socket: WebSocket | undefined;
  let listener: Server;
  let openPort: number;
  let closedPort: number;
  const frames: Record<string, any>[] = [];

  const job = (fields: Record<string, unknown>) => socket!.send(JSON.stringify({ type: 'job', kind: 'address-check', subnetId: SUBNET, ports: [], timeoutMs: 3_000, ...fields }));
  const statesOf = (jobId: string) => frames.filter((f) => f.type === 'job_status' && f.jobId === jobId).map((f) => f.state);
  const until = <T>(what: string, get: () => T | undefined, ms = 10_000) => {
    let value: T | undefined;
    return waitFor(what, () => (value = get()) !== undefined, ms, 20).then(() => value as T);
  };
  const resultOf = (jobId: string) =>
    until(`the address-check result of ${jobId}`, () => frames.flatMap((f) => (f.type === 'results' ? f.results : [])).find((r: any) => r.kind === 'address-check' && r.jobId === jobId));
  const finalState = (jobId: string) => until(`job ${jobId} finished`, () => statesOf(jobId).find((s) => s === 'done' || s === 'failed'));

  beforeAll(async () => {
    listener = createServer((s) => s.destroy());
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    openPort = (listener.address() as AddressInfo).port;
    // a port that was just free: nothing listens there, so loopback answers the connect with a refusal
    const spare = createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    closedPort = (spare.address() as AddressInfo).port;
    await new Promise((r) => spare.close(r));

    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (d) => {
        const frame = JSON.parse(d.toString());
        frames.push(frame);
        if (frame.type === 'results') ws.send(JSON.stringify({ type: 'ack', batchId: frame.batchId, duplicate: false, rejectedSubnets: [] }));
        if (frame.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      });
      ws.send(JSON.stringify({ type: 'welcome', probeId: 1, name: 'loop', serverTime: Date.now() }));
      ws.send(
        JSON.stringify({
          type: 'assignment',
          subnets: [{ id: SUBNET, cidr: '127.0.0.1/32', intervalSeconds: 3600, knownHosts: [], ptr: true }],
          settings: { pingTimeoutMs: 500, maxSweepAddresses: 256 },
        }),
      );
    });
    await startAgent(`http://127.0.0.1:${(wss.address() as AddressInfo).port}`, 'eipp_test_token_addrcheck', 'stand-in').start();
    await until('hello', () => frames.find((f) => f.type === 'hello'));
  });
  afterAll(async () => {
    await new Promise((r) => listener.close(r));
    socket?.terminate();
    await new Promise((r) => wss.close(r));
  });

  it('hello announces address-check (since probe 0.7.0)', () => {
    const hello = frames.find((f) => f.type === 'hello')!;
    expect(hello.version).toBe(PROBE_VERSION);
    expect(PROBE_VERSION).toBe('0.8.0');
    expect(hello.kinds).toContain('address-check');
  });

  it('127.0.0.1 with a listener on a port of the job: alive, with the tcp sign and the echo; the closed port refused is a sign too; no neighbour check on loopback', async () => {
    rmSync(pingRan, { force: true });
    const t0 = Date.now();
    job({ jobId: 'check-1', addresses: ['127.0.0.1'], ports: [openPort, closedPort] });
    const item = await resultOf('check-1');
    expect(await finalState('check-1')).toBe('done');
    expect(statesOf('check-1')[0]).toBe('started');
    expect(addressCheckItem.parse(item)).toEqual(item);
    expect(item).toMatchObject({ kind: 'address-check', jobId: 'check-1', subnetId: SUBNET });
    expect(item.at).toBeGreaterThanOrEqual(t0 - 1000);
    expect(item.durationMs).toBeLessThan(3_000);
    const [check] = item.checks;
    expect(item.checks).toHaveLength(1);
    expect(check).toMatchObject({ ip: '127.0.0.1', alive: true, skipped: ['neighbour'], mac: null });
    expect(check.signs).toEqual(
      expect.arrayContaining([
        { check: 'icmp', detail: expect.stringMatching(/^echo reply [\d.]+ ms$/) },
        { check: 'tcp', detail: `tcp/${openPort} open` },
        { check: 'tcp', detail: `tcp/${closedPort} refused` },
      ]),
    );
    // the resolver is a silent loopback port here: no PTR sign, and it did not hold the job past its limit
    expect(check.signs.filter((s: any) => s.check === 'ptr' || s.check === 'neighbour')).toEqual([]);
    expect(check.rttMs).toBeGreaterThanOrEqual(0);
    expect(existsSync(pingRan)).toBe(true);
    // one item for the job, however many addresses
    expect(frames.filter((f) => f.type === 'results' && f.results.some((r: any) => r.jobId === 'check-1'))).toHaveLength(1);
  });

  it.each([
    ['a ping that cannot send (no CAP_NET_RAW: exit 2): ICMP is skipped, not "no answer"', '2\nping: socket: Operation not permitted', ['icmp', 'neighbour']],
    ['a ping that sent and heard nothing (exit 1): no sign, ICMP counts as checked', '1\n', ['neighbour']],
  ])('%s', async (_name, fake, skipped) => {
    writeFileSync(pingFake, `${fake}\n`);
    const jobId = `check-fake-${skipped.length}`;
    try {
      job({ jobId, addresses: ['127.0.0.1'], ports: [], timeoutMs: 2_000 });
      const item = await resultOf(jobId);
      expect(await finalState(jobId)).toBe('done');
      expect(addressCheckItem.parse(item)).toEqual(item);
      expect(item.checks).toEqual([{ ip: '127.0.0.1', alive: false, signs: [], mac: null, ptrName: null, rttMs: null, skipped }]);
    } finally {
      rmSync(pingFake, { force: true });
    }
  });

  it('the same address twice: one check', async () => {
    job({ jobId: 'check-2', addresses: ['127.0.0.1', '127.0.0.1'], ports: [openPort], timeoutMs: 2_000 });
    const item = await resultOf('check-2');
    expect(item.checks.map((c: any) => c.ip)).toEqual(['127.0.0.1']);
    expect(item.checks[0].signs).toContainEqual({ check: 'tcp', detail: `tcp/${openPort} open` });
  });

  it('every check gives up within the job’s limit: the PTR question to a silent resolver (2 × 1 s) is cut at 1 s', async () => {
    const t0 = Date.now();
    job({ jobId: 'check-6', addresses: ['127.0.0.1'], ports: [openPort], timeoutMs: 1_000 });
    const item = await resultOf('check-6');
    expect(await finalState('check-6')).toBe('done');
    expect(item.durationMs).toBeLessThan(1_000);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(item.checks[0]).toMatchObject({ ip: '127.0.0.1', alive: true });
  });

  it('an address outside the assignment: failed target_outside_assignment, never started, nothing run', async () => {
    rmSync(pingRan, { force: true });
    job({ jobId: 'check-3', addresses: ['127.0.0.1', '198.18.120.9'], ports: [openPort] });
    expect(await finalState('check-3')).toBe('failed');
    const status = frames.find((f) => f.type === 'job_status' && f.jobId === 'check-3' && f.state === 'failed')!;
    expect(status).toMatchObject({ kind: 'address-check', subnetId: SUBNET, code: 'target_outside_assignment' });
    expect(status.error).toContain('198.18.120.9');
    expect(statesOf('check-3')).toEqual(['failed']);
    // a result would have come before the status: there is none
    await new Promise((r) => setTimeout(r, 300));
    expect(frames.some((f) => f.type === 'results' && f.results.some((r: any) => r.jobId === 'check-3'))).toBe(false);
    expect(existsSync(pingRan)).toBe(false);
  });

  it('a subnet that is not the probe’s: refused the same way', async () => {
    job({ jobId: 'check-4', subnetId: SUBNET + 1, addresses: ['127.0.0.1'] });
    expect(await finalState('check-4')).toBe('failed');
    expect(frames.find((f) => f.type === 'job_status' && f.jobId === 'check-4')).toMatchObject({ state: 'failed', code: 'target_outside_assignment' });
  });

  it('a malformed job (too short a limit) fails without running', async () => {
    job({ jobId: 'check-5', addresses: ['127.0.0.1'], timeoutMs: 10 });
    expect(await finalState('check-5')).toBe('failed');
    expect(frames.find((f) => f.type === 'job_status' && f.jobId === 'check-5')!.error).toContain('malformed address-check job');
  });
});

describe('address-check against the real Node host', () => {
  it('the probe’s announced kinds include address-check (GET /api/probes)', async () => {
    const server = await startTestServer();
    try {
      const api = client(server.url, await server.login());
      const p = (await api('POST', '/api/probes', { name: 'addr-check-agent' })).body;
      await startAgent(server.url, p.token, 'real').start();
      await waitFor('the probe connected with its kinds', async () => {
        const me = (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === p.id);
        return me?.connected === true && Array.isArray(me.kinds) && me.kinds.length > 0;
      }, 10_000, 100);
      const me = (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === p.id);
      expect(me).toMatchObject({ version: PROBE_VERSION });
      expect(me.kinds).toContain('address-check');
    } finally {
      await Promise.all(agents.splice(0).map((a) => a.stop()));
      await server.close();
    }
  });
});
