/**
 * Port-scan benchmark (issue 10): 20 test hosts with 1–4 open TCP ports each (bench/ports-lab.ts), scanned in the
 * same run, in rotated order, through the real probe as the scheduler sends it, through the probe as one "scan
 * subnet now", and with nmap directly in the scanner namespace; and 20 one-host runs (two at a time) both ways, to
 * show whether grouping a subnet's hosts into one nmap run pays. Then the scans' effect on the /24's sweeps
 * (bench/ports-sweep.ts). Writes the "Port scans" section of docs/BENCHMARKS.md.
 *
 * Safety: as bench/sweep.ts: only 198.18.0.0/15, every scanner in the scan namespace (no default route), processes
 * in their own groups killed with the topology, namespaces deleted by name in `finally`.
 *
 * Run: `npm run bench -- ports` or standalone `node_modules/.bin/tsx bench/ports.ts` (root needed).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { DEFAULT_NMAP_ARGS } from '../schema/nmap-args.js';
import { assertNetPrerequisites } from '../tests/net/netns.js';
import { waitFor } from '../tests/support/wait.js';
import { ROOT, cpuDelta, startLab, treeCpu, type Lab } from './ports-lab.js';
import { renderPorts } from './ports-report.js';
import { sweepLatency } from './ports-sweep.js';

export const HOSTS = 20;
export const FAIR_ARGS = ['-Pn', '-T4', '--top-ports', '1000', '-sT'];
const SCAN_TIMEOUT_MS = 300_000;
/** Four rotations: every method goes first four times (nmap's own run-to-run spread on a 2-core machine is ±25%). */
const ROUNDS = 20;

export type MethodId = 'scheduled' | 'subnet-now' | 'nmap' | 'probe-single' | 'nmap-single';
export const METHODS: { id: MethodId; label: string }[] = [
  { id: 'scheduled', label: 'a. probe, as scheduled (one job of 20 hosts)' },
  { id: 'subnet-now', label: 'b. probe, "scan subnet now"' },
  { id: 'nmap', label: 'c. `nmap -Pn -T4 --top-ports 1000 -sT` direct, 20 hosts in one run' },
  { id: 'probe-single', label: 'probe, 20 one-host "scan now" jobs (20 requests in a row; PORT_SCAN_CONCURRENCY 2)' },
  { id: 'nmap-single', label: 'nmap direct, 20 one-host runs, 2 at a time' },
];

export interface ScanRun {
  method: string;
  round: number;
  error?: string;
  wallS: number;
  /** scheduled: from the hosts becoming due to the first job sent (not in wallS). */
  waitS?: number;
  probeCpuS: number | null;
  nmapCpuS: number;
  serverCpuS: number | null;
  /** Open TCP ports found per host address; the services nmap named. */
  found: Map<string, number[]>;
  services: Map<string, Map<number, string>>;
  /** "port scan done" ms the probe logged per job. */
  innerMs: number[];
}

// ---------- direct nmap ----------

/** argv in the scan namespace under bash, whose `times` gives the CPU of the reaped process tree. */
function measure(lab: Lab, argv: string[]): Promise<{ stdout: string; stderr: string; code: number; wallS: number; cpuS: number }> {
  return new Promise((done) => {
    const started = performance.now();
    const child = lab.topo.spawnIn(lab.topo.ns.scan, ['bash', '-c', '"$@"; rc=$?; times >&2; exit $rc', 'bash', ...argv], { cwd: ROOT });
    let [stdout, stderr] = ['', ''];
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), SCAN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallS = (performance.now() - started) / 1000;
      const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr);
      const cpuS = m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : Number.NaN;
      done({ stdout, stderr, code: code ?? 1, wallS, cpuS });
    });
  });
}

/** nmap's grepable output: open TCP ports and services per host. */
function parseGrepable(out: string, run: Pick<ScanRun, 'found' | 'services'>): void {
  for (const line of out.split('\n')) {
    const m = /^Host: (\S+) .*\tPorts: ([^\t]*)/.exec(line);
    if (!m) continue;
    const ports = m[2]!.split(', ').map((p) => p.split('/')).filter((f) => f[1] === 'open' && f[2] === 'tcp');
    run.found.set(m[1]!, ports.map((f) => Number(f[0])).sort((a, b) => a - b));
    run.services.set(m[1]!, new Map(ports.map((f) => [Number(f[0]), f[4] ?? ''])));
  }
}

/** The TCP ports `--top-ports 1000` means, from nmap's own scaninfo (a scan of the scan namespace's loopback). */
async function topPorts(lab: Lab): Promise<Set<number>> {
  const r = await lab.topo.exec(lab.topo.ns.scan, ['nmap', '-Pn', '-sT', '--top-ports', '1000', '-n', '-oX', '-', '127.0.0.1']);
  const ports = new Set<number>();
  for (const part of (/<scaninfo [^>]*services="([^"]*)"/.exec(r.stdout)?.[1] ?? '').split(',').filter(Boolean)) {
    const [lo, hi = lo] = part.split('-').map(Number);
    for (let p = lo!; p <= hi!; p++) ports.add(p);
  }
  return ports;
}

