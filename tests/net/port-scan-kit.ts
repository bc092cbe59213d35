/** Helpers for the real-network port-scan suites (ports.test.ts, probe-refusals.test.ts). */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { waitFor } from '../support/wait.js';
import type { Topology } from './netns.js';

export const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
export const LISTENERS = join(process.cwd(), 'tests/net/listeners.mjs');
export const FAKE_CONTROL_PLANE = join(process.cwd(), 'tests/net/fake-control-plane.mjs');
/** What the probe adds to every port scan's arguments (probe/jobs/port-scan-plan.ts). */
// pinned on purpose (not imported from the probe): a change to the options the probe adds must fail this suite
export const PROBE_ARGS = ['-oX', '-', '-n', '--stats-every', '2s'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function findOnPath(tool: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/bin'];
  const found = dirs.map((d) => join(d, tool)).find((p) => existsSync(p));
  if (!found) throw new Error(`${tool} not found; fix: apt-get install ${tool}`);
  return found;
}

export interface NmapWitness {
  /** Give this to the probe as NMAP_BIN. */
  bin: string;
  /** Every nmap start so far, as its argument list. */
  runs(): string[][];
}

/**
 * The suites' witness: a wrapper that appends each start's arguments (one line, tab-separated) to a log and
 * then execs the real nmap. The probe spawns it with an argument array like nmap itself.
 */
export function writeNmapWrapper(dir: string): NmapWitness {
  const bin = join(dir, 'nmap-wrapper');
  const log = join(dir, 'nmap-starts.log');
  writeFileSync(log, '');
  writeFileSync(bin, `#!/bin/sh\n(IFS='\t'; printf '%s\\n' "$*") >> '${log}'\nexec '${findOnPath('nmap')}' "$@"\n`);
  chmodSync(bin, 0o755);
  return {
    bin,
    runs: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')),
  };
}

/** The lines a child writes on stdout, and a way to wait for one. */
export function lines(child: ChildProcess) {
  const seen: string[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    seen.push(...parts);
  });
  return {
    seen,
    wait: (what: string, match: (line: string) => boolean, ms = 10_000) => waitFor(what, () => seen.some(match), ms, 50),
  };
}
export type Lines = ReturnType<typeof lines>;

/** Starts tests/net/listeners.mjs in a host namespace (e.g. ['http:80', 'ssh:22']) and waits until every port listens. */
export async function startListeners(topo: Topology, hostIndex: number, specs: string[]): Promise<{ proc: ChildProcess; out: Lines; close(port: number): Promise<void> }> {
  const proc = topo.spawnIn(topo.ns.hosts[hostIndex]!, [process.execPath, LISTENERS, ...specs], { stdio: 'pipe' });
  const out = lines(proc);
  await out.wait(`listeners ${specs.join(' ')} in ${topo.ns.hosts[hostIndex]}`, (l) => l.startsWith('ready'));
  return {
    proc,
    out,
    async close(port) {
      proc.stdin!.write(`close ${port}\n`);
      await out.wait(`port ${port} closed`, (l) => l === `closed ${port}`);
    },
  };
}

/** The real probe (probe/main.ts) in the scanner namespace, with nmap replaced by the witness and sweeps by ping. */
export function startProbe(topo: Topology, opts: { server: string; token: string; stateDir: string; nmapBin: string }) {
  const child = topo.spawnIn(topo.ns.scan, [TSX, 'probe/main.ts', '--server', opts.server, '--token', opts.token, '--state-dir', opts.stateDir], {
    env: { ...process.env, HEARTBEAT_SECONDS: '1', RECONNECT_MAX_MS: '2000', SWEEP_ENGINE: 'ping', NMAP_BIN: opts.nmapBin, PORT_SCAN_CONCURRENCY: '2' },
    stdio: 'pipe',
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  return { child, log: () => log };
}
