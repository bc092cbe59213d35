/** The "Port scans" section of docs/BENCHMARKS.md from the runs of bench/ports.ts. */
import { availableParallelism } from 'node:os';
import { PROBE_ARGS } from '../probe/jobs/port-scan-plan.js';
import { DEFAULT_NMAP_ARGS } from '../schema/nmap-args.js';
import { CIDR, type Lab } from './ports-lab.js';
import type { SweepLatency, SweepSample } from './ports-sweep.js';
import type { MethodId, ScanRun } from './ports.js';

const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (x: number | null | undefined, digits = 2) => (x !== null && x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : '–');

interface Score {
  found: number;
  missed: string[];
  extra: string[];
}

/** Ports found against what listens (`ss` in each host namespace). */
function score(lab: Lab, run: ScanRun): Score {
  const out: Score = { found: 0, missed: [], extra: [] };
  for (const h of lab.hosts) {
    const got = new Set(run.found.get(h.ip) ?? []);
    for (const p of h.truth) got.has(p) ? out.found++ : out.missed.push(`${h.ip}:${p}`);
    for (const p of got) if (!h.truth.includes(p)) out.extra.push(`${h.ip}:${p}`);
  }
  return out;
}

function foundCell(lab: Lab, runs: ScanRun[], truth: number): string {
  const scores = runs.map((r) => score(lab, r));
  const counts = scores.map((s) => s.found);
  let cell = new Set(counts).size === 1 ? `${counts[0]}/${truth}` : `${Math.min(...counts)}/${truth} (runs: ${counts.join(', ')})`;
  const extra = Math.max(...scores.map((s) => s.extra.length));
  if (extra) cell += ` +${extra} not listening`;
  const errors = runs.filter((r) => r.error).length;
  if (errors) cell += ` (${errors} with errors)`;
  return cell;
}

/** "median (min–max)". */
const range = (xs: number[], digits = 2) => `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`;
const cpuCell = (runs: ScanRun[], pick: (r: ScanRun) => number | null) => fmt(median(runs.map((r) => pick(r) ?? Number.NaN)));
const wallCell = (runs: ScanRun[]) => {
  const w = runs.map((r) => r.wallS);
  return runs.length > 1 ? `${fmt(median(w))} (${fmt(Math.min(...w))}–${fmt(Math.max(...w))})` : fmt(w[0]);
};

/** "22 ssh ×5, 80 http ×1, …": the services a run named, by port. */
function servicesNamed(run: ScanRun): string {
  const byPort = new Map<string, number>();
  for (const m of run.services.values()) for (const [port, service] of m) byPort.set(`${port} ${service || '?'}`, (byPort.get(`${port} ${service || '?'}`) ?? 0) + 1);
  return [...byPort].sort((a, b) => Number(a[0].split(' ')[0]) - Number(b[0].split(' ')[0])).map(([k, n]) => `${k} ×${n}`).join(', ');
}

/** Ports where the two runs named different services, or one named a port the other did not (both ways). */
function serviceMismatches(a: ScanRun, b: ScanRun): string[] {
  const ports = new Map<string, Set<number>>();
  for (const run of [a, b]) for (const [ip, m] of run.services) for (const port of m.keys()) ports.set(ip, (ports.get(ip) ?? new Set()).add(port));
  const out: string[] = [];
  for (const [ip, set] of ports) {
    for (const port of set) {
      const [sa, sb] = [a, b].map((r) => r.services.get(ip)?.get(port) ?? '');
      if (sa !== sb) out.push(`${ip}:${port} ${sa || '?'} vs ${sb || '?'}`);
    }
  }
  return out;
}

/** What the grouping measurement says, each way on its own. */
function groupingVerdict(g: { direct: number; directSingle: number; probe: number; probeSingle: number }): string {
  const direct = g.directSingle > g.direct;
  const probe = g.probeSingle > g.probe;
  if (direct && probe) return 'one run for the subnet is faster both ways, as the scheduler does it';
  if (!direct && !probe) return 'one-host runs were not slower either way: the grouping in the scheduler does not pay here';
  return `one run for the subnet is faster ${direct ? 'direct' : 'through the probe'} only; one-host runs were not slower ${direct ? 'through the probe' : 'direct'}`;
}

