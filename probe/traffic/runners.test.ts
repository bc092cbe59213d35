/**
 * The traffic runners against the real iperf3 on 127.0.0.1 (apt-get install iperf3): a listener job then a client
 * job give a TrafficResult; refusals, a missing binary, a port already taken, the limits and a stop. Every iperf3
 * here listens on and connects to loopback only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../schema/log.js';
import type { TrafficClientJob, TrafficServerJob } from '../../schema/kinds/traffic.js';
import { findExecutable } from '../executable.js';
import type { JobContext } from '../jobs/types.js';
import { trafficClientRunner, iperf3ClientArgv } from './client.js';
import { trafficRunners } from './index.js';
import type { TrafficOptions } from './options.js';
import { trafficServerRunner } from './server.js';

if (!findExecutable('iperf3')) throw new Error('iperf3 is not installed: apt-get install iperf3 (the traffic runners are tested against the real tool)');

const opts: TrafficOptions = { iperf3Bin: 'iperf3', ports: [{ from: 15_401, to: 15_420 }], allowedTargets: ['127.0.0.0/8'] };
const server = trafficServerRunner(opts);
const client = trafficClientRunner(opts);
const serverJob = (f: Partial<TrafficServerJob> = {}): TrafficServerJob => ({ type: 'job', kind: 'traffic-server', jobId: 's-1', testId: 't-1', port: 15_401, bind: '127.0.0.1', timeoutMs: 20_000, ...f });
const clientJob = (f: Partial<TrafficClientJob> = {}): TrafficClientJob => ({
  type: 'job', kind: 'traffic-client', jobId: 'c-1', testId: 't-1', target: '127.0.0.1', port: 15_401, protocol: 'tcp', durationSeconds: 1, bandwidthBps: 20_000_000,
  parallel: 1, reverse: false, connectWaitMs: 3_000, timeoutMs: 20_000, ...f,
});

const stops: AbortController[] = [];
afterEach(() => {
  for (const c of stops.splice(0)) c.abort();
});

function context(): JobContext & { stop: AbortController; progressed: [number, number][] } {
  const stop = new AbortController();
  stops.push(stop);
  const progressed: [number, number][] = [];
  return {
    stop,
    progressed,
    now: Date.now,
    log: silentLogger,
    limits: { pingTimeoutMs: 1000, maxSweepAddresses: 65_536, rawSockets: true },
    assigned: new Map(),
    progress: (done, total) => void progressed.push([done, total]),
    signal: stop.signal,
    later: () => {},
    emit: () => {},
  };
}

/** Processes whose command line is iperf3 … -p <port> (from /proc), to see that none is left. */
function iperf3On(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv[0]?.endsWith('iperf3') && argv.includes('-p') && argv[argv.indexOf('-p') + 1] === String(port)) pids.push(Number(entry));
  }
  return pids;
}

async function until(check: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a listener job then a client job on 127.0.0.1', () => {
  it.each<[string, Partial<TrafficClientJob>, Record<string, unknown>]>([
    ['TCP at 20 Mbit/s', {}, { protocol: 'tcp', jitterMs: null, lossPercent: null }],
    ['UDP at 20 Mbit/s', { protocol: 'udp' }, { protocol: 'udp', retransmits: null, lostPackets: expect.any(Number), packets: expect.any(Number) }],
    ['TCP reversed, two streams', { reverse: true, parallel: 2 }, { protocol: 'tcp' }],
  ])('%s gives a traffic item', async (_name, fields, expected) => {
    const port = 15_402 + Object.keys(fields).length;
    const listening = server.run(serverJob({ port }), context());
    const ctx = context();
    const items = await client.run(clientJob({ port, ...fields }), ctx);
    await expect(listening).resolves.toEqual([]);
    expect(items).toEqual([
      { kind: 'traffic', jobId: 'c-1', testId: 't-1', at: expect.any(Number), durationMs: expect.any(Number), address: '127.0.0.1', result: expect.objectContaining({ ...expected, version: expect.stringMatching(/^iperf 3\./) }) },
    ]);
    const r = (items[0] as { result: { receivedBps: number; intervals: number[]; raw: string | null } }).result;
    // -b 20M on an unshaped loopback: the rate asked for (per stream)
    const streams = fields.parallel ?? 1;
    expect(r.receivedBps).toBeGreaterThan(streams * 20e6 * 0.9);
    expect(r.receivedBps).toBeLessThan(streams * 20e6 * 1.1);
    expect(r.intervals.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(r.raw!)).toHaveProperty('end');
    expect(iperf3On(port)).toEqual([]);
  });

  it('the client retries a refused connect until the listener is up (it starts a moment later)', async () => {
    const ctx = context();
    const running = client.run(clientJob({ port: 15_410, connectWaitMs: 5_000 }), ctx);
    await new Promise((r) => setTimeout(r, 1_200));
    const listening = server.run(serverJob({ port: 15_410 }), context());
    const items = await running;
    await listening;
    expect(items).toHaveLength(1);
    expect((items[0] as { at: number }).at).toBeGreaterThan(Date.now() - 3_000);
  });

  it('refused for longer than connectWaitMs: connect_failed', async () => {
    const t0 = Date.now();
    await expect(client.run(clientJob({ port: 15_411, connectWaitMs: 800 }), context())).rejects.toMatchObject({ code: 'connect_failed', message: expect.stringMatching(/127\.0\.0\.1 port 15411: unable to connect to server: Connection refused \(refused for 0\.8 s\)/) });
    expect(Date.now() - t0).toBeLessThan(3_000);
  });
});

