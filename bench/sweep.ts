/**
 * ICMP sweep benchmark: the probe's Sweeper (engines "ping" and "nmap") against plain nmap and fping,
 * on a /24 and a /20 built with the network-namespace topology of tests/net/netns.ts.
 *
 * Safety: every scanner runs inside the topology's scan namespace (no default route, only test links),
 * only 198.18.0.0/15 is swept, topologies are destroyed in `finally`, processes are started with
 * spawnIn (own process group) and killed by that group on timeout. Nothing kernel-wide is changed:
 * the only mitigation is `ip -n <scan> neigh flush all` before every run, which touches the scan
 * namespace alone.
 *
 * Run: `npm run bench -- sweep` or standalone `node_modules/.bin/tsx bench/sweep.ts` (root needed).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BlockList } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertNetPrerequisites, createTopology, run, type Topology } from '../tests/net/netns.js';
import { DEFAULT_NMAP_ABOVE } from '../probe/sweep/sweeper.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const WORKER = join(ROOT, 'bench/sweep-worker.ts');
const REPS = 3;
const RUN_TIMEOUT_MS = 180_000;

interface Scenario {
  name: string;
  /** Address/prefix of the scanner (topology scanV4). */
  scanV4: string;
  /** Network CIDR handed to every tool (the probe refuses host bits). */
  cidr: string;
  hosts: string[];
  /** Runs per tool; tools listed here run once (they are slow). */
  once: string[];
  /** Block for the no-flush run-order check (see orderCheck()), or null to skip it. */
  orderCheck: string | null;
}

interface Tool {
  id: string;
  label: string;
  argv: (cidr: string) => string[];
  /** Exit codes that are not failures (fping: 1 = some targets unreachable). */
  okCodes: number[];
  parse: (stdout: string) => { ips: string[]; innerMs?: number };
}

interface RunResult {
  ok: boolean;
  error?: string;
  ips: string[];
  wallS: number;
  cpuS: number;
  innerMs?: number;
  /** Kernel-wide neighbour entries at start and peak during the run, and table_fulls increments. */
  neighStart: number;
  neighPeak: number;
  tableFulls: number;
  /** Peak tx_queue bytes of any raw socket in the scan namespace during the run. */
  rawTxPeak: number;
}

interface ToolResult { scenario: Scenario; tool: Tool; runs: RunResult[] }

const ipv4Lines = (stdout: string): string[] => stdout.split('\n').map((l) => l.trim()).filter((l) => /^\d+\.\d+\.\d+\.\d+$/.test(l));
const nmapReport = (stdout: string): string[] => [...stdout.matchAll(/^Nmap scan report for (\S+)/gm)].map((m) => m[1]!);
const workerJson = (stdout: string): { ips: string[]; innerMs: number } => {
  const line = stdout.trim().split('\n').pop() ?? '';
  const j = JSON.parse(line) as { up: number; ips: string[]; ms: number };
  return { ips: j.ips, innerMs: j.ms };
};

const FPING_BASE = ['fping', '-a', '-q', '-r', '1', '-t', '500'];
const TOOLS: Tool[] = [
  { id: 'probe-ping', label: 'probe Sweeper, engine ping (64 workers, 1 s)', argv: (c) => [TSX, WORKER, c, '--engine', 'ping'], okCodes: [0], parse: workerJson },
  { id: 'probe-nmap', label: 'probe Sweeper, engine nmap', argv: (c) => [TSX, WORKER, c, '--engine', 'nmap'], okCodes: [0], parse: workerJson },
  { id: 'nmap-t4', label: '`nmap -sn -n -T4`', argv: (c) => ['nmap', '-sn', '-n', '-T4', c], okCodes: [0], parse: (s) => ({ ips: nmapReport(s) }) },
  {
    id: 'nmap-t5', label: '`nmap -sn -n -T5 --min-rate 5000 --max-retries 1`',
    argv: (c) => ['nmap', '-sn', '-n', '-T5', '--min-rate', '5000', '--max-retries', '1', c], okCodes: [0], parse: (s) => ({ ips: nmapReport(s) }),
  },
  // default interval (-i 10 ms = 100 packets/s): slow on big ranges, but its send queue stays below the socket limit
  { id: 'fping', label: '`fping -a -q -r 1 -t 500 -g` (default -i 10)', argv: (c) => [...FPING_BASE, '-g', c], okCodes: [0, 1], parse: (s) => ({ ips: ipv4Lines(s) }) },
  { id: 'fping-i1', label: '`fping -a -q -r 1 -t 500 -i 1 -g`', argv: (c) => [...FPING_BASE, '-i', '1', '-g', c], okCodes: [0, 1], parse: (s) => ({ ips: ipv4Lines(s) }) },
];