function sweepRow(label: string, s: SweepSample[]): string {
  if (!s.length) return `| ${label} | 0 | – | – |`;
  const ms = s.map((x) => x.ms);
  const e2e = s.map((x) => x.e2eMs ?? Number.NaN);
  return `| ${label} | ${s.length} | ${fmt(median(ms), 0)} (${fmt(Math.max(...ms), 0)}) | ${fmt(median(e2e), 0)} (${fmt(Math.max(...e2e.filter(Number.isFinite)), 0)}) |`;
}

export interface PortsReport {
  lab: Lab;
  methods: { id: MethodId; label: string }[];
  fairArgs: string[];
  rounds: number;
  /** The TCP ports of nmap's --top-ports 1000. */
  topPorts: Set<number>;
  runs: ScanRun[];
  /** The default arguments, once through the probe and once direct. */
  defaults: [ScanRun, ScanRun];
  sweeps: SweepLatency;
  facts: string[];
  totalS: number;
}

export function renderPorts(input: PortsReport): string {
  const { lab, methods: METHODS, fairArgs: FAIR_ARGS, rounds, topPorts, runs, defaults, sweeps, facts, totalS } = input;
  const HOSTS = lab.hosts.length;
  const truth = lab.hosts.reduce((n, h) => n + h.truth.length, 0);
  const of = (id: string) => runs.filter((r) => r.method === id);
  const wall = (id: string) => median(of(id).map((r) => r.wallS));
  const direct = wall('nmap');
  const rows = METHODS.map((m) => {
    const rs = of(m.id);
    const ratio = m.id === 'nmap' ? '1.00' : fmt(wall(m.id) / direct);
    return `| ${m.label} | ${foundCell(lab, rs, truth)} | ${wallCell(rs)} | ${ratio} | ${cpuCell(rs, (r) => r.nmapCpuS)} | ${cpuCell(rs, (r) => r.probeCpuS)} | ${cpuCell(rs, (r) => r.serverCpuS)} |`;
  });
  const [probeDefault, nmapDefault] = defaults;
  const defaultRows = [
    `| b. probe, "scan subnet now", default \`${DEFAULT_NMAP_ARGS.join(' ')}\` (1 run) | ${foundCell(lab, [probeDefault], truth)} | ${wallCell([probeDefault])} | ${fmt(probeDefault.wallS / nmapDefault.wallS)} vs the row below | ${fmt(probeDefault.nmapCpuS)} | ${fmt(probeDefault.probeCpuS)} | ${fmt(probeDefault.serverCpuS)} |`,
    `| nmap direct, the same default arguments (1 run) | ${foundCell(lab, [nmapDefault], truth)} | ${wallCell([nmapDefault])} | 1.00 | ${fmt(nmapDefault.nmapCpuS)} | – | – |`,
  ];

  // the verdicts
  const all = [...runs, ...defaults];
  const probeRuns = all.filter((r) => r.probeCpuS !== null);
  const probeMissed = [...new Set(probeRuns.flatMap((r) => score(lab, r).missed))];
  const probeExtra = [...new Set(probeRuns.flatMap((r) => score(lab, r).extra))];
  const errors = all.filter((r) => r.error).map((r) => `${r.method} round ${r.round + 1}: ${r.error}`);
  const pairs = of('subnet-now').map((b) => b.wallS / (of('nmap').find((c) => c.round === b.round)?.wallS ?? Number.NaN));
  const ratioB = wall('subnet-now') / direct;
  const ratioA = wall('scheduled') / direct;
  const meets = ratioB <= 1.1;
  const outsideTop = [...new Set(lab.hosts.flatMap((h) => h.truth))].filter((p) => !topPorts.has(p));
  const grouped = { direct: wall('nmap'), directSingle: wall('nmap-single'), probe: wall('subnet-now'), probeSingle: wall('probe-single') };
  const busy = sweeps.busy.filter((s) => s.overlap >= 0.5);
  const gaps = sweeps.busy.length - busy.length;
  const idleMed = median(sweeps.idle.map((s) => s.ms));
  const busyMed = median(busy.map((s) => s.ms));
  const busyMax = Math.max(...busy.map((s) => s.ms));
  const idleE2e = median(sweeps.idle.map((s) => s.e2eMs ?? Number.NaN));
  const busyE2e = median(busy.map((s) => s.e2eMs ?? Number.NaN));
  const scanHosts = [...new Set(sweeps.scans.map((s) => s.hosts))].join('/');
  const scanSecs = median(sweeps.scans.map((s) => (s.end - s.start) / 1000));
  const waits = of('scheduled').map((r) => r.waitS ?? Number.NaN);
  // what the probe path adds to its nmap run: dispatch, result frame, ingest, live event
  const overheadMs = median([...of('subnet-now'), ...of('scheduled')].map((r) => r.wallS * 1000 - (r.innerMs[0] ?? Number.NaN)));
  const directWalls = of('nmap').map((r) => r.wallS);
  const innerMed = median(of('subnet-now').map((r) => r.innerMs[0] ?? Number.NaN));
  const sideCpu = median([...of('subnet-now'), ...of('scheduled')].map((r) => (r.probeCpuS ?? 0) + (r.serverCpuS ?? 0)));
  const nmapCpu = median([...of('subnet-now'), ...of('scheduled')].map((r) => r.nmapCpuS));
  const meaning = [
    `What it means: ${probeMissed.length ? 'the probe MISSED open ports (listed above), a bug to fix before anything else. ' : `the probe found all ${truth} open ports in every run. `}`,
    `Through the probe a subnet scan costs its nmap run plus ${fmt(overheadMs, 0)} ms (median of wall minus the probe-logged scan time: `,
    `the job frame, the result frame, the ingest and the live event) and ${fmt(sideCpu)} CPU-s of probe and server next to nmap's ${fmt(nmapCpu)}. `,
    `The nmap run itself took ${fmt(innerMed / 1000)} s inside the probe (probe-logged, median) against ${fmt(direct)} s for the direct command, `,
    `whose own runs ranged over ${fmt(Math.min(...directWalls))}–${fmt(Math.max(...directWalls))} s on this ${availableParallelism()}-core machine, so the ratio of the medians moves from run to run: `,
    `this run ${meets ? 'meets' : 'MISSES'} the 1.1 × target for "scan subnet now" (${fmt(ratioB)} ×; round by round median ${fmt(median(pairs))} ×) `,
    `and the scheduled job ${ratioA <= 1.1 ? 'meets' : 'MISSES'} it (${fmt(ratioA)} ×). `,
    `Grouping: ${groupingVerdict(grouped)} (${HOSTS} hosts in one nmap run ${fmt(grouped.direct)} s direct against ${HOSTS} one-host runs two at a time ${fmt(grouped.directSingle)} s; through the probe each one-host job adds its own round trip and ingest). `,
    busy.length
      ? `Port scans running beside the sweeps moved the /24's sweep from ${fmt(idleMed, 0)} to ${fmt(busyMed, 0)} ms (median; max ${fmt(busyMax, 0)} ms), ` +
        (busyMax < 2000 ? 'well inside its 10 s interval.' : 'a noticeable share of its 10 s interval.')
      : 'No sweep overlapped a port scan in this run, so it says nothing of their effect on sweeps.',
  ].join('');

  return [
    '## Port scans: probe vs nmap direct on 20 hosts, grouping, and the sweeps meanwhile',
    '',
    'Command: `npm run bench -- ports` (standalone: `node_modules/.bin/tsx bench/ports.ts`; needs root and nmap).',
    '',
    `Machine: ${facts.join(', ')}. Bench runtime ${fmt(totalS, 0)} s.`,
    '',
    `Setup (bench/ports-lab.ts): ${HOSTS} host namespaces on one bridge (tests/net/netns.ts, ${CIDR}), each running ` +
      '`bench/ports-listener.mjs` on 1–4 TCP ports among nmap\'s top 1000 (an SSH banner on 22; HTTP on 80/8080; FTP, SMTP, POP3, IMAP, ' +
      'telnet, MySQL and VNC greetings; the rest accept and close), ' +
      `${truth} listening ports in all as \`ss -tln\` in each namespace reports them (the ground truth). The Node control plane runs in ` +
      'its own namespace (`PORT_SCAN_TICK_SECONDS=1`, `PORT_SCAN_COOLDOWN_SECONDS=0`), the real probe (`npm run probe`, ' +
      '`PORT_SCAN_CONCURRENCY=2`) and every direct nmap in the scanner namespace, which has no default route. The subnet\'s ' +
      `arguments are \`${FAIR_ARGS.join(' ')}\` for rows a and b; the probe adds \`${PROBE_ARGS.join(' ')}\`, the direct runs \`-n -oG -\`. ` +
      `Sweeps are off (a day apart) while ports are scanned. Each of the ${METHODS.length} methods runs ${rounds} times in rotated order ` +
      `(each goes first ${rounds / METHODS.length} times); the scanner's neighbour table is flushed before every run.`,
    '',
    'Wall: probe rows from the request (or, as scheduled, from the first job the scheduler sent: the hosts are marked due by setting ' +
      '`hosts.ports_next_scan_at` to NULL in the database file, as for a host never scanned) until the last host\'s `ports` event on ' +
      'the live feed (its result stored); direct rows the nmap command. CPU: user+sys from /proc/<pid>/stat before and after each run: ' +
      '"nmap" = the cutime+cstime the probe\'s processes gained (the nmap children they reaped; no sweep runs meanwhile), "probe" = the ' +
      'utime+stime of the probe\'s own node processes (tsx and the agent), "server" = the control plane\'s process tree; direct rows: ' +
      'bash `times` for the nmap processes. Ports found: for probe rows, the ports `GET /api/hosts/{id}/ports` lists with `lastSeenAt` at ' +
      'or after the run started. Medians (min–max) of the runs.',
    '',
    '| method | ports found / listening | wall s | wall vs c | nmap CPU s | probe CPU s | server CPU s |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    ...defaultRows,
    '',
    `Scheduled rows: the scheduler sent the job ${fmt(median(waits))} s (median; max ${fmt(Math.max(...waits))} s) after the hosts became due, not counted in the wall time.`,
    `Probe-logged scan time ("port scan done", nmap start to parsed result), subnet now: ${range(of('subnet-now').map((r) => r.innerMs[0] ?? Number.NaN), 0)} ms; ` +
      `wall minus that (job and result frames, ingest, live event), subnet now and scheduled: ${fmt(overheadMs, 0)} ms (median).`,
    `Services named with the default arguments, through the probe: ${servicesNamed(probeDefault)}.` +
      (serviceMismatches(nmapDefault, probeDefault).length ? ` Differences from the direct run: ${serviceMismatches(nmapDefault, probeDefault).join('; ')}.` : ' The direct run named the same service on every port.'),
    ...(outsideTop.length ? [`Ports outside nmap's top 1000 (a setup error): ${outsideTop.join(', ')}.`] : []),
    ...(errors.length ? [`Errors: ${errors.join('; ')}.`] : []),
    '',
    `Grouping (the scheduler puts a subnet's due hosts in one nmap run): direct, ${HOSTS} hosts in one run ${fmt(grouped.direct)} s against ${HOSTS} one-host ` +
      `runs two at a time ${fmt(grouped.directSingle)} s (${fmt(grouped.directSingle / grouped.direct, 1)}×); through the probe, one job ` +
      `${fmt(grouped.probe)} s against ${HOSTS} one-host jobs ${fmt(grouped.probeSingle)} s (${fmt(grouped.probeSingle / grouped.probe, 1)}×).`,
    '',
    `Sweeps of the /24 (every 10 s; engine auto: \`nmap -sn\`; the bench runs as root, so the probe has raw sockets) with no port scan, and while the scheduler ` +
      `scanned every alive host (${scanHosts} hosts a job) back to back with the default arguments ` +
      `(${sweeps.scans.length} scans, ${fmt(scanSecs, 1)} s each, median). "Stored" = from the sweep's start (probe log) to its \`hosts\` event on the live feed.` +
      (gaps ? ` ${gaps} sweep(s) fell mostly between two scans and are left out.` : ''),
    '',
    '| sweeps | n | probe-logged ms, median (max) | start → stored ms, median (max) |',
    '|---|---|---|---|',
    sweepRow('no port scan', sweeps.idle),
    sweepRow('during a port scan', busy),
    '',
    `- Every open port found by the probe: ${probeMissed.length ? `NO, missed ${probeMissed.join(', ')}` : `yes, ${truth}/${truth} in every probe run`}` +
      `${probeExtra.length ? `; reported ports nothing listens on: ${probeExtra.join(', ')}` : ''}.`,
    `- Target "subnet scan ≤ 1.1 × direct nmap": ${meets ? 'met' : 'MISSED'}, ${fmt(ratioB)} × (medians ${fmt(wall('subnet-now'))} s vs ${fmt(direct)} s; ` +
      `round by round ${range(pairs)}); as scheduled ${fmt(ratioA)} ×.`,
    `- Grouping: ${groupingVerdict(grouped)}.`,
    busy.length
      ? `- Sweeps: median ${fmt(idleMed, 0)} ms idle, ${fmt(busyMed, 0)} ms during port scans (${fmt(busyMed / idleMed, 2)} ×); stored after ${fmt(idleE2e, 0)} ms vs ${fmt(busyE2e, 0)} ms.`
      : '- Sweeps: none overlapped a port scan; no figure.',
    '',
    meaning,
    '',
  ].join('\n');
}
