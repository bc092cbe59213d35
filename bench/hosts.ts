/**
 * The two hosts as the benches run them: the Node host as its own process (`worker/node/main.ts`, as `npm start`
 * runs it, with a libSQL file in a temp folder) and the Worker in `wrangler dev` (workerd, local D1 and Durable
 * Objects), both on loopback with the test admin password, plus the resident memory of a server's process tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD } from '../tests/support/app.js';
import { freePort, startEdgeServer } from '../tests/support/edge.js';
import type { HostName } from '../tests/support/targets.js';
import { waitFor } from '../tests/support/wait.js';
import { SERVER_MAIN, SERVER_NODE_FLAGS } from '../worker/node/launch.js';

export interface BenchHost {
  url: string;
  /** The server's root process (Workers: wrangler, with workerd below it). */
  pid: number;
  close(): Promise<void>;
}

/** Resident memory of a process and its descendants, in MiB (from /proc). */
export function treeRssMiB(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))![1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  let kb = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone */
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return kb / 1024;
}

/** `npm start` as its own process group (so closing it ends tsx and node both), `env` on top of this process's. */
export async function startNodeProcess(env: Record<string, string> = {}): Promise<BenchHost> {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-bench-node-'));
  const port = await freePort();
  const child: ChildProcess = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), [...SERVER_NODE_FLAGS, SERVER_MAIN], {
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dir, ADMIN_PASSWORD, LOCAL_PROBE: '0' },
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('node host', async () => (await fetch(`${url}/health`)).ok, 30_000);
  return {
    url,
    pid: child.pid!,
    async close() {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One host with these settings (environment variables on Node, `--var`s on Workers). */
export async function startBenchHost(host: HostName, env: Record<string, string> = {}): Promise<BenchHost> {
  if (host === 'node') return startNodeProcess(env);
  const edge = await startEdgeServer(env);
  return { url: edge.url, pid: edge.process.pid!, close: edge.close };
}

export const hostLabel = (host: HostName) => (host === 'node' ? 'Node (libSQL)' : 'Workers (workerd, D1)');
