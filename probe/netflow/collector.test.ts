/**
 * The collector against real UDP datagrams on loopback: what it hears becomes flows items (labelled with the managed
 * subnets), closed minutes are emitted by its timer and the open one by stop; bind errors reject with the fix.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flowsItem, MINUTE_MS, type FlowsItem } from '../../schema/kinds/flows.js';
import type { Logger } from '../../schema/log.js';
import { bindErrorMessage, FlowCollector, type CollectorOptions } from './collector.js';
import { buildIpfix, buildV5, IPFIX_IPV6_MS, type TestFlow } from './test-packets.js';

const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const log: Logger = {
  info: (msg, fields) => void logs.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => void logs.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => void logs.push({ level: 'error', msg, fields }),
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  logs.length = 0;
});

const options = (o: Partial<CollectorOptions> = {}): CollectorOptions => ({
  bindHost: '127.0.0.1',
  bindPort: 0,
  recvBufferBytes: 1024 * 1024,
  top: 100,
  templateLifetimeMs: 1_800_000,
  samplingOverrides: new Map(),
  logFile: null,
  logMaxBytes: 1024 * 1024,
  logFiles: 2,
  flushGraceMs: 5_000,
  ...o,
});

function collector(o: Partial<CollectorOptions> = {}, now?: () => number): FlowCollector {
  const c = new FlowCollector(options(o), log, now);
  cleanups.push(() => c.stop());
  return c;
}

function sender(type: 'udp4' | 'udp6' = 'udp4'): Socket {
  const s = createSocket(type);
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

const send = (s: Socket, packet: Uint8Array, port: number, host = '127.0.0.1') =>
  new Promise<void>((resolve, reject) => s.send(packet, port, host, (e) => (e ? reject(e) : resolve())));

async function until<T>(get: () => T | undefined | null | false, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A v5 export of flows ending `endMs` (the export says its clock is `endMs`, each flow ended then). */
const exportOf = (endMs: number, flows: TestFlow[], sequence = 0) =>
  buildV5({ sysUptime: 100_000, unixSecs: Math.floor(endMs / 1000), unixNsecs: (endMs % 1000) * 1e6, sequence }, flows.map((f) => ({ first: 99_000, last: 100_000, ...f })));

const subnets = [
  { id: 1, cidr: '198.18.1.0/24' },
  { id: 2, cidr: '198.18.2.0/24' },
];

