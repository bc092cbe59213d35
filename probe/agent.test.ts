/**
 * The agent's first frames against a WebSocket server on loopback standing in for the control plane: hello comes
 * first, carries the network read (which no longer blocks), and announces only the kinds whose tools are there.
 * Its producers: a flow datagram sent to its NetFlow collector on loopback ends up spooled and sent as a flows item.
 */
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../schema/log.js';
import type { FlowsItem, ProbeNetwork } from '../schema/protocol.js';
import { ProbeAgent, type AgentOptions } from './agent.js';
import { runnerConfig, type NetflowConfig } from './config.js';
import { NetworkInfo } from './network-info.js';
import { buildV5 } from './netflow/test-packets.js';
import { NetflowProducer } from './producers/netflow.js';

let wss: WebSocketServer;
let url: string;
const frames: { socket: WebSocket; frame: Record<string, unknown> }[] = [];
const dirs: string[] = [];
const agents: ProbeAgent[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (socket) => socket.on('message', (d) => frames.push({ socket, frame: JSON.parse(d.toString()) })));
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  frames.length = 0;
});
afterAll(() => new Promise((r) => wss.close(r)));

const warnings: string[] = [];
const errors: string[] = [];
const log: Logger = { info() {}, warn: (m) => void warnings.push(m), error: (m) => void errors.push(m) };

function agent(network: NetworkInfo, traceBin = '/bin/sh', netflow?: NetflowConfig): ProbeAgent {
  const stateDir = mkdtempSync(join(tmpdir(), 'eipam-agent-'));
  dirs.push(stateDir);
  const opts: AgentOptions = {
    serverUrl: url,
    token: 'eipp_test_token',
    stateDir,
    heartbeatMs: 60_000,
    reconnectMaxMs: 500,
    log,
    pingWorkers: 1,
    engine: 'ping',
    nmapAbove: 0,
    macCollection: false,
    names: { enabled: false, dnsServers: null, concurrency: 1 },
    portScan: { nmapBin: 'nmap', concurrency: 1 },
    traceroute: { bin: traceBin },
    ...(netflow ? { netflow } : {}),
  };
  const a = new ProbeAgent(opts, network);
  agents.push(a);
  return a;
}

