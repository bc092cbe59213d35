/**
 * The runs of bench/netflow.ts: the pinned worker (socket-fed collector, in-process decode + aggregate) and nfcapd,
 * each fed by nfreplay from the same flow file. Everything on 127.0.0.1; every process killed by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { NFREPLAY, nfdumpTotals, runTool, startNfcapd, waitDrained } from '../tests/net/netflow-kit.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER = join(ROOT, 'bench/netflow-worker.ts');
/** The receivers' core (ours and nfcapd's) and the sender's. */
export const RECEIVER_CORE = 1;
export const SENDER_CORE = 0;

export interface Replay { delayUs: number; sendMs: number; code: number; stderr: string }

/** nfreplay of `file` as NetFlow v9 to 127.0.0.1:`port`, pinned to the sender's core. */
export async function replay(file: string, port: number, delayUs: number): Promise<Replay> {
  const t0 = performance.now();
  const r = await runTool(['taskset', '-c', String(SENDER_CORE), NFREPLAY, '-H', '127.0.0.1', '-p', String(port), '-r', file, '-v', '9', '-d', String(delayUs)], 300_000);
  return { delayUs, sendMs: performance.now() - t0, code: r.code, stderr: r.stderr.trim() };
}

/** A worker process pinned to the receivers' core; its JSON lines in order. */
class Worker {
  readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  private stderr = '';
  readonly exited: Promise<number>;

  constructor(args: string[]) {
    this.child = spawn('taskset', ['-c', String(RECEIVER_CORE), process.execPath, '--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (l) => {
      this.lines.push(l);
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((r) => this.child.once('close', (code) => {
      for (const w of this.waiters.splice(0)) w();
      r(code ?? 1);
    }));
  }

  async next<T>(timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.length) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`netflow worker: no answer (exit ${this.child.exitCode}): ${this.stderr.trim().slice(0, 500)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
    return JSON.parse(this.lines.shift()!) as T;
  }

  send(line: string) {
    this.child.stdin!.write(`${line}\n`);
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export interface ReceiverRun {
  target: 'collector' | 'nfcapd';
  replay: Replay;
  /** Flows kept: decoded and aggregated (ours), stored (nfcapd). */
  kept: number;
  decoded?: number;
  drops?: Record<string, number>;
  /** Datagrams the kernel dropped at the receiver's socket (/proc/net/udp). */
  socketDrops: number;
  cpuMs: number;
  maxRssKb: number;
  /** First to last export packet seen (ours: the exporter counters). */
  windowMs?: number;
  recvBuffer?: unknown;
}

interface SocketReady { port: number; recvBufferGranted: unknown; rssAtStartKb: number }
interface SocketReport { packets: number; decoded: number; aggregated: number; drops: Record<string, number>; windowMs: number; cpuUserMs: number; cpuSystemMs: number; maxRssKb: number }

/** nfreplay → the probe's FlowCollector in the pinned worker. */
export async function runCollector(file: string, delayUs: number, recvBuffer: number): Promise<ReceiverRun> {
  const w = new Worker(['socket', '--recv-buffer', String(recvBuffer)]);
  try {
    const ready = await w.next<SocketReady>(60_000);
    const r = await replay(file, ready.port, delayUs);
    if (r.code !== 0) throw new Error(`nfreplay failed (${r.code}): ${r.stderr}`);
    const socketDrops = await waitDrained(ready.port, 120_000);
    w.send('report');
    const rep = await w.next<SocketReport>();
    await w.exited;
    return {
      target: 'collector',
      replay: r,
      kept: Math.min(rep.decoded, rep.aggregated),
      decoded: rep.decoded,
      drops: rep.drops,
      socketDrops,
      cpuMs: rep.cpuUserMs + rep.cpuSystemMs,
      maxRssKb: rep.maxRssKb,
      windowMs: rep.windowMs,
      recvBuffer: ready.recvBufferGranted,
    };
  } finally {
    w.kill();
  }
}

const CLK_TCK = 100;
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK; // utime, stime (fields 14, 15)
}
const procHwmKb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** nfreplay → nfcapd pinned to the receivers' core; kept = what nfdump finds in its file. */
export async function runNfcapd(dir: string, file: string, delayUs: number, recvBuffer: number): Promise<ReceiverRun> {
  const nf = await startNfcapd(dir, { pinCpu: RECEIVER_CORE, recvBufferBytes: recvBuffer });
  try {
    const cpu0 = procCpuMs(nf.pid);
    const r = await replay(file, nf.port, delayUs);
    if (r.code !== 0) throw new Error(`nfreplay failed (${r.code}): ${r.stderr}`);
    const socketDrops = await waitDrained(nf.port, 120_000);
    const cpuMs = procCpuMs(nf.pid) - cpu0;
    const maxRssKb = procHwmKb(nf.pid);
    const log = await nf.stop();
    const stored = await nfdumpTotals(nf.flowDir);
    rmSync(nf.flowDir, { recursive: true, force: true });
    return { target: 'nfcapd', replay: r, kept: stored.flows, socketDrops, cpuMs, maxRssKb, recvBuffer: /SO_RCVBUF to (\d+)/.exec(log)?.[1] ?? null };
  } finally {
    await nf.stop();
  }
}

export interface InprocRep { rep: number; datagrams: number; decoded: number; aggregated: number; drops: Record<string, number>; ms: number; decodeMs: number; cpuMs: number; flowsPerSecond: number; decodeFlowsPerSecond: number; maxRssKb: number }

/** Decode + aggregate over a datagram file in the pinned worker, `reps` times. */
export async function runInproc(file: string, reps: number): Promise<InprocRep[]> {
  const w = new Worker(['inproc', file, '--reps', String(reps)]);
  try {
    const out: InprocRep[] = [];
    for (let i = 0; i < reps; i++) out.push(await w.next<InprocRep>(300_000));
    await w.exited;
    return out;
  } finally {
    w.kill();
  }
}

export interface DecodeOnly { flowsPerSecond: number; v5: number; v9: number; ipfix: number; flows: number }

/** bench/netflow-decode.ts's decodeThroughput() in the pinned worker. */
export async function runDecodeOnly(): Promise<DecodeOnly> {
  const w = new Worker(['decode']);
  try {
    const r = await w.next<DecodeOnly>(300_000);
    await w.exited;
    return r;
  } finally {
    w.kill();
  }
}