async function nmapDirect(lab: Lab, method: string, round: number, args: string[], perHost: boolean): Promise<ScanRun> {
  await lab.flushNeighbours();
  const run: ScanRun = { method, round, wallS: 0, probeCpuS: null, nmapCpuS: 0, serverCpuS: null, found: new Map(), services: new Map(), innerMs: [] };
  // -n: no reverse DNS (the probe adds it too); -oG -: grepable output to read the ports from
  const argv = (targets: string[]) => ['nmap', ...args, '-n', '-oG', '-', ...targets];
  const started = performance.now();
  const groups = perHost ? lab.hosts.map((h) => [h.ip]) : [lab.hosts.map((h) => h.ip)];
  const limit = pLimit(2);
  const results = await Promise.all(groups.map((g) => limit(() => measure(lab, argv(g)))));
  run.wallS = (performance.now() - started) / 1000;
  for (const r of results) {
    if (r.code !== 0) run.error = `nmap exited ${r.code}: ${r.stderr.slice(0, 300)}`;
    run.nmapCpuS += r.cpuS;
    parseGrepable(r.stdout, run);
  }
  return run;
}

// ---------- through the probe ----------

/**
 * Triggers scans through the control plane and waits, on the live feed, until `jobs` port-scan jobs were queued and
 * finished and every host's ports event arrived. Wall: from `t0` (or the first job sent) to the last host's ports
 * stored. CPU from /proc: the probe's node processes, the nmap children it reaped, the server's tree.
 */
async function viaProbe(lab: Lab, method: string, round: number, jobs: number, trigger: () => Promise<unknown>, fromFirstJob = false): Promise<ScanRun> {
  await lab.flushNeighbours();
  const mark = lab.live.events.length;
  const logMark = lab.probeLog.length;
  const [p0, s0] = [treeCpu(lab.probePid), treeCpu(lab.serverPid)];
  const t0 = Date.now();
  await trigger();
  const ids = lab.hosts.map((h) => h.id);
  const state = () => {
    const events = lab.live.events.slice(mark);
    const queued = events.filter((e) => e.event === 'job' && e.data.kind === 'port_scan' && e.data.state === 'queued');
    const ended = events.filter((e) => e.event === 'job' && e.data.kind === 'port_scan' && ['done', 'failed', 'unsupported'].includes(e.data.state));
    const firstSeen = new Map<number, number>();
    for (const e of events) if (e.event === 'ports') for (const id of e.data.hostIds as number[]) if (!firstSeen.has(id)) firstSeen.set(id, e.t);
    const finished = queued.length >= jobs && queued.every((q) => ended.some((e) => e.data.jobId === q.data.jobId));
    return { queued, ended, firstSeen, finished };
  };
  await waitFor(`${method}: every job finished`, () => state().finished, SCAN_TIMEOUT_MS, 25);
  const [p1, s1] = [treeCpu(lab.probePid), treeCpu(lab.serverPid)];
  const { queued, ended, firstSeen } = state();
  const start = fromFirstJob ? queued[0]!.t : t0;
  const failed = ended.filter((e) => e.data.state !== 'done');
  const missing = ids.filter((id) => !firstSeen.has(id));
  const run: ScanRun = {
    method, round,
    wallS: (Math.max(...ids.map((id) => firstSeen.get(id) ?? ended.at(-1)!.t)) - start) / 1000,
    waitS: fromFirstJob ? (queued[0]!.t - t0) / 1000 : undefined,
    probeCpuS: cpuDelta(p0, p1).own, nmapCpuS: cpuDelta(p0, p1).children, serverCpuS: cpuDelta(s0, s1).own + cpuDelta(s0, s1).children,
    found: new Map(), services: new Map(),
    innerMs: lab.probeLog.slice(logMark).filter((l) => l.line.msg === 'port scan done').map((l) => Number(l.line.ms)),
    error: failed.length ? `${failed.length} job(s) ${failed[0]!.data.state}: ${failed[0]!.data.error ?? ''}` : missing.length ? `no ports event for ${missing.length} host(s)` : undefined,
  };
  // what this scan stored: ports seen at or after its start (a port it did not find is closed, or kept as stale)
  for (const h of lab.hosts) {
    const body = (await lab.api('GET', `/api/hosts/${h.id}/ports`)).body;
    const mine = (body.ports as any[]).filter((p) => p.protocol === 'tcp' && Date.parse(p.lastSeenAt) >= t0);
    run.found.set(h.ip, mine.map((p) => p.port as number).sort((a, b) => a - b));
    run.services.set(h.ip, new Map(mine.map((p) => [p.port as number, p.service ?? ''])));
  }
  return run;
}