describe('refusals, before anything runs', () => {
  it.each<[Partial<TrafficClientJob>, RegExp]>([
    [{ target: '198.18.7.1' }, /198\.18\.7\.1 is outside this probe's ALLOWED_TARGETS/],
    [{ target: '::ffff:198.18.7.1' }, /198\.18\.7\.1 is outside/],
    [{ target: '233.252.0.1' }, /multicast/],
    [{ target: '0.0.0.0' }, /unspecified/],
  ])('client %j: target_not_allowed', (fields, message) => {
    expect(client.refuse!(clientJob(fields), { assigned: new Map(), limits: context().limits })).toMatchObject({ code: 'target_not_allowed', message: expect.stringMatching(message) });
  });

  it('a client within ALLOWED_TARGETS is not refused; an empty list allows any', () => {
    expect(client.refuse!(clientJob(), { assigned: new Map(), limits: context().limits })).toBeNull();
    expect(trafficClientRunner({ ...opts, allowedTargets: [] }).refuse!(clientJob({ target: '198.18.7.1' }), { assigned: new Map(), limits: context().limits })).toBeNull();
  });

  it.each([5201, 15_400, 15_421])('listener on port %i outside TRAFFIC_PORTS: port_not_allowed', (port) => {
    expect(server.refuse!(serverJob({ port }), { assigned: new Map(), limits: context().limits })).toMatchObject({ code: 'port_not_allowed', message: `port ${port} is outside this probe's TRAFFIC_PORTS (15401-15420)` });
  });
});

describe('failures', () => {
  const missing = { ...opts, iperf3Bin: '/nonexistent/iperf3' };

  it('a wrong IPERF3_BIN: neither kind is offered, and a run says which package to install (tool_missing)', async () => {
    const warned: string[] = [];
    expect(trafficRunners(missing, { ...silentLogger, warn: (m) => void warned.push(m) })).toEqual([]);
    expect(warned).toEqual([expect.stringContaining('apt-get install iperf3')]);
    expect(trafficRunners(opts).map((r) => r.kind)).toEqual(['traffic-server', 'traffic-client']);
    await expect(trafficServerRunner(missing).run(serverJob(), context())).rejects.toMatchObject({ code: 'tool_missing', message: expect.stringContaining('apt-get install iperf3') });
    await expect(trafficClientRunner(missing).run(clientJob(), context())).rejects.toMatchObject({ code: 'tool_missing', message: expect.stringContaining('apt-get install iperf3') });
  });

  it('a port already taken: port_in_use', async () => {
    const first = server.run(serverJob({ port: 15_412 }), context());
    await until(() => iperf3On(15_412).length === 1, 3_000, 'the first listener');
    await new Promise((r) => setTimeout(r, 300));
    await expect(server.run(serverJob({ port: 15_412, jobId: 's-2' }), context())).rejects.toMatchObject({ code: 'port_in_use' });
    stops[0]!.abort();
    await expect(first).rejects.toMatchObject({ code: 'stopped' });
  });

  it('a listener no client reaches ends at its limit: timeout, and its iperf3 is gone', async () => {
    await expect(server.run(serverJob({ port: 15_413, timeoutMs: 5_000 }), context())).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('within 5 s') });
    expect(iperf3On(15_413)).toEqual([]);
  });

  it('the probe stopping mid-test stops the listener and the client: stopped, no iperf3 left', async () => {
    const serverCtx = context();
    const listening = server.run(serverJob({ port: 15_414 }), serverCtx);
    const clientCtx = context();
    const running = client.run(clientJob({ port: 15_414, durationSeconds: 30 }), clientCtx);
    await until(() => iperf3On(15_414).length === 2, 5_000, 'both iperf3 processes');
    await new Promise((r) => setTimeout(r, 1_500));
    serverCtx.stop.abort();
    clientCtx.stop.abort();
    await expect(listening).rejects.toMatchObject({ code: 'stopped' });
    await expect(running).rejects.toMatchObject({ code: 'stopped' });
    await until(() => iperf3On(15_414).length === 0, 2_000, 'no iperf3 on the port');
    expect(clientCtx.progressed.length).toBeGreaterThan(0);
  });
});

describe('iperf3ClientArgv', () => {
  it.each<[Partial<TrafficClientJob>, string[]]>([
    [{ bandwidthBps: undefined }, ['-c', '127.0.0.1', '-p', '15401', '-J', '-t', '1', '--connect-timeout', '3000']],
    [{ protocol: 'udp', bandwidthBps: 60_000_000, parallel: 4, reverse: true, durationSeconds: 10 }, ['-c', '127.0.0.1', '-p', '15401', '-J', '-t', '10', '-u', '-b', '60000000', '-P', '4', '-R', '--connect-timeout', '3000']],
  ])('%j', (fields, argv) => expect(iperf3ClientArgv(clientJob(fields))).toEqual(argv));
});
