/**
 * Ground truth for the NetFlow suites and bench from the real tools: softflowd exports a generated pcap (offline,
 * `-r`), a UDP listener of ours captures its export datagrams once, and the identical datagrams are sent to nfcapd
 * (read back with nfdump) and to the probe's collector.
 *
 * Safety: every socket is on 127.0.0.1; softflowd exports only to 127.0.0.1:<port of our listener>; nfcapd binds
 * 127.0.0.1 only; nfreplay targets 127.0.0.1 only. The pcaps hold only 198.18.0.0/15 and fd00::/8 addresses (they
 * are files: nothing is sent to those addresses). Every process started here is killed by its pid in `finally`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalIp } from '../../schema/ip/cidr.js';
import type { FlowsItem } from '../../schema/kinds/flows.js';
import type { CollectorOptions } from '../../probe/netflow/collector.js';
import { pairKey, type PairTotals, type Volume } from './flow-traffic.js';

export const SOFTFLOWD = '/usr/sbin/softflowd';
export const NFCAPD = '/usr/bin/nfcapd';
export const NFDUMP = '/usr/bin/nfdump';
export const NFREPLAY = '/usr/bin/nfreplay';
const LOOPBACK = '127.0.0.1';

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Throws with the fix when softflowd or nfdump's tools are missing (.ci/run installs them). Never skips. */
export function assertNetflowTools(): void {
  const missing = [SOFTFLOWD, NFCAPD, NFDUMP, NFREPLAY].filter((p) => !isExecutable(p));
  if (missing.length) throw new Error(`netflow suite: missing ${missing.join(', ')}; fix: apt-get install softflowd nfdump`);
}

/** The probe collector's options for tests and the bench: 127.0.0.1, a free port, every pair kept (top 100). */
export const collectorOptions = (o: Partial<CollectorOptions> = {}): CollectorOptions => ({
  bindHost: LOOPBACK,
  bindPort: 0,
  recvBufferBytes: 16 * 1024 * 1024,
  top: 100,
  templateLifetimeMs: 30 * 60_000,
  samplingOverrides: new Map(),
  logFile: null,
  logMaxBytes: 100 * 1024 * 1024,
  logFiles: 5,
  flushGraceMs: 5_000,
  ...o,
});

export interface Proc { code: number; stdout: string; stderr: string }

/** Runs a tool to its end (killed by pid after `timeoutMs`). Never rejects. */
export function runTool(argv: string[], timeoutMs = 60_000): Promise<Proc> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: stderr + String(e) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `${stderr}\nkilled by ${signal}` : stderr });
    });
  });
}