const scanSubnetNow = (lab: Lab, args?: string[]) => async () => {
  const r = await lab.api('POST', `/api/subnets/${lab.subnetId}/scan-ports`, args ? { args: args.join(' ') } : undefined);
  if (r.status !== 202 || r.body.hosts !== HOSTS) throw new Error(`scan subnet now: ${r.status} ${JSON.stringify(r.body)}`);
};

async function runMethod(lab: Lab, id: MethodId, round: number): Promise<ScanRun> {
  switch (id) {
    case 'scheduled':
      // the scheduler (1 s tick) finds the hosts due and sends them as one job
      return viaProbe(lab, id, round, 1, () => lab.db.execute({ sql: 'UPDATE hosts SET ports_next_scan_at = NULL WHERE subnet_id = ?', args: [lab.subnetId] }), true);
    case 'subnet-now':
      return viaProbe(lab, id, round, 1, scanSubnetNow(lab));
    case 'probe-single':
      return viaProbe(lab, id, round, HOSTS, async () => {
        for (const h of lab.hosts) {
          const r = await lab.api('POST', `/api/hosts/${h.id}/scan-ports`);
          if (r.status !== 202) throw new Error(`scan host now: ${r.status} ${JSON.stringify(r.body)}`);
        }
      });
    case 'nmap':
      return nmapDirect(lab, id, round, FAIR_ARGS, false);
    case 'nmap-single':
      return nmapDirect(lab, id, round, FAIR_ARGS, true);
  }
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

const version = (argv: string[], pick: RegExp) => {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return pick.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'unknown';
};

export async function benchPorts(log: (s: string) => void = (s) => process.stderr.write(`[bench ports] ${s}\n`)): Promise<string> {
  assertNetPrerequisites();
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const t0 = performance.now();
  const lab = await startLab(HOSTS, log);
  try {
    // scans on, every host far from due: only what each method starts runs
    await lab.db.execute({ sql: 'UPDATE hosts SET ports_next_scan_at = ? WHERE subnet_id = ?', args: [Date.now() + 30 * 86_400_000, lab.subnetId] });
    const on = await lab.api('PATCH', `/api/subnets/${lab.subnetId}`, { portScan: { enabled: true, args: FAIR_ARGS.join(' ') } });
    if (on.status !== 200) throw new Error(`enabling port scans: ${on.status} ${JSON.stringify(on.body)}`);
    const runs: ScanRun[] = [];
    const describe = (r: ScanRun) => {
      const n = [...r.found.values()].reduce((s, p) => s + p.length, 0);
      return `${r.method}: ${r.error ?? `${n} open ports`} in ${r.wallS.toFixed(2)} s${r.waitS !== undefined ? ` (+${r.waitS.toFixed(2)} s to the first job)` : ''}, nmap CPU ${r.nmapCpuS.toFixed(2)} s` +
        (r.probeCpuS !== null ? `, probe ${r.probeCpuS.toFixed(2)} s, server ${r.serverCpuS!.toFixed(2)} s, probe-logged ${r.innerMs.join('/')} ms` : '');
    };
    const top = await topPorts(lab);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < METHODS.length; k++) {
        const m = METHODS[(k + round) % METHODS.length]!;
        const r = await runMethod(lab, m.id, round);
        runs.push(r);
        log(`round ${round + 1} ${describe(r)}`);
      }
    }
    // for information: the default arguments (-T3, service detection), through the probe and direct
    const defaults: [ScanRun, ScanRun] = [
      await viaProbe(lab, 'subnet-now-default', 0, 1, scanSubnetNow(lab, [...DEFAULT_NMAP_ARGS])),
      await nmapDirect(lab, 'nmap-default', 0, [...DEFAULT_NMAP_ARGS], false),
    ];
    defaults.forEach((r) => log(`default arguments ${describe(r)}`));
    const sweeps = await sweepLatency(lab, log);
    const facts = [
      `nproc ${availableParallelism()}`,
      `kernel ${version(['uname', '-r'], /(\S+)/)}`,
      `nmap ${version(['nmap', '--version'], /Nmap version (\S+)/)}`,
      `node ${process.version}`,
      `date ${startedAt.toISOString()}`,
      `load average (1 min) ${loadBefore} at the start, ${loadAverage()} at the end`,
    ];
    return renderPorts({ lab, methods: METHODS, fairArgs: FAIR_ARGS, rounds: ROUNDS, topPorts: top, runs, defaults, sweeps, facts, totalS: (performance.now() - t0) / 1000 });
  } finally {
    await lab.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchPorts().then((md) => process.stdout.write(`${md}\n`), (err: unknown) => {
    process.stderr.write(`bench ports failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
