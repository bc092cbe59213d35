/**
 * Helpers for the real-network webhook suite and the alerts bench: the verifying receiver as a process (so it can
 * listen on the loopback of the namespace the control plane runs in), the Node control plane as a process that can
 * be killed with SIGKILL and started again on its DATA_DIR, and the real probe with its log lines as they arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Received } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait.js';
import type { Topology } from './netns.js';
import { SERVER_MAIN, SERVER_NODE_FLAGS } from '../../worker/node/launch.js';

export const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const RECEIVER = join(process.cwd(), 'tests/net/webhook-receiver-proc.ts');

export type Spawner = (argv: string[], env?: NodeJS.ProcessEnv) => ChildProcess;
/** Spawns in a namespace of the topology (its process group is killed by destroy()). */
export const inNamespace = (topo: Topology, ns: string): Spawner => (argv, env) => topo.spawnIn(ns, argv, { env: env ?? process.env, stdio: 'pipe' });
/** Spawns in the current namespace, in its own process group (killGroup ends it). */
export const here: Spawner = (argv, env) => spawn(argv[0]!, argv.slice(1), { env: env ?? process.env, stdio: 'pipe', detached: true });

/** Ends a child's whole process group (tsx runs the script in a child of its own). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

export const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));

/** Calls `onLine` with every stdout line of `child` as it arrives. */
export function onLines(child: ChildProcess, onLine: (line: string) => void): void {
  let rest = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop() ?? '';
    parts.forEach(onLine);
  });
}

export interface ReceiverStats {
  count: number;
  verified: number;
  firstAt: number | null;
  lastAt: number | null;
}

/** The verifying receiver (tests/net/webhook-receiver-proc.ts) in its own process. */
export interface ReceiverProc {
  url: string;
  proc: ChildProcess;
  /** Every request so far (empty in quiet mode), in arrival order. */
  received: Received[];
  /** Requests whose body has this event type. */
  ofType(type: string): Array<Received & { json: any }>;
  secrets(secrets: string[]): Promise<void>;
  /** Holds the next `count` requests of this event type open (the sender waits, until its timeout). */
  hold(type: string, count?: number): Promise<void>;
  release(): Promise<void>;
  stats(): Promise<ReceiverStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(spawner: Spawner, opts: { quiet?: boolean } = {}): Promise<ReceiverProc> {
  const proc = spawner([TSX, RECEIVER, ...(opts.quiet ? ['--quiet'] : [])]);
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const received: Received[] = [];
  const acks = new Map<number, (m: any) => void>();
  let url = '';
  onLines(proc, (line) => {
    const m = JSON.parse(line);
    if (m.ready) url = m.ready;
    else if (m.received) received.push(m.received);
    else if (typeof m.ack === 'number') acks.get(m.ack)?.(m);
  });
  let seq = 0;
  const command = (cmd: Record<string, unknown>) =>
    new Promise<any>((resolve, reject) => {
      const n = ++seq;
      const timer = setTimeout(() => reject(new Error(`receiver: no answer to ${JSON.stringify(cmd)}; stderr: ${stderr}`)), 10_000);
      acks.set(n, (m) => {
        clearTimeout(timer);
        acks.delete(n);
        resolve(m);
      });
      proc.stdin!.write(`${JSON.stringify({ seq: n, ...cmd })}\n`);
    });
  await waitFor(`webhook receiver ready (${stderr})`, () => url !== '' || proc.exitCode !== null, 30_000, 20);
  if (!url) throw new Error(`webhook receiver exited: ${stderr}`);
  return {
    url,
    proc,
    received,
    ofType: (type) => received.map((r) => ({ ...r, json: JSON.parse(r.body) })).filter((r) => r.json.type === type),
    secrets: async (secrets) => void (await command({ cmd: 'secrets', secrets })),
    hold: async (type, count = 1) => void (await command({ cmd: 'hold', type, count })),
    release: async () => void (await command({ cmd: 'release' })),
    stats: async () => (await command({ cmd: 'stats' })).stats,
    reset: async () => {
      await command({ cmd: 'reset' });
      received.length = 0;
    },
    close: async () => {
      proc.stdin!.end();
      await Promise.race([exited(proc), new Promise((r) => setTimeout(r, 2000))]);
      killGroup(proc, 'SIGKILL');
    },
  };
}

/** A probe's JSON log line and when it arrived. */
export interface ProbeLine {
  t: number;
  line: any;
}

/** The real probe (probe/main.ts) with its log; `sweepDone(cidr)` resolves at the next "sweep done" of that subnet. */
export function startProbe(spawner: Spawner, opts: { server: string; token: string; stateDir: string; env?: Record<string, string> }) {
  const child = spawner([TSX, 'probe/main.ts', '--server', opts.server, '--token', opts.token, '--state-dir', opts.stateDir], {
    ...process.env,
    HEARTBEAT_SECONDS: '1',
    RECONNECT_MAX_MS: '2000',
    // its PTR lookups of test addresses never reach this machine's resolver (port 9 on loopback answers nothing)
    DNS_SERVER: '127.0.0.1:9',
    ...opts.env,
  });
  const log: ProbeLine[] = [];
  const waiters: Array<{ cidr: string; resolve: (t: number) => void }> = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  onLines(child, (text) => {
    const t = Date.now();
    let line: any;
    try {
      line = JSON.parse(text);
    } catch {
      line = { msg: text };
    }
    log.push({ t, line });
    if (line.msg !== 'sweep done') return;
    for (const w of waiters.splice(0)) {
      if (w.cidr === line.subnet) w.resolve(t);
      else waiters.push(w);
    }
  });
  return {
    child,
    log,
    stderr: () => stderr,
    /** Ends (on the line's arrival, not a poll later) when the probe logs its next finished sweep of `cidr`. */
    sweepDone: (cidr: string, ms = 30_000) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no sweep of ${cidr} finished within ${ms} ms; probe stderr: ${stderr.slice(-500)}`)), ms);
        waiters.push({ cidr, resolve: (t) => (clearTimeout(timer), resolve(t)) });
      }),
    /** Times of the finished sweeps of `cidr` so far. */
    sweepsOf: (cidr: string) => log.filter((l) => l.line.msg === 'sweep done' && l.line.subnet === cidr).map((l) => l.t),
  };
}
export type ProbeProc = ReturnType<typeof startProbe>;

/** The Node control plane (`worker/node/main.ts`, as `npm start` runs it) as a process, on 0.0.0.0:8787. */
export async function startNodeControlPlane(spawner: Spawner, opts: { dataDir: string; reachAt: string; env: Record<string, string> }) {
  const child = spawner([TSX, ...SERVER_NODE_FLAGS, SERVER_MAIN], { ...process.env, HOST: '0.0.0.0', PORT: '8787', DATA_DIR: opts.dataDir, LOCAL_PROBE: '0', ...opts.env });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-20_000)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-20_000)));
  const url = `http://${opts.reachAt}:8787`;
  await waitFor('control plane health', async () => {
    if (child.exitCode !== null) throw new Error(`control plane exited ${child.exitCode}: ${output}`);
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  }, 60_000, 100);
  return { child, url, output: () => output };
}
