/**
 * The port-scan bench's lab (bench/ports.ts): 20 test hosts in network namespaces (tests/net/netns.ts, only
 * 198.18.0.0/15, scanner namespace without a default route), each running bench/ports-listener.mjs on 1–4 ports;
 * the Node control plane in the cp namespace and the real probe in the scan namespace, with the live feed recorded
 * and the CPU of both process trees read from /proc. Everything is torn down by `close()` (the topology kills the
 * process groups it spawned and deletes its namespaces).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { SseParser } from '../worker/live/sse.js';
import { client, login } from '../tests/support/targets.js';
import { waitFor } from '../tests/support/wait.js';
import { createTopology, run, type Topology } from '../tests/net/netns.js';
import { SERVER_MAIN, SERVER_NODE_FLAGS } from '../worker/node/launch.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const LISTENER = join(ROOT, 'bench/ports-listener.mjs');
const PASSWORD = 'bench ports admin password';
export const SCANNER_V4 = '198.18.0.1';
export const CIDR = '198.18.0.0/24';

/** Ports among nmap's top 1000 (checked against the scan's own list at run time). */
const POOL = [22, 80, 443, 3306, 5432, 8080, 3389, 21, 25, 110, 143, 445, 5900, 8443, 53, 23];

export interface LabHost {
  ip: string;
  ns: string;
  /** What the listener was told to open; `truth` is what `ss` says listens. */
  planned: number[];
  truth: number[];
  id: number;
}

export interface LiveRecord {
  t: number;
  event: string;
  data: any;
}

export interface LogRecord {
  t: number;
  line: any;
}

/** CPU seconds of a process tree: its live processes except nmap (`own`), and nmap (running, or reaped children). */
export interface TreeCpu {
  own: number;
  children: number;
}

const CLK_TCK = 100; // getconf CLK_TCK on Linux x86_64 and arm64

/** One /proc/<pid>/stat: parent, command name, utime+stime and cutime+cstime in seconds. */
function procStat(pid: number): { ppid: number; comm: string; self: number; reaped: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ').map(Number); // f[0] is field 3 (state)
    return { ppid: f[1]!, comm, self: (f[11]! + f[12]!) / CLK_TCK, reaped: (f[13]! + f[14]!) / CLK_TCK };
  } catch {
    return null; // gone
  }
}

/**
 * CPU of `rootPid` and its descendants from /proc. A reaped child's time is in its parent's cutime/cstime, so
 * own (utime+stime of live non-nmap processes) plus children (cutime+cstime of live ones, plus live nmap) counts
 * every process once. While no sweep runs, the probe's only children are its nmap port scans.
 */
export function treeCpu(rootPid: number): TreeCpu {
  const all = new Map<number, NonNullable<ReturnType<typeof procStat>>>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = procStat(Number(d));
    if (s) all.set(Number(d), s);
  }
  const inTree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, s] of all) {
      if (inTree.has(pid) || !inTree.has(s.ppid)) continue;
      inTree.add(pid);
      grew = true;
    }
  }
  let own = 0;
  let children = 0;
  for (const pid of inTree) {
    const s = all.get(pid);
    if (!s) continue;
    children += s.reaped;
    if (s.comm === 'nmap') children += s.self;
    else own += s.self;
  }
  return { own, children };
}

export const cpuDelta = (a: TreeCpu, b: TreeCpu): TreeCpu => ({ own: b.own - a.own, children: b.children - a.children });

/** GET /api/live with the session cookie; every event with the time it arrived. */
class LiveRecorder {
  readonly events: LiveRecord[] = [];
  private readonly abort = new AbortController();

  constructor(url: string, cookie: string) {
    void this.pump(url, cookie);
  }

  private async pump(url: string, cookie: string) {
    try {
      const res = await fetch(`${url}/api/live`, { headers: { cookie }, signal: this.abort.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const t = Date.now();
        for (const f of parser.push(value)) this.events.push({ t, event: f.event, data: JSON.parse(f.data) });
      }
    } catch {
      /* closed */
    }
  }

  close() {
    this.abort.abort();
  }
}

export interface Lab {
  topo: Topology;
  hosts: LabHost[];
  url: string;
  api: ReturnType<typeof client>;
  live: LiveRecorder;
  /** The probe's JSON log lines with the time each arrived. */
  probeLog: LogRecord[];
  probePid: number;
  serverPid: number;
  subnetId: number;
  /** Runs SQL on the server's database file (WAL, so beside the running server). */
  db: Client;
  flushNeighbours(): Promise<void>;
  close(): Promise<void>;
}

/** Host i listens on 1–4 ports (1, 2, 3, 4, 1, …) taken from the pool at staggered offsets. */
function plannedPorts(i: number): number[] {
  return Array.from({ length: 1 + (i % 4) }, (_, k) => POOL[(i * 3 + k) % POOL.length]!).sort((a, b) => a - b);
}

/** What listens on TCP in a namespace, from `ss -Htln`. */
async function listening(topo: Topology, ns: string): Promise<number[]> {
  const r = await topo.exec(ns, ['ss', '-Htln']);
  const ports = r.stdout.split('\n').filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[3]?.split(':').pop()));
  return [...new Set(ports)].sort((a, b) => a - b);
}

