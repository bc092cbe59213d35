/**
 * A real probe agent running traffic jobs against a WebSocket server on loopback standing in for the control plane
 * (every frame the probe sends is seen): `hello` announces both kinds as probe 0.8.0, and neither with a wrong
 * IPERF3_BIN; a client job outside ALLOWED_TARGETS fails `target_not_allowed` without `started` and iperf3 never
 * runs (a wrapper leaves a mark); a listener job on a port outside TRAFFIC_PORTS fails `port_not_allowed`; a
 * listener job then a client job on 127.0.0.1 run the real iperf3 and send one `traffic` item; the pool takes one
 * test at a time with two waiting (`queued`) and refuses the next `probe_busy`.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ProbeAgent, PROBE_VERSION } from '../../probe/agent.js';
import { runnerConfig } from '../../probe/config.js';
import { trafficItem } from '../../schema/kinds/traffic.js';
import { silentLogger } from '../../schema/log.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'eipam-probe-traffic-'));
const ran = join(dir, 'iperf3.ran');
const iperf3 = join(dir, 'iperf3');
// the real iperf3 behind a wrapper that leaves a mark: a refused job must not even start it
writeFileSync(iperf3, `#!/bin/sh\necho "$*" >> '${ran}'\nexec iperf3 "$@"\n`);
chmodSync(iperf3, 0o755);
const PORTS = '15451-15459';

const agents: ProbeAgent[] = [];
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in control plane and a probe connected to it; the frames it sent. */
async function connect(name: string, env: Record<string, string>) {
  const frames: Record<string, any>[] = [];
  let socket: WebSocket | undefined;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (d) => {
      const frame = JSON.parse(d.toString());
      frames.push(frame);
      if (frame.type === 'results') ws.send(JSON.stringify({ type: 'ack', batchId: frame.batchId, duplicate: false, rejectedSubnets: [] }));
    });
    ws.send(JSON.stringify({ type: 'welcome', probeId: 1, name, serverTime: Date.now() }));
  });
  const agent = new ProbeAgent({
    ...runnerConfig({ ...process.env, ALLOWED_TARGETS: '127.0.0.0/8', TRAFFIC_PORTS: PORTS, ...env }),
    serverUrl: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    token: 'eipp_test_token_traffic',
    stateDir: join(dir, name),
    heartbeatMs: 15_000,
    reconnectMaxMs: 1000,
    log: silentLogger,
  });
  agents.push(agent);
  await agent.start();
  await waitFor('hello', () => frames.some((f) => f.type === 'hello'), 10_000, 20);
  const statesOf = (jobId: string) => frames.filter((f) => f.type === 'job_status' && f.jobId === jobId).map((f) => f.state);
  return {
    frames,
    hello: frames.find((f) => f.type === 'hello')!,
    send: (job: Record<string, unknown>) => socket!.send(JSON.stringify({ type: 'job', ...job })),
    statesOf,
    statusOf: (jobId: string) => frames.filter((f) => f.type === 'job_status' && f.jobId === jobId).at(-1),
    finished: (jobId: string, ms = 20_000) => waitFor(`job ${jobId} finished`, () => statesOf(jobId).some((s) => s === 'done' || s === 'failed'), ms, 20),
    /** The probe stopped, then the stand-in closed (ws waits for its connections to end). */
    close: async () => {
      await agent.stop();
      for (const ws of wss.clients) ws.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

const server = (jobId: string, port: number, timeoutMs = 20_000) => ({ kind: 'traffic-server', jobId, testId: `t-${jobId}`, port, bind: '127.0.0.1', timeoutMs });
const clientJob = (jobId: string, port: number, target = '127.0.0.1') => ({
  kind: 'traffic-client', jobId, testId: `t-${jobId}`, target, port, protocol: 'tcp', durationSeconds: 1, bandwidthBps: 10_000_000, parallel: 1, reverse: false, connectWaitMs: 3_000, timeoutMs: 20_000,
});

describe('traffic jobs on a real probe (a stand-in control plane on loopback)', () => {
  let probe: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    probe = await connect('loop', { IPERF3_BIN: iperf3 });
  });
  afterAll(() => probe.close());

  it('hello announces both traffic kinds, as probe 0.8.0', () => {
    expect(PROBE_VERSION).toBe('0.8.0');
    expect(probe.hello).toMatchObject({ version: '0.8.0' });
    expect(probe.hello.kinds).toEqual(expect.arrayContaining(['traffic-server', 'traffic-client']));
  });

  it('a client job outside ALLOWED_TARGETS fails target_not_allowed, never started, and iperf3 never runs', async () => {
    probe.send(clientJob('c-fenced', 15_451, '198.18.20.1'));
    await probe.finished('c-fenced');
    expect(probe.statesOf('c-fenced')).toEqual(['failed']);
    expect(probe.statusOf('c-fenced')).toMatchObject({ kind: 'traffic-client', code: 'target_not_allowed', error: expect.stringContaining("198.18.20.1 is outside this probe's ALLOWED_TARGETS") });
    expect(existsSync(ran)).toBe(false);
  });

  it('a listener job outside TRAFFIC_PORTS fails port_not_allowed, never started', async () => {
    probe.send(server('s-port', 5201));
    await probe.finished('s-port');
    expect(probe.statesOf('s-port')).toEqual(['failed']);
    expect(probe.statusOf('s-port')).toMatchObject({ code: 'port_not_allowed', error: `port 5201 is outside this probe's TRAFFIC_PORTS (${PORTS})` });
    expect(existsSync(ran)).toBe(false);
  });

  it('a listener job then a client job: both done, one traffic item from the real iperf3', async () => {
    // one probe plays both ends: the pool holds the client (queued) until the listener is done, so the listener is
    // another probe's here
    const other = await connect('other', { IPERF3_BIN: iperf3 });
    try {
      other.send(server('s-1', 15_452));
      await waitFor('the listener started', () => other.statesOf('s-1').includes('started'), 5_000, 20);
      probe.send(clientJob('c-1', 15_452));
      await probe.finished('c-1');
      await other.finished('s-1');
      expect(probe.statesOf('c-1')[0]).toBe('started');
      expect(probe.statesOf('c-1').at(-1)).toBe('done');
      expect(other.statesOf('s-1').at(-1)).toBe('done');
      const item = probe.frames.flatMap((f) => (f.type === 'results' ? f.results : [])).find((r: any) => r.kind === 'traffic' && r.jobId === 'c-1');
      expect(trafficItem.parse(item)).toMatchObject({ testId: 't-c-1', address: '127.0.0.1', result: { protocol: 'tcp' } });
      expect(item.result.receivedBps).toBeGreaterThan(9e6);
      expect(item.result.receivedBps).toBeLessThan(11e6);
    } finally {
      await other.close();
    }
  });

  it('one test at a time: the next two wait queued, one more is refused probe_busy', async () => {
    for (const [i, port] of [15_453, 15_454, 15_455, 15_456].entries()) probe.send(server(`s-pool-${i}`, port, 5_000));
    await waitFor('the fourth refused', () => probe.statesOf('s-pool-3').includes('failed'), 5_000, 20);
    expect(probe.statusOf('s-pool-3')).toMatchObject({ code: 'probe_busy' });
    expect(probe.statesOf('s-pool-0')[0]).toBe('started');
    expect(probe.statesOf('s-pool-1')[0]).toBe('queued');
    expect(probe.statesOf('s-pool-2')[0]).toBe('queued');
    // no client comes: each listener ends at its limit in turn, the next one starting only then
    await probe.finished('s-pool-0', 10_000);
    expect(probe.statusOf('s-pool-0')).toMatchObject({ state: 'failed', code: 'timeout' });
    await waitFor('the second started', () => probe.statesOf('s-pool-1').includes('started'), 3_000, 20);
    expect(probe.statesOf('s-pool-2')).toEqual(['queued']);
  }, 20_000);
});

describe('without iperf3', () => {
  it('a wrong IPERF3_BIN: neither kind is announced, and a job of them is unsupported', async () => {
    const probe = await connect('none', { IPERF3_BIN: join(dir, 'no-such-iperf3') });
    try {
      expect(probe.hello.kinds).not.toContain('traffic-server');
      expect(probe.hello.kinds).not.toContain('traffic-client');
      probe.send(server('s-none', 15_457));
      await waitFor('unsupported', () => probe.statesOf('s-none').includes('unsupported'), 5_000, 20);
    } finally {
      await probe.close();
    }
  });
});