describe('FlowCollector on 127.0.0.1', () => {
  it('turns the datagrams it hears into a flows item labelled with the managed subnets', async () => {
    const c = collector();
    c.setSubnets(subnets);
    const got: FlowsItem[] = [];
    c.onItems((items) => got.push(...items));
    const { address, port } = await c.start();
    expect(address).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    const end = Date.now();
    const s = sender();
    await send(s, exportOf(end, [{ src: '198.18.1.10', dst: '198.18.2.20', srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 1500, packets: 3 }]), port);
    await send(s, exportOf(end, [{ src: '198.18.2.20', dst: '203.0.113.7', srcPort: 53, dstPort: 5353, protocol: 17, bytes: 80, packets: 1 }], 1), port);
    await until(() => c.counters()[0]?.flows === 2);
    const [item, ...rest] = c.flushAll();
    expect(rest).toEqual([]);
    expect(got).toEqual([item]);
    expect(flowsItem.parse(item)).toEqual(item);
    expect(item).toMatchObject({ kind: 'flows', at: Math.floor(end / MINUTE_MS) * MINUTE_MS, totals: { bytes: 1580, packets: 4, flows: 2 } });
    expect(item!.matrix).toEqual([
      { from: 1, to: 2, bytes: 1500, packets: 3, flows: 1 },
      { from: 2, to: null, bytes: 80, packets: 1, flows: 1 },
    ]);
    expect(item!.talkers[0]).toEqual({ ip: '198.18.2.20', subnetId: 2, bytesIn: 1500, bytesOut: 80, packetsIn: 3, packetsOut: 1, flowsIn: 1, flowsOut: 1 });
    expect(item!.ports.map((p) => [p.protocol, p.port])).toEqual([
      [6, 443],
      [17, 53],
    ]);
    expect(item!.exporters).toEqual([expect.objectContaining({ address: '127.0.0.1', packets: 2, flows: 2, versions: [5] })]);
    expect(logs.find((l) => l.msg === 'NetFlow collector listening')?.fields).toMatchObject({ address: '127.0.0.1', port, recvBuffer: expect.any(Number) });
  });

  it('NETFLOW_EXPORTERS: datagrams from a sender outside the list are dropped undecoded, counted, and named once', async () => {
    const flow: TestFlow = { src: '198.18.1.10', dst: '198.18.2.20', srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 1500, packets: 3 };
    const closed = collector({ allowedExporters: ['198.18.0.0/15', 'fd00::/8'] });
    const { port: closedPort } = await closed.start();
    const open = collector({ allowedExporters: ['198.18.0.0/15', '127.0.0.0/8'] });
    const { port: openPort } = await open.start();
    const s = sender();
    for (let i = 0; i < 3; i++) await send(s, exportOf(Date.now(), [flow], i), closedPort);
    await send(s, exportOf(Date.now(), [flow]), openPort);
    await until(() => open.counters()[0]?.flows === 1);
    await until(() => closed.refused === 3);
    expect(closed.counters()).toEqual([]); // not even an exporter entry: nothing it sent was read
    expect(closed.flushAll()).toEqual([]);
    expect(logs.filter((l) => l.msg.includes('not in NETFLOW_EXPORTERS'))).toEqual([
      { level: 'warn', msg: 'NetFlow: datagrams from an exporter not in NETFLOW_EXPORTERS are dropped', fields: { exporter: '127.0.0.1', refusedSoFar: 1 } },
    ]);
  });

  it('IPFIX: a template and its IPv6 data in one message', async () => {
    const c = collector();
    c.setSubnets([{ id: 5, cidr: 'fd00:5::/64' }]);
    const { port } = await c.start();
    const endMs = Date.now();
    const t = IPFIX_IPV6_MS;
    const flow: TestFlow = { src: 'fd00:5::10', dst: 'fd00:6::20', srcPort: 443, dstPort: 50_000, protocol: 6, bytes: 9000, packets: 6, startMs: endMs - 2000, endMs };
    await send(sender(), buildIpfix({ exportSecs: Math.floor(endMs / 1000), domain: 1 }, [{ kind: 'templates', templates: [t] }, { kind: 'data', template: t, flows: [flow] }]), port);
    await until(() => c.counters()[0]?.flows === 1);
    const [item] = c.flushAll();
    expect(item).toMatchObject({
      totals: { bytes: 9000, packets: 6, flows: 1 },
      conversations: [{ src: 'fd00:5::10', dst: 'fd00:6::20', srcSubnetId: 5, dstSubnetId: null, bytes: 9000 }],
      ports: [{ protocol: 6, port: 443 }],
      exporters: [{ address: '127.0.0.1', versions: [10], templates: 1 }],
    });
  });

  it('its timer emits each minute once it has ended and the grace period passed; stop emits the open one', async () => {
    let now = Date.UTC(2026, 2, 1, 12, 0, 30);
    const c = collector({ flushGraceMs: 5_000 }, () => now);
    const got: FlowsItem[] = [];
    c.onItems((items) => got.push(...items));
    const { port } = await c.start();
    const s = sender();
    const flow = { src: '198.18.1.10', dst: '198.18.2.20', srcPort: 40_000, dstPort: 22, protocol: 6, bytes: 100, packets: 1 };
    await send(s, exportOf(now, [flow]), port);
    await until(() => c.counters()[0]?.flows === 1);
    now = Date.UTC(2026, 2, 1, 12, 1, 4); // the minute has ended, the grace period not
    await new Promise((r) => setTimeout(r, 1_300));
    expect(got).toEqual([]);
    await send(s, exportOf(now, [flow], 1), port);
    await until(() => c.counters()[0]?.flows === 2);
    now = Date.UTC(2026, 2, 1, 12, 1, 5);
    await until(() => got.length === 1, 3_000);
    expect(got[0]).toMatchObject({ at: Date.UTC(2026, 2, 1, 12, 0), totals: { flows: 1 } });
    await c.stop();
    expect(got.map((i) => [i.at, i.totals.flows])).toEqual([
      [Date.UTC(2026, 2, 1, 12, 0), 1],
      [Date.UTC(2026, 2, 1, 12, 1), 1],
    ]);
    await send(s, exportOf(now, [flow], 2), port).catch(() => {}); // closed: nobody hears it
    expect(c.flushAll()).toEqual([]);
  });

  it('writes the raw flow log when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eipam-collector-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'flows.jsonl');
    const c = collector({ logFile: file });
    const { port } = await c.start();
    const end = Date.now();
    await send(sender(), exportOf(end, [{ src: '198.18.1.10', dst: '198.18.2.20', srcPort: 1, dstPort: 2, protocol: 6, bytes: 9, packets: 1 }]), port);
    await until(() => c.counters()[0]?.flows === 1);
    await c.stop();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{ start: expect.any(String), end: new Date(end).toISOString(), exporter: '127.0.0.1', src: '198.18.1.10', srcPort: 1, dst: '198.18.2.20', dstPort: 2, protocol: 6, bytes: 9, packets: 1 }]);
  });

  it(':: listens on IPv6 and IPv4: an IPv4 exporter is named without ::ffff:', async () => {
    const c = collector({ bindHost: '::' });
    const { port } = await c.start();
    await send(sender('udp4'), exportOf(Date.now(), [{ src: '198.18.1.1', dst: '198.18.1.2', protocol: 1, bytes: 84, packets: 1 }]), port, '127.0.0.1');
    await send(sender('udp6'), exportOf(Date.now(), [{ src: '198.18.1.1', dst: '198.18.1.2', protocol: 1, bytes: 84, packets: 1 }]), port, '::1');
    await until(() => c.counters().length === 2);
    expect(c.counters().map((e) => e.address).sort()).toEqual(['127.0.0.1', '::1']);
  });
});

