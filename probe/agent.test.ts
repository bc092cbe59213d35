/**
 * The agent's first frames against a WebSocket server on loopback standing in for the control plane: hello comes
 * first, carries the network read (which no longer blocks), and announces only the kinds whose tools are there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../schema/log.js';
import type { ProbeNetwork } from '../schema/protocol.js';
import { ProbeAgent, type AgentOptions } from './agent.js';
import { NetworkInfo } from './network-info.js';

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
const log: Logger = { info() {}, warn: (m) => void warnings.push(m), error() {} };

function agent(network: NetworkInfo, traceBin = '/bin/sh'): ProbeAgent {
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
    expect((await until(() => frames[0])).frame.kinds).toEqual(['sweep', 'port_scan', 'traceroute']);
    expect(warnings).toEqual([]);
    frames.length = 0;
    await agent(new NetworkInfo(async () => null), join(tmpdir(), 'no-such-traceroute')).start();
    expect((await until(() => frames[0])).frame.kinds).toEqual(['sweep', 'port_scan']);
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