function lines(child: ChildProcess, sink: LogRecord[]) {
  let rest = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const t = Date.now();
    const parts = (rest + d).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      try {
        sink.push({ t, line: JSON.parse(p) });
      } catch {
        sink.push({ t, line: { msg: p } });
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => sink.push({ t: Date.now(), line: { level: 'stderr', msg: d.trim() } }));
}

/** The whole lab, ready: hosts listening, control plane up, probe connected, the /24 swept once with its 20 hosts up. */
export async function startLab(hostCount: number, log: (s: string) => void): Promise<Lab> {
  const specs = Array.from({ length: hostCount }, (_, i) => ({ v4: `198.18.0.${10 + i * 12}` }));
  const topo = await createTopology({ hosts: specs, scanV4: `${SCANNER_V4}/24` });
  const dir = mkdtempSync(join(tmpdir(), 'eipam-bench-ports-'));
  const held: { live?: LiveRecorder; db?: Client } = {};
  const close = async () => {
    held.live?.close();
    held.db?.close();
    await topo.destroy();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  try {
    // listeners: one plain node process per host namespace
    const hosts: LabHost[] = [];
    await Promise.all(
      specs.map(async (s, i) => {
        const ns = topo.ns.hosts[i]!;
        const planned = plannedPorts(i);
        const child = topo.spawnIn(ns, ['node', LISTENER, ...planned.map(String)]);
        await new Promise<void>((ok, fail) => {
          let out = '';
          child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d).includes('ready') && ok());
          child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
          child.once('exit', (code) => fail(new Error(`listener on ${s.v4} exited ${code}: ${out}`)));
        });
        hosts[i] = { ip: s.v4, ns, planned, truth: await listening(topo, ns), id: 0 };
      }),
    );
    const server = topo.spawnIn(topo.ns.cp, [TSX, ...SERVER_NODE_FLAGS, SERVER_MAIN], {
      cwd: ROOT,
      env: {
        ...process.env, HOST: '0.0.0.0', PORT: '8787', DATA_DIR: join(dir, 'server'), ADMIN_PASSWORD: PASSWORD, LOCAL_PROBE: '0',
        ENABLE_NMAP_SCHEDULER: '1', PORT_SCAN_TICK_SECONDS: '1', PORT_SCAN_COOLDOWN_SECONDS: '0',
      },
      stdio: 'ignore',
    });
    const url = `http://${topo.cpAddr}:8787`;
    await waitFor('control plane health', async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok, 60_000);
    const cookie = await login(url, 'admin', PASSWORD);
    const api = client(url, cookie);
    held.live = new LiveRecorder(url, cookie);
    const probe = (await api('POST', '/api/probes', { name: 'bench-probe', site: 'netns' })).body;
    const probeLog: LogRecord[] = [];
    const probeProc = topo.spawnIn(topo.ns.scan, [TSX, 'probe/main.ts', '--server', `http://${topo.cpAddrFromScan}:8787`, '--token', probe.token, '--state-dir', join(dir, 'probe')], {
      cwd: ROOT,
      // DNS_SERVER: the probe's PTR lookups of lab addresses never reach this machine's resolver (port 9 answers nothing)
      env: { ...process.env, PORT_SCAN_CONCURRENCY: '2', DNS_SERVER: '127.0.0.1:9' },
    });
    lines(probeProc, probeLog);
    await waitFor('probe connected', async () => (await api('GET', '/api/probes')).body.probes[0]?.connected === true, 60_000);
    // port scans off until the bench says so; a day between sweeps: one sweep now to find the hosts, then quiet
    const fair = '-Pn -T4 --top-ports 1000 -sT';
    const created = await api('POST', '/api/subnets', { cidr: CIDR, probeId: probe.id, sweepIntervalSeconds: 86_400, portScan: { enabled: false, args: fair } });
    if (created.status !== 201) throw new Error(`creating the subnet: ${created.status} ${JSON.stringify(created.body)}`);
    const subnetId = created.body.id as number;
    const upRows = async () => (await api('GET', `/api/subnets/${subnetId}/hosts`)).body.rows.filter((r: any) => r.kind === 'host' && r.status === 'up');
    await waitFor('the first sweep', async () => (await upRows()).length >= hostCount + 1, 60_000);
    const rows = await upRows();
    for (const h of hosts) h.id = rows.find((r: any) => r.ip === h.ip)!.id;
    // the scanner's own address answers the sweep too; it is not one of the 20 (and listens on nothing)
    const self = rows.find((r: any) => r.ip === SCANNER_V4);
    if (self) await api('DELETE', `/api/hosts/${self.id}`);
    held.db = createClient({ url: `file:${join(dir, 'server', 'edge-ipam.db')}` });
    await held.db.execute('PRAGMA busy_timeout = 5000');
    log(`lab up: ${hostCount} hosts, ${hosts.reduce((n, h) => n + h.truth.length, 0)} listening ports; server pid ${server.pid}, probe pid ${probeProc.pid}`);
    return {
      topo, hosts, url, api, live: held.live, probeLog, probePid: probeProc.pid!, serverPid: server.pid!, subnetId, db: held.db,
      flushNeighbours: async () => void (await run(['ip', '-n', topo.ns.scan, 'neigh', 'flush', 'all'])),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