describe('bind errors reject with the fix; nothing is left open', () => {
  it('the port in use', async () => {
    const busy = sender();
    await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
    const port = busy.address().port;
    await expect(collector({ bindPort: port }).start()).rejects.toThrow(`NetFlow collector cannot listen on 127.0.0.1:${port}: the port is in use (another collector?); set NETFLOW_BIND_PORT`);
  });
  it('an address not on this machine', async () => {
    // binding sends nothing; 192.0.2.0/24 is documentation space, on no interface here
    await expect(collector({ bindHost: '192.0.2.1' }).start()).rejects.toThrow(/cannot listen on 192\.0\.2\.1:0: no interface of this machine has that address; set NETFLOW_BIND_HOST/);
  });
  it.each<[string, string, RegExp]>([
    ['EACCES', '0.0.0.0', /0\.0\.0\.0:80: permission denied \(ports below 1024 need root or CAP_NET_BIND_SERVICE\); use the default 2055/],
    ['EAFNOSUPPORT', '::', /\[::\]:80: this machine has no IPv6; set NETFLOW_BIND_HOST=0\.0\.0\.0/],
    ['EINVAL', '::', /\[::\]:80: boom/],
  ])('%s names the fix', (code, host, message) => {
    expect(bindErrorMessage(host, 80, Object.assign(new Error('boom'), { code }))).toMatch(message);
  });
  it('stop after a failed start is harmless', async () => {
    const c = collector({ bindHost: '192.0.2.1' });
    await c.start().catch(() => {});
    await c.stop();
    expect(c.flushAll()).toEqual([]);
  });
});