const SCENARIOS: Scenario[] = [
  {
    name: '/24', scanV4: '198.18.0.1/24', cidr: '198.18.0.0/24',
    hosts: ['198.18.0.2', '198.18.0.40', '198.18.0.99', '198.18.0.150', '198.18.0.201', '198.18.0.254'],
    once: [], orderCheck: null,
  },
  {
    name: '/20', scanV4: '198.18.16.1/20', cidr: '198.18.16.0/20',
    hosts: ['198.18.16.2', '198.18.16.10', '198.18.20.77', '198.18.24.130', '198.18.28.200', '198.18.31.254'],
    once: ['probe-ping', 'fping'], orderCheck: '198.18.28.0/22',
  },
];

// ---------- kernel neighbour table (global across namespaces) ----------

/** entries and summed table_fulls from /proc/net/stat/arp_cache (root namespace view = the shared ARP table). */
function arpStats(): { entries: number; tableFulls: number } {
  const lines = readFileSync('/proc/net/stat/arp_cache', 'utf8').trim().split('\n');
  const header = lines[0]!.trim().split(/\s+/);
  const rows = lines.slice(1).map((l) => l.trim().split(/\s+/).map((x) => Number.parseInt(x, 16)));
  const col = (name: string) => header.indexOf(name);
  return { entries: rows[0]?.[col('entries')] ?? 0, tableFulls: rows.reduce((sum, r) => sum + (r[col('table_fulls')] ?? 0), 0) };
}

/**
 * Largest tx_queue (bytes of unsent packets charged to the socket) among the raw sockets of the
 * network namespace that process `pid` lives in (/proc/<pid>/net/raw, read from the root namespace).
 * Packets waiting for ARP resolution stay charged to the sending socket.
 */
function rawTxQueue(pid: number): number {
  try {
    return readFileSync(`/proc/${pid}/net/raw`, 'utf8').trim().split('\n').slice(1)
      .reduce((max, l) => Math.max(max, Number.parseInt(l.trim().split(/\s+/)[4]?.split(':')[0] ?? '0', 16) || 0), 0);
  } catch {
    return 0; // process already gone
  }
}

const sysctl = (path: string): string => { try { return readFileSync(`/proc/sys/${path}`, 'utf8').trim(); } catch { return '?'; } };

// ---------- running one measured command ----------

/**
 * Runs argv in the scan namespace under `bash -c '"$@"; times'`: bash's `times` second line is the
 * user/sys CPU of its reaped children, i.e. the whole process tree (tsx → node → ping/nmap children).
 */
function measure(topo: Topology, argv: string[], onSpawn: (pid: number) => void): Promise<{ stdout: string; stderr: string; code: number; wallS: number; cpuS: number | null }> {
  const script = '"$@"; rc=$?; times >&2; exit $rc';
  return new Promise((resolveRun) => {
    const started = performance.now();
    const child: ChildProcess = topo.spawnIn(topo.ns.scan, ['bash', '-c', script, 'bash', ...argv], { cwd: ROOT });
    if (child.pid !== undefined) onSpawn(child.pid);
    let [stdout, stderr] = ['', ''];
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, RUN_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallS = (performance.now() - started) / 1000;
      const lines = stderr.trimEnd().split('\n');
      const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines.at(-1)?.trim() ?? '');
      const cpuS = m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : null;
      if (m) stderr = lines.slice(0, -2).join('\n');
      resolveRun({ stdout, stderr, code: code ?? (signal ? 137 : 1), wallS, cpuS });
    });
  });
}