async function until<T>(get: () => T | undefined, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const net = (gw: string): ProbeNetwork => ({ gateways: [{ family: 4, address: gw, interface: 's0' }], interfaces: [{ name: 's0', mac: null, addresses: [`${gw}/24`] }] });

describe('hello', () => {
  it('waits for the first network read, sends hello first with it, and reads again at each connect for the next', async () => {
    const reads = [net('198.18.0.1'), net('198.18.0.2')];
    let calls = 0;
    const a = agent(new NetworkInfo(() => new Promise((r) => setTimeout(() => r(reads[Math.min(calls++, 1)]!), 150))));
    await a.start();
    expect(calls).toBe(1);
    const first = await until(() => frames[0]);
    expect(first.frame).toMatchObject({ type: 'hello', network: net('198.18.0.1') });
    // the read after this connect gives the next hello its value
    await until(() => (calls === 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 200));
    first.socket.terminate();
    const second = await until(() => frames.find((f) => f.socket !== first.socket));
    expect(second.frame).toMatchObject({ type: 'hello', network: net('198.18.0.2') });
  });

  it('connects without the network when the read does not answer in time', async () => {
    const a = agent(new NetworkInfo(() => new Promise(() => {})));
    const t0 = Date.now();
    await a.start();
    const first = await until(() => frames[0]);
    expect(Date.now() - t0).toBeLessThan(4_000);
    expect(first.frame.type).toBe('hello');
    expect(first.frame).not.toHaveProperty('network');
  });

  it('announces traceroute only when its binary is there (a warning says how to install it)', async () => {
    warnings.length = 0;
    await agent(new NetworkInfo(async () => null)).start();
    expect((await until(() => frames[0])).frame.kinds).toEqual(['sweep', 'port_scan', 'traceroute', 'address-check']);
    expect(warnings).toEqual([]);
    frames.length = 0;
    await agent(new NetworkInfo(async () => null), join(tmpdir(), 'no-such-traceroute')).start();
    expect((await until(() => frames[0])).frame.kinds).toEqual(['sweep', 'port_scan', 'address-check']);
    expect(warnings).toEqual([expect.stringContaining('apt-get install traceroute')]);
  });

  it('a probe stopped before its link started never connects', async () => {
    const a = agent(new NetworkInfo(() => new Promise((r) => setTimeout(() => r(null), 100))));
    const started = a.start();
    await a.stop();
    await started;
    await new Promise((r) => setTimeout(r, 200));
    expect(frames).toEqual([]);
  });
});

describe('producers: the NetFlow collector', () => {
  // the probe's own configuration path, turned on and bound to loopback (vitest.config.ts pins NETFLOW_ENABLED=0)
  const netflow = () => runnerConfig({ NETFLOW_ENABLED: '1', NETFLOW_BIND_HOST: '127.0.0.1', NETFLOW_BIND_PORT: '0' }).netflow;
  const collectorOf = (a: ProbeAgent) => a.producers.find((p): p is NetflowProducer => p instanceof NetflowProducer);

  async function sendFlow(port: number, src: string, dst: string) {
    const s = createSocket('udp4');
    const packet = buildV5({ sysUptime: 100_000, unixSecs: Math.floor(Date.now() / 1000) }, [{ src, dst, srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 4321, packets: 5, first: 99_000, last: 100_000 }]);
    await new Promise<void>((resolve, reject) => s.send(packet, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    s.close();
  }

  const flowsFrames = () =>
    frames.flatMap((f) => (f.frame.type === 'results' ? (f.frame.results as { kind: string }[]).filter((r): r is FlowsItem => r.kind === 'flows') : []));

  it('a flow datagram sent to the collector is spooled and sent as a flows item, labelled with the managed subnets', async () => {
    const a = agent(new NetworkInfo(async () => null), '/bin/sh', netflow());
    await a.start();
    const hello = await until(() => frames.find((f) => f.frame.type === 'hello'));
    expect(hello.frame.kinds).not.toContain('flows'); // not a job kind: nothing new announced
    hello.socket.send(JSON.stringify({ type: 'welcome', probeId: 1, name: 'p', serverTime: Date.now() }));
    hello.socket.send(JSON.stringify({ type: 'assignment', subnets: [], settings: { pingTimeoutMs: 500, maxSweepAddresses: 256 }, managed: [{ id: 7, cidr: '198.18.1.0/24' }] }));
    const stateDir = dirs.at(-1)!;
    await until(() => existsSync(join(stateDir, 'assignment.json')) || undefined);
    const { port } = await until(() => collectorOf(a)?.address ?? undefined);
    await sendFlow(port, '198.18.1.10', '203.0.113.9');
    // the minute is still open: stop emits it, before the link closes
    await new Promise((r) => setTimeout(r, 200));
    await a.stop();
    const [item] = await until(() => (flowsFrames().length ? flowsFrames() : undefined));
    expect(item).toMatchObject({ kind: 'flows', totals: { bytes: 4321, packets: 5, flows: 1 }, matrix: [{ from: 7, to: null, bytes: 4321 }], seen: [{ ip: '198.18.1.10', subnetId: 7 }] });
    // and on disk until the server acknowledges it
    const spooled = readdirSync(join(stateDir, 'spool')).map((f) => JSON.parse(readFileSync(join(stateDir, 'spool', f), 'utf8')));
    expect(spooled.flatMap((b) => b.results)).toEqual([item]);
  });

  it('an assignment without managed subnets (an older server): the probe\'s own subnets label the flows', async () => {
    const a = agent(new NetworkInfo(async () => null), '/bin/sh', netflow());
    await a.start();
    const hello = await until(() => frames.find((f) => f.frame.type === 'hello'));
    // a loopback block: the sweep this assignment starts pings only 127.0.0.1 and 127.0.0.2
    hello.socket.send(JSON.stringify({ type: 'assignment', subnets: [{ id: 3, cidr: '127.0.0.0/30', intervalSeconds: 3600, knownHosts: [] }], settings: { pingTimeoutMs: 500, maxSweepAddresses: 256 } }));
    await until(() => existsSync(join(dirs.at(-1)!, 'assignment.json')) || undefined);
    const { port } = await until(() => collectorOf(a)?.address ?? undefined);
    await sendFlow(port, '127.0.0.2', '127.0.0.1');
    await new Promise((r) => setTimeout(r, 200));
    await a.stop();
    const [item] = await until(() => (flowsFrames().length ? flowsFrames() : undefined));
    expect(item!.matrix).toEqual([{ from: 3, to: 3, bytes: 4321, packets: 5, flows: 1 }]);
  });

  it('a collector that cannot bind is logged; the probe runs on without it', async () => {
    const busy = createSocket('udp4');
    await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
    errors.length = 0;
    try {
      const a = agent(new NetworkInfo(async () => null), '/bin/sh', { ...netflow(), bindPort: busy.address().port });
      await a.start();
      expect((await until(() => frames[0])).frame.type).toBe('hello');
      await until(() => (errors.length ? errors : undefined));
      expect(errors).toEqual([expect.stringContaining('producer could not start')]);
      expect(collectorOf(a)?.address).toBeNull();
    } finally {
      busy.close();
    }
  });

  it('off (NETFLOW_ENABLED=0, as vitest pins it): no producer', () => {
    expect(agent(new NetworkInfo(async () => null), '/bin/sh', runnerConfig(process.env).netflow).producers).toEqual([]);
    expect(agent(new NetworkInfo(async () => null)).producers).toEqual([]);
  });
});