/** A UDP port on 127.0.0.1 nothing is bound to now. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r, j) => {
    s.once('error', j);
    s.bind(0, LOOPBACK, () => r());
  });
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A socket's receive queue and kernel drops, from /proc/net/udp{,6} (the root namespace), by local port. */
export function udpSocketState(port: number): { rxQueue: number; drops: number } | null {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 13 || !f[1]!.endsWith(`:${hex}`)) continue;
      return { rxQueue: parseInt(f[4]!.split(':')[1]!, 16), drops: Number(f[12]) };
    }
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the socket on `port` has read everything queued to it (or `timeoutMs`); returns its drops. */
export async function waitDrained(port: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = udpSocketState(port);
    if (!s) throw new Error(`netflow-kit: nothing listens on udp ${port}`);
    if (s.rxQueue === 0) return s.drops;
    if (Date.now() > deadline) throw new Error(`netflow-kit: udp ${port} still has ${s.rxQueue} bytes queued after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A listener on 127.0.0.1 keeping every datagram it receives, in order. */
export interface Capture {
  port: number;
  datagrams: Buffer[];
  close(): Promise<void>;
}

export async function captureDatagrams(recvBufferBytes = 32 * 1024 * 1024): Promise<Capture> {
  const socket: Socket = createSocket('udp4');
  const datagrams: Buffer[] = [];
  socket.on('message', (m) => datagrams.push(m));
  await new Promise<void>((r, j) => {
    socket.once('error', j);
    socket.bind(0, LOOPBACK, () => r());
  });
  socket.setRecvBufferSize(recvBufferBytes); // capped at net.core.rmem_max (×2)
  return { port: socket.address().port, datagrams, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

export type ExportVersion = 5 | 9 | 10;

export interface SoftflowdExport {
  version: ExportVersion;
  datagrams: Buffer[];
  /** What softflowd says it sent: flows expired, flow records and export packets. */
  flows: number;
  records: number;
  packets: number;
  stdout: string;
}

/**
 * Exports `pcap` with softflowd offline and captures the datagrams. `-a` takes the clock from the capture (the
 * export headers' time and uptime agree with the flows'); `-c none`: softflowd 1.1.0 in `-r` mode reads an
 * uninitialised poll result and blocks in accept() on its control socket when one is configured.
 */
export async function softflowdExport(pcap: string, version: ExportVersion, opts: { dir: string; v6?: boolean; maxFlows?: number; sampling?: number; timeoutMs?: number }): Promise<SoftflowdExport> {
  const cap = await captureDatagrams();
  try {
    const argv = [SOFTFLOWD, '-r', pcap, '-n', `${LOOPBACK}:${cap.port}`, '-v', String(version), '-a', '-d', '-c', 'none', '-p', join(opts.dir, 'softflowd.pid')];
    if (opts.v6 ?? version !== 5) argv.push('-6');
    if (opts.maxFlows) argv.push('-m', String(opts.maxFlows));
    // 1 in N packets: v5 says so in its header, v9 and IPFIX in options data (sampling interval / PSAMP packet space)
    if (opts.sampling) argv.push('-s', String(opts.sampling));
    const r = await runTool(argv, opts.timeoutMs ?? 120_000);
    const m = /Flows exported: (\d+) \((\d+) records\) in (\d+) packets \((\d+) failures\)/.exec(r.stdout);
    if (r.code !== 0 || !m) throw new Error(`softflowd -v ${version} failed (${r.code}): ${r.stderr.trim()} ${r.stdout.slice(0, 300)}`);
    const [flows, records, packets, failures] = m.slice(1).map(Number) as [number, number, number, number];
    if (failures) throw new Error(`softflowd -v ${version}: ${failures} export packets failed to send`);
    const deadline = Date.now() + 10_000;
    while (cap.datagrams.length < packets && Date.now() < deadline) await sleep(20);
    if (cap.datagrams.length !== packets) throw new Error(`softflowd -v ${version} sent ${packets} packets, the listener got ${cap.datagrams.length} (drops ${udpSocketState(cap.port)?.drops})`);
    return { version, datagrams: [...cap.datagrams], flows, records, packets, stdout: r.stdout };
  } finally {
    await cap.close();
  }
}

/** Datagrams as a file (fixtures, the bench's workers): each a 4-byte big-endian length, then its bytes. */
export function writeDatagrams(path: string, datagrams: readonly Uint8Array[]): void {
  const parts: Buffer[] = [];
  for (const d of datagrams) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(d.length);
    parts.push(len, Buffer.from(d.buffer, d.byteOffset, d.length));
  }
  writeFileSync(path, Buffer.concat(parts));
}

export function readDatagrams(path: string): Buffer[] {
  const file = readFileSync(path);
  const out: Buffer[] = [];
  for (let at = 0; at + 4 <= file.length; ) {
    const len = file.readUInt32BE(at);
    if (at + 4 + len > file.length) throw new Error(`${path}: truncated at byte ${at}`);
    out.push(file.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

/** Sends datagrams in order from one socket (one exporter address and port) on 127.0.0.1 to 127.0.0.1:`port`. */
export async function sendDatagrams(datagrams: readonly Uint8Array[], port: number, opts: { everyUs?: number } = {}): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((r, j) => {
    s.once('error', j);
    s.bind(0, LOOPBACK, () => r());
  });
  try {
    for (const d of datagrams) {
      await new Promise<void>((r, j) => s.send(d, port, LOOPBACK, (e) => (e ? j(e) : r())));
      if (opts.everyUs) await sleep(opts.everyUs / 1000);
    }
  } finally {
    await new Promise<void>((r) => s.close(() => r()));
  }
}

export interface Nfcapd {
  port: number;
  pid: number;
  flowDir: string;
  /** SIGTERM (nfcapd writes and closes its file), waits for the exit; the process log. */
  stop(): Promise<string>;
}

/** nfcapd on 127.0.0.1:`port` (a free one by default) writing into `<dir>/nfcapd-<port>`; resolves once its socket is bound. */
export async function startNfcapd(dir: string, opts: { port?: number; recvBufferBytes?: number; pinCpu?: number } = {}): Promise<Nfcapd> {
  const port = opts.port ?? (await freeUdpPort());
  const flowDir = join(dir, `nfcapd-${port}`);
  mkdirSync(flowDir, { recursive: true });
  const args = ['-w', flowDir, '-b', LOOPBACK, '-p', String(port), '-B', String(opts.recvBufferBytes ?? 16 * 1024 * 1024), '-P', join(dir, `nfcapd-${port}.pid`), '-t', '3600'];
  const argv = opts.pinCpu === undefined ? [NFCAPD, ...args] : ['taskset', '-c', String(opts.pinCpu), NFCAPD, ...args];
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    return log;
  };
  const deadline = Date.now() + 10_000;
  while (!udpSocketState(port)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`nfcapd did not bind 127.0.0.1:${port}: ${log.trim()}`);
    }
    await sleep(20);
  }
  return { port, pid: child.pid!, flowDir, stop };
}

interface NfdumpFlow { src4_addr?: string; dst4_addr?: string; src6_addr?: string; dst6_addr?: string; in_packets?: number; in_bytes?: number; out_packets?: number; out_bytes?: number }

/** Flows, bytes and packets per src → dst pair in what nfcapd stored under `flowDir` (nfdump -o json). */
export async function nfdumpPairs(flowDir: string): Promise<PairTotals> {
  const r = await runTool([NFDUMP, '-R', flowDir, '-o', 'json', '-N']);
  if (r.code !== 0) throw new Error(`nfdump -R ${flowDir} failed (${r.code}): ${r.stderr.trim()}`);
  const out: PairTotals = new Map();
  if (/No matching flows/.test(r.stdout)) return out;
  for (const f of JSON.parse(r.stdout) as NfdumpFlow[]) {
    const src = canonicalIp(f.src4_addr ?? f.src6_addr ?? '');
    const dst = canonicalIp(f.dst4_addr ?? f.dst6_addr ?? '');
    if (!src || !dst) throw new Error(`nfdump: a flow without addresses: ${JSON.stringify(f)}`);
    if (f.out_packets || f.out_bytes) throw new Error(`nfdump: a bidirectional record (softflowd runs without -b): ${JSON.stringify(f)}`);
    add(out, pairKey(src, dst), { flows: 1, bytes: f.in_bytes ?? 0, packets: f.in_packets ?? 0 });
  }
  return out;
}

/** What nfcapd stored under `flowDir`, summed (nfdump -I). */
export async function nfdumpTotals(flowDir: string): Promise<Volume> {
  const r = await runTool([NFDUMP, '-R', flowDir, '-I']);
  if (r.code !== 0 && !/Empty file list|No such file/.test(r.stderr)) throw new Error(`nfdump -I -R ${flowDir} failed (${r.code}): ${r.stderr.trim()}`);
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(r.stdout)?.[1] ?? 0);
  return { flows: field('Flows'), bytes: field('Bytes'), packets: field('Packets') };
}

function add(to: PairTotals, key: string, v: Volume) {
  const cur = to.get(key);
  if (cur) {
    cur.flows += v.flows;
    cur.bytes += v.bytes;
    cur.packets += v.packets;
  } else to.set(key, { ...v });
}

/** The collector's conversations summed over its minutes, per src → dst pair. */
export function itemPairs(items: readonly FlowsItem[]): PairTotals {
  const out: PairTotals = new Map();
  for (const item of items) for (const c of item.conversations) add(out, pairKey(c.src, c.dst), { flows: c.flows, bytes: c.bytes, packets: c.packets });
  return out;
}

/** The items' totals summed. */
export function itemTotals(items: readonly FlowsItem[]): Volume {
  return items.reduce((s, i) => ({ flows: s.flows + i.totals.flows, bytes: s.bytes + i.totals.bytes, packets: s.packets + i.totals.packets }), { flows: 0, bytes: 0, packets: 0 });
}

export function sumPairs(pairs: PairTotals): Volume {
  const s = { flows: 0, bytes: 0, packets: 0 };
  for (const v of pairs.values()) {
    s.flows += v.flows;
    s.bytes += v.bytes;
    s.packets += v.packets;
  }
  return s;
}

/** Pairs as a plain object sorted by key, for readable toEqual diffs. */
export function sortedPairs(pairs: PairTotals): Record<string, Volume> {
  return Object.fromEntries([...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Bytes and packets multiplied by `rate` (flows stay). */
export function scalePairs(pairs: PairTotals, rate: number): PairTotals {
  return new Map([...pairs].map(([k, v]) => [k, { flows: v.flows, bytes: v.bytes * rate, packets: v.packets * rate }]));
}

/** Only the pairs whose source matches `keep` (e.g. IPv4 only, for NetFlow v5). */
export function filterPairs(pairs: PairTotals, keep: (src: string) => boolean): PairTotals {
  return new Map([...pairs].filter(([k]) => keep(k.split(' ')[0]!)));
}