async function runTool(topo: Topology, cidr: string, tool: Tool, flush: boolean): Promise<RunResult> {
  if (flush) await run(['ip', '-n', topo.ns.scan, 'neigh', 'flush', 'all']);
  const before = arpStats();
  let peak = before.entries;
  let rawTxPeak = 0;
  let pid: number | undefined;
  const poll = setInterval(() => {
    peak = Math.max(peak, arpStats().entries);
    if (pid !== undefined) rawTxPeak = Math.max(rawTxPeak, rawTxQueue(pid));
  }, 100);
  const r = await measure(topo, tool.argv(cidr), (p) => (pid = p)).finally(() => clearInterval(poll));
  const after = arpStats();
  peak = Math.max(peak, after.entries);
  const base = { wallS: r.wallS, cpuS: r.cpuS ?? Number.NaN, neighStart: before.entries, neighPeak: peak, tableFulls: after.tableFulls - before.tableFulls, rawTxPeak };
  if (!tool.okCodes.includes(r.code) || r.cpuS === null) {
    return { ...base, ok: false, ips: [], error: `exit ${r.code}: ${r.stderr.trim().slice(0, 200)}` };
  }
  try {
    const parsed = tool.parse(r.stdout);
    return { ...base, ok: true, ips: [...new Set(parsed.ips)], innerMs: parsed.innerMs };
  } catch (err) {
    return { ...base, ok: false, ips: [], error: `unparsable output: ${String(err)}` };
  }
}

function expected(sc: Scenario): string[] { return [sc.scanV4.split('/')[0]!, ...sc.hosts]; }

/** Tools in a rotated order per repetition, so no tool always runs right after the same one. */
async function measureScenario(sc: Scenario, log: (s: string) => void): Promise<{ results: ToolResult[]; order: string[] }> {
  const topo = await createTopology({ hosts: sc.hosts.map((v4) => ({ v4 })), scanV4: sc.scanV4 });
  const results = TOOLS.map((tool) => ({ scenario: sc, tool, runs: [] as RunResult[] }));
  const order: string[] = [];
  try {
    for (let rep = 0; rep < REPS; rep++) {
      for (let k = 0; k < results.length; k++) {
        const res = results[(k + rep) % results.length]!;
        if (sc.once.includes(res.tool.id) && res.runs.length > 0) continue;
        const r = await runTool(topo, sc.cidr, res.tool, true);
        res.runs.push(r);
        log(`${sc.name} rep ${rep + 1} ${res.tool.id}: ${r.ok ? `${r.ips.length} up` : r.error} in ${r.wallS.toFixed(2)} s, cpu ${r.cpuS.toFixed(2)} s, neigh ${r.neighStart}→${r.neighPeak}, table_fulls +${r.tableFulls}`);
      }
    }
    if (sc.orderCheck) order.push(await orderCheck(topo, sc, sc.orderCheck, log));
  } finally {
    await topo.destroy();
  }
  return { results, order };
}

/**
 * The ARP table is kernel-wide (gc_thresh3 entries). Do one tool's leftover INCOMPLETE/FAILED entries
 * make the next tool miss hosts? The probe's ping engine (kernel ARP, like the probe in production)
 * sweeps `block` (a /22: 1022 addresses, the largest block engine auto still pings) twice: once right
 * after fping -i 1 over the whole scenario range (leaves ~900 entries, hundreds still INCOMPLETE)
 * with NO flush, and once after a flush as the baseline.
 */
