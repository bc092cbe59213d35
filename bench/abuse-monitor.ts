/**
 * The abuse bench's instruments: the Node server as its own process (`node --import tsx worker/node/main.ts`, so
 * its pid is the server's own), and a monitor thread (bench/abuse-monitor-thread.ts) timing `GET /health` and
 * sampling the server's resident memory while a case runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { freePort } from '../tests/support/edge.js';
import { SERVER_MAIN, SERVER_NODE_FLAGS } from '../worker/node/launch.js';

export const ADMIN_PASSWORD = 'bench-password';

export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// if the bench dies on an exception, its server must not outlive it
process.on('exit', () => running.forEach((c) => c.pid && c.exitCode === null && process.kill(c.pid, 'SIGKILL')));

/** Starts the server on a free loopback port with the default login limits (any LOGIN_* in the environment is dropped). */
/** `nodeArgs`: extra flags for node, e.g. `--cpu-prof` when finding out what a case spends its time on. */
export async function startServerProcess(dataDir: string, logFile: string, port?: number, nodeArgs: string[] = []): Promise<ServerProcess & { port: number }> {
  port ??= await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOCAL_PROBE: '0', ADMIN_PASSWORD };
  for (const k of Object.keys(env)) if (k.startsWith('LOGIN_') || k === 'TRUST_PROXY') delete env[k];
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, '--import', 'tsx', SERVER_MAIN], { env, stdio: ['ignore', out, out] });
  running.add(child);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  };
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break;
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return { url, port, pid: child.pid!, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`the server process did not start:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
}

export interface Measured<T> {
  result: T;
  seconds: number;
  polls: number;
  failedPolls: number;
  p50: number;
  p99: number;
  max: number;
  rssStartBytes: number;
  peakRssBytes: number;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

export class Monitor {
  private readonly worker: Worker;
  private constructor(server: ServerProcess) {
    // a worker does not inherit tsx's loader on Node 20: the thread loads its module through tsx's API
    const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const file = JSON.stringify(new URL('./abuse-monitor-thread.ts', import.meta.url).href);
    this.worker = new Worker(`import(${api}).then((tsx) => tsx.tsImport(${file}, ${file}))`, { eval: true, workerData: { url: server.url, pid: server.pid } });
  }

  static async for(server: ServerProcess): Promise<Monitor> {
    const m = new Monitor(server);
    await once(m.worker, 'online');
    return m;
  }

  private ask<T>(cmd: 'start' | 'stop'): Promise<T> {
    this.worker.postMessage({ cmd });
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => reject(e);
      this.worker.once('error', fail);
      this.worker.once('message', (m) => (this.worker.off('error', fail), resolve(m)));
    });
  }

  /** Runs `work` while timing /health and sampling RSS; p99 is the nearest-rank 99th percentile. */
  async measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
    const started = await this.ask<{ rss: number }>('start');
    const t0 = performance.now();
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await work() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const seconds = (performance.now() - t0) / 1000;
    const stopped = await this.ask<{ latencies: number[]; failures: number; rssSamples: number[]; hwm: number }>('stop');
    if (!outcome.ok) throw outcome.error;
    const sorted = [...stopped.latencies].sort((a, b) => a - b);
    return {
      result: outcome.value,
      seconds,
      polls: sorted.length,
      failedPolls: stopped.failures,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      max: sorted.at(-1) ?? NaN,
      rssStartBytes: started.rss,
      peakRssBytes: Math.max(stopped.hwm || 0, ...stopped.rssSamples),
    };
  }

  async close() {
    await this.worker.terminate();
  }
}