async function orderCheck(topo: Topology, sc: Scenario, block: string, log: (s: string) => void): Promise<string> {
  const byId = (id: string) => TOOLS.find((t) => t.id === id)!;
  const want = expected(sc).filter((ip) => inCidr(ip, block));
  const describe = (r: RunResult) => (r.ok ? `${want.filter((ip) => r.ips.includes(ip)).length}/${want.length}` : `error (${r.error})`) +
    ` in ${fmt(r.wallS)} s (ARP entries at start ${r.neighStart}, peak ${r.neighPeak}, table_fulls +${r.tableFulls})`;
  await runTool(topo, sc.cidr, byId('fping-i1'), true);
  const dirty = await runTool(topo, block, byId('probe-ping'), false);
  log(`${sc.name} order-check probe-ping ${block} after fping -i 1, no flush: ${describe(dirty)}`);
  const clean = await runTool(topo, block, byId('probe-ping'), true);
  log(`${sc.name} order-check probe-ping ${block} after flush: ${describe(clean)}`);
  return `${sc.name}: probe engine ping on ${block} (1022 addresses) right after \`fping -i 1\` over ${sc.cidr}, no flush: found ${describe(dirty)}; ` +
    `after a flush: found ${describe(clean)}`;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net = '', prefix = '0'] = cidr.split('/');
  const list = new BlockList();
  list.addSubnet(net, Number(prefix), 'ipv4');
  return list.check(ip, 'ipv4');
}

// ---------- report ----------

const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const countFound = (sc: Scenario, ips: string[]): number => { const e = new Set(expected(sc)); return ips.filter((ip) => e.has(ip)).length; };

function foundCell(res: ToolResult): string {
  const want = expected(res.scenario).length;
  const okRuns = res.runs.filter((r) => r.ok);
  if (okRuns.length === 0) return `error: ${res.runs[0]?.error ?? 'not run'}`;
  const counts = okRuns.map((r) => countFound(res.scenario, r.ips));
  const extras = Math.max(...okRuns.map((r) => r.ips.length - countFound(res.scenario, r.ips)));
  const worst = Math.min(...counts);
  let cell = new Set(counts).size === 1 ? `${worst}/${want}` : `${worst}/${want} (runs: ${counts.join(', ')})`;
  if (extras > 0) cell += ` +${extras} unexpected`;
  if (okRuns.length < res.runs.length) cell += ` (${res.runs.length - okRuns.length} failed)`;
  return cell;
}

function missedNote(res: ToolResult): string | null {
  const exp = expected(res.scenario);
  const missed = new Set<string>();
  for (const r of res.runs.filter((x) => x.ok)) exp.filter((ip) => !r.ips.includes(ip)).forEach((ip) => missed.add(ip));
  return missed.size ? `${res.scenario.name} ${res.tool.id} missed ${[...missed].join(', ')}` : null;
}

function version(argv: string[], pick: RegExp): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return pick.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'unknown';
}

function conclusions(all: ToolResult[]): string[] {
  const get = (sc: string, id: string) => all.find((r) => r.scenario.name === sc && r.tool.id === id);
  const wall = (r: ToolResult | undefined) => median(r?.runs.map((x) => x.wallS) ?? []);
  const complete = (r: ToolResult | undefined) => !!r && r.runs.length > 0 && r.runs.every((x) => x.ok && countFound(r.scenario, x.ips) === expected(r.scenario).length);
  const lines: string[] = [];
  for (const sc of ['/24', '/20']) {
    const rows = all.filter((r) => r.scenario.name === sc && complete(r)).sort((a, b) => wall(a) - wall(b));
    const incomplete = all.filter((r) => r.scenario.name === sc && !complete(r)).map((r) => r.tool.id);
    if (rows.length === 0) { lines.push(`- ${sc}: no tool found every live host.`); continue; }
    const [best, second] = rows;
    lines.push(`- ${sc}: fastest tool that found every live host is ${best!.tool.id} (${fmt(wall(best))} s)` +
      (second ? `, then ${second.tool.id} (${fmt(wall(second))} s)` : '') +
      (incomplete.length ? `; missed hosts: ${incomplete.join(', ')}.` : '; every tool found every live host.'));
  }
  // what the probe's default `auto` engine picks for each block (it sweeps as root here)
  const engineFor = (usable: number) => (usable > DEFAULT_NMAP_ABOVE ? 'probe-nmap' : 'probe-ping');
  const autoSmall = get('/24', engineFor(254));
  const autoBig = get('/20', engineFor(4094));
  const tuned = get('/20', 'nmap-t5');
  if (autoSmall && autoBig && tuned) {
    const findsAll = complete(autoSmall) && complete(autoBig);
    const name = (id: string) => id.replace('probe-', '');
    lines.push(`- Probe engine auto (ping up to ${DEFAULT_NMAP_ABOVE} addresses, nmap above) = ${name(autoSmall.tool.id)} on the /24, ${name(autoBig.tool.id)} on the /20: ` +
      `${findsAll ? 'found every live host in every run' : 'MISSED live hosts'}; /20 ${fmt(wall(autoBig))} s vs tuned nmap ${fmt(wall(tuned))} s ` +
      `(difference ${fmt(wall(autoBig) - wall(tuned))} s, which includes Node/tsx start-up of the worker; in-process sweep ${fmt(median(autoBig.runs.map((r) => r.innerMs ?? Number.NaN)) / 1000)} s).`);
  }
  const cpu = (r: ToolResult | undefined) => median(r?.runs.map((x) => x.cpuS) ?? []);
  const ping20 = get('/20', 'probe-ping');
  const ping24 = get('/24', 'probe-ping');
  if (ping24 && ping20 && tuned) {
    lines.push(`- CPU: the probe's ping engine (one \`ping\` process per address) costs ${fmt(cpu(ping24))} CPU-s on the /24 and ` +
      `${fmt(cpu(ping20))} CPU-s on the /20 (${fmt(wall(ping20))} s wall), against ${fmt(cpu(tuned))} CPU-s for tuned nmap on the /20.`);
  }
  return lines;
}

/** Runs every scenario and returns the Markdown section. Needs root and nmap, fping, ip, ping. */
export async function benchSweeps(log: (s: string) => void = (s) => process.stderr.write(`[bench sweep] ${s}\n`)): Promise<string> {
  assertNetPrerequisites();
  const startedAt = new Date();
  const t0 = performance.now();
  const all: ToolResult[] = [];
  const orderNotes: string[] = [];
  for (const sc of SCENARIOS) {
    const { results, order } = await measureScenario(sc, log);
    all.push(...results);
    orderNotes.push(...order);
  }
  const totalS = (performance.now() - t0) / 1000;

  const facts = [
    `nproc ${availableParallelism()}`,
    `kernel ${version(['uname', '-r'], /(\S+)/)}`,
    `nmap ${version(['nmap', '--version'], /Nmap version (\S+)/)}`,
    `fping ${version(['fping', '--version'], /Version (\S+)/)}`,
    `node ${process.version}`,
    `date ${startedAt.toISOString()}`,
    `ARP gc_thresh1/2/3 ${sysctl('net/ipv4/neigh/default/gc_thresh1')}/${sysctl('net/ipv4/neigh/default/gc_thresh2')}/${sysctl('net/ipv4/neigh/default/gc_thresh3')}`,
    `net.core.wmem_default ${sysctl('net/core/wmem_default')}`,
  ];
  const rows = all.map((r) => {
    const n = r.runs.length;
    const tool = `${r.tool.label}${n < REPS ? ` (${n} run${n === 1 ? '' : 's'}: slow)` : ''}`;
    return `| ${r.scenario.name} \`${r.scenario.cidr}\` | ${tool} | ${foundCell(r)} | ${fmt(median(r.runs.map((x) => x.wallS)))} | ${fmt(median(r.runs.map((x) => x.cpuS)))} |`;
  });
  const inner = all.filter((r) => r.tool.id.startsWith('probe-')).map((r) =>
    `${r.scenario.name} ${r.tool.id} ${fmt(median(r.runs.map((x) => x.innerMs ?? Number.NaN)) / 1000)} s`);
  const neigh = SCENARIOS.map((sc) => {
    const rs = all.filter((r) => r.scenario === sc);
    const peakOf = (id: string) => Math.max(...(rs.find((r) => r.tool.id === id)?.runs.map((x) => x.neighPeak) ?? [0]));
    const fulls = rs.reduce((s, r) => s + r.runs.reduce((t, x) => t + x.tableFulls, 0), 0);
    const startMax = Math.max(...rs.flatMap((r) => r.runs.map((x) => x.neighStart)));
    const txOf = (id: string) => Math.max(...(rs.find((r) => r.tool.id === id)?.runs.map((x) => x.rawTxPeak) ?? [0]));
    return `${sc.name}: peak entries fping ${peakOf('fping')}, fping -i 1 ${peakOf('fping-i1')}, probe ping ${peakOf('probe-ping')}, nmap ${peakOf('nmap-t4')}; ` +
      `max at run start (after flush) ${startMax}; table_fulls +${fulls}; peak raw-socket send queue fping ${txOf('fping')} B, fping -i 1 ${txOf('fping-i1')} B ` +
      `(limit 2 × wmem_default = ${2 * Number(sysctl('net/core/wmem_default'))} B)`;
  });
  const missed = all.map(missedNote).filter((x): x is string => x !== null);
  const spread = all.filter((r) => r.runs.length > 1).filter((r) => {
    const w = r.runs.map((x) => x.wallS);
    return Math.max(...w) > 2 * Math.min(...w);
  }).map((r) => `${r.scenario.name} ${r.tool.id} runs ${r.runs.map((x) => fmt(x.wallS)).join(', ')} s`);
  const sendLimit = 2 * Number(sysctl('net/core/wmem_default'));
  const fpingFull = all.filter((r) => r.tool.id.startsWith('fping') && r.runs.some((x) => x.rawTxPeak >= sendLimit) && missedNote(r) !== null);
  const fpingDefaultTx = Math.max(0, ...all.filter((r) => r.tool.id === 'fping').flatMap((r) => r.runs.map((x) => x.rawTxPeak)));
  const fpingNote = fpingFull.length === 0 ? [] : [
    `Why fping misses (${fpingFull.map((r) => `${r.scenario.name} ${r.tool.id}`).join(', ')}): its one raw socket reached the send-queue limit ` +
    `(${sendLimit} B = 2 × net.core.wmem_default). Echo requests to unanswered addresses stay queued, charged to the socket, ` +
    'for ~3 s while their ARP entry is INCOMPLETE (mcast_solicit 3 × retrans_time 1 s); once the queue is full, sendto() fails with ENOBUFS ' +
    `and fping reports those targets, live or not, as unreachable. At the default 10 ms interval the queue peaked at ${fpingDefaultTx} B. ` +
    'nmap is immune: on a local segment it sends its own ARP requests from a raw Ethernet socket.',
  ];

  return [
    '## ICMP sweep: probe vs nmap vs fping',
    '',
    'Command: `npm run bench -- sweep` (standalone: `node_modules/.bin/tsx bench/sweep.ts`; needs root, nmap, fping).',
    '',
    `Machine: ${facts.join(', ')}. Bench runtime ${fmt(totalS, 0)} s.`,
    '',
    'Setup: one network-namespace topology per scenario (tests/net/netns.ts): scanner at .1 plus 6 host namespaces on one bridge, ' +
      'hosts spread over the range including the last usable address. Every tool runs in the scan namespace, ' +
      `${REPS} times per scenario in rotated order, on the same topology; the scan namespace's neighbour table is flushed ` +
      '(`ip -n <scan> neigh flush all`) before every run, so each run starts with cold ARP. Expected = the 6 hosts + the scanner\'s own address. ' +
      'Wall = whole command incl. process start-up (probe rows: `tsx bench/sweep-worker.ts`, i.e. Node + tsx start); ' +
      'CPU = user+sys of the whole process tree (bash `times`, children). Medians of the runs.',
    '',
    '| scenario | tool | found/expected | wall s (median) | CPU s (median) |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Probe in-process sweep time (median, without Node/tsx start-up): ${inner.join('; ')}.`,
    ...(missed.length ? ['', `Missed: ${missed.join('; ')}.`] : []),
    ...(spread.length ? ['', `Wall-time spread (max > 2 × min): ${spread.join('; ')}.`] : []),
    ...(fpingNote.length ? ['', ...fpingNote] : []),
    '',
    `Kernel ARP table (shared by all namespaces): ${neigh.join('. ')}.`,
    ...orderNotes.map((n) => `Run-order check, ${n}.`),
    '',
    ...conclusions(all),
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchSweeps().then((md) => process.stdout.write(md), (err: unknown) => {
    process.stderr.write(`bench sweep failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
