/**
 * NetFlow benchmark (issue 13): a flow file of > 200,000 flows made by the real tools (a generated pcap exported
 * by softflowd as NetFlow v9 into nfcapd), replayed with nfreplay to the probe's FlowCollector and to nfcapd in the
 * same run, paced (nfreplay's default delay), unpaced (-d 0) and at about 50,000 flows/s. Both receivers run
 * pinned to core 1 (taskset), nfreplay to core 0, one receiver at a time, alternating which goes first. Plus the
 * collector's decode + aggregate in-process over the captured export datagrams (no socket) on the same core.
 *
 * Safety: everything on 127.0.0.1 (tests/net/netflow-kit.ts); the pcap only holds 198.18.0.0/15 and fd00::/8;
 * processes are killed by pid, the temp dir removed, in `finally`.
 *
 * Run: `npm run bench -- netflow` or standalone `node_modules/.bin/tsx bench/netflow.ts`.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTraffic } from '../tests/net/flow-traffic.js';
import { assertNetflowTools, captureDatagrams, NFREPLAY, nfdumpTotals, runTool, sendDatagrams, softflowdExport, startNfcapd, udpSocketState, waitDrained, writeDatagrams, type ExportVersion } from '../tests/net/netflow-kit.js';
import { writePcap } from '../tests/net/pcap.js';
import { RECEIVER_CORE, replay, runCollector, runDecodeOnly, runInproc, runNfcapd, SENDER_CORE, type InprocRep, type ReceiverRun } from './netflow-runs.js';

const CONVERSATIONS = 115_000; // ≈ 218,000 flows (most conversations answer)
const MIN_FLOWS = 200_000;
const RECV_BUFFER = 16 * 1024 * 1024;
const REPS = 3;
const INPROC_REPS = 5;
const TARGET_RATE = 50_000;

interface Mode { name: string; delayUs: number }

const fmt = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (xs: number[], d = 0, unit = '') => `${fmt(median(xs), d)}${unit} (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})`;
const pct = (x: number) => `${fmt(x * 100, 1)} %`;
const sysctl = (name: string) => readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8').trim();
const version = (argv: string[], pick: RegExp) => {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return pick.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1] ?? 'unknown';
};

/** softflowd's export of the pcap, captured; retried when our listener missed a datagram (a burst over its buffer). */
async function exportOf(pcap: string, v: ExportVersion, dir: string, log: (s: string) => void) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await softflowdExport(pcap, v, { dir });
    } catch (e) {
      if (attempt >= 3) throw e;
      log(`softflowd -v ${v}: ${(e as Error).message}; again`);
    }
  }
}

/** The flow file: softflowd's v9 datagrams sent to nfcapd; checks nfcapd stored every record. */
async function flowFile(dir: string, datagrams: Buffer[], records: number): Promise<{ file: string; flows: number }> {
  const nf = await startNfcapd(dir, { recvBufferBytes: RECV_BUFFER });
  try {
    await sendDatagrams(datagrams, nf.port);
    await waitDrained(nf.port, 60_000);
  } finally {
    await nf.stop();
  }
  const stored = await nfdumpTotals(nf.flowDir);
  const files = readdirSync(nf.flowDir).filter((f) => f.startsWith('nfcapd.'));
  if (files.length !== 1) throw new Error(`bench netflow: nfcapd wrote ${files.length} files`);
  if (stored.flows !== records) throw new Error(`bench netflow: the flow file holds ${stored.flows} of softflowd's ${records} records`);
  return { file: join(nf.flowDir, files[0]!), flows: stored.flows };
}

/** nfreplay's own stream, captured at its default pace (checked complete by the socket's drop counter). */
async function replayStream(file: string): Promise<{ datagrams: Buffer[]; sendMs: number }> {
  const cap = await captureDatagrams();
  try {
    const r = await replay(file, cap.port, 10);
    await waitDrained(cap.port);
    const drops = udpSocketState(cap.port)?.drops ?? 0;
    if (r.code !== 0 || drops) throw new Error(`bench netflow: capturing nfreplay's stream: exit ${r.code}, ${drops} dropped`);
    return { datagrams: [...cap.datagrams], sendMs: r.sendMs };
  } finally {
    await cap.close();
  }
}

/**
 * The nfreplay -d giving about TARGET_RATE flows/s: each packet costs -d µs plus a slack (timer, syscalls) that
 * depends on the machine, so short replays (`-c` 80,000 flows) into a counting listener, timed from the first to the
 * last datagram, corrected until within 5 %.
 */
async function calibrate(file: string, perPacket: number, log: (s: string) => void): Promise<number> {
  const socket = createSocket('udp4');
  let [n, first, last] = [0, 0, 0];
  socket.on('message', () => {
    last = performance.now();
    if (n++ === 0) first = last;
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  try {
    let delay = Math.round((perPacket / TARGET_RATE) * 1e6);
    let best = { delay, off: Infinity };
    for (let i = 0; i < 8; i++) {
      n = 0;
      const r = await runTool(['taskset', '-c', String(SENDER_CORE), NFREPLAY, '-H', '127.0.0.1', '-p', String(socket.address().port), '-r', file, '-v', '9', '-d', String(delay), '-c', '80000']);
      await new Promise((res) => setTimeout(res, 100));
      if (r.code !== 0 || n < 100) throw new Error(`bench netflow: calibrating nfreplay: exit ${r.code}, ${n} datagrams: ${r.stderr.trim()}`);
      const usPerPacket = ((last - first) * 1000) / (n - 1);
      const rate = (perPacket / usPerPacket) * 1e6;
      log(`calibrate: -d ${delay} → ${fmt(usPerPacket, 1)} µs a packet, ${fmt(rate)} flows/s`);
      const off = Math.abs(rate - TARGET_RATE) / TARGET_RATE;
      if (off < best.off) best = { delay, off };
      if (off < 0.05) break;
      delay = Math.max(0, Math.round((perPacket / TARGET_RATE) * 1e6 - (usPerPacket - delay)));
    }
    // nfreplay's sleeps vary run to run: the delay measured closest to the target
    return best.delay;
  } finally {
    await new Promise<void>((r) => socket.close(() => r()));
  }
}

export async function benchNetflow(log: (s: string) => void = (s) => process.stderr.write(`[bench netflow] ${s}\n`)): Promise<string> {
  assertNetflowTools();
  if (spawnSync('taskset', ['-V']).error) throw new Error('bench netflow: taskset missing; fix: apt-get install util-linux');
  if (availableParallelism() < 2) throw new Error('bench netflow: needs 2 cores (receiver and sender pinned apart)');
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'eip-netflow-bench-'));
  try {
    const traffic = generateTraffic({ seed: 13, conversations: CONVERSATIONS, v6Share: 0.2, hostsPerSide: 3000, maxPackets: 2, maxPayload: 600, maxDurationMs: 2000, spanMs: 600_000, startMs: Date.now() - 700_000 });
    const pcap = join(dir, 'traffic.pcap');
    writePcap(pcap, traffic.packets, 96);
    log(`pcap: ${traffic.packets.length} packets, ${traffic.flows} flows`);

    const exports = new Map<ExportVersion, Awaited<ReturnType<typeof softflowdExport>>>();
    for (const v of [9, 10, 5] as const) {
      exports.set(v, await exportOf(pcap, v, dir, log));
      writeDatagrams(join(dir, `softflowd-v${v}.bin`), exports.get(v)!.datagrams);
      log(`softflowd -v ${v}: ${exports.get(v)!.records} records in ${exports.get(v)!.packets} packets`);
    }
    const v9 = exports.get(9)!;
    const { file, flows } = await flowFile(dir, v9.datagrams, v9.records);
    if (flows < MIN_FLOWS) throw new Error(`bench netflow: the flow file holds ${flows} flows, fewer than ${MIN_FLOWS}`);
    const stream = await replayStream(file);
    writeDatagrams(join(dir, 'nfreplay-v9.bin'), stream.datagrams);
    const perPacket = flows / stream.datagrams.length;
    const delay50 = await calibrate(file, perPacket, log);
    log(`flow file: ${flows} flows; nfreplay -v 9: ${stream.datagrams.length} datagrams (${fmt(perPacket, 1)} flows each), default pace ${fmt(stream.sendMs)} ms; -d ${delay50} for ≈ 50k/s`);

    const inproc = new Map<string, InprocRep[]>();
    for (const [name, f] of [['nfreplay v9', 'nfreplay-v9.bin'], ['softflowd v9', 'softflowd-v9.bin'], ['softflowd IPFIX', 'softflowd-v10.bin'], ['softflowd v5', 'softflowd-v5.bin']] as const) {
      const reps = await runInproc(join(dir, f), INPROC_REPS);
      inproc.set(name, reps);
      log(`in-process ${name}: ${reps.map((r) => fmt(r.flowsPerSecond)).join(', ')} flows/s`);
    }
    const decodeOnly = await runDecodeOnly();
    log(`decodeThroughput: ${JSON.stringify(decodeOnly)}`);

    const modes: Mode[] = [
      { name: 'paced (nfreplay default, -d 10)', delayUs: 10 },
      { name: `paced ≈ 50,000 flows/s (-d ${delay50})`, delayUs: delay50 },
      { name: 'unpaced (-d 0)', delayUs: 0 },
    ];
    const runs = new Map<string, ReceiverRun[]>();
    for (const m of modes) {
      const list: ReceiverRun[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const order = rep % 2 === 0 ? (['collector', 'nfcapd'] as const) : (['nfcapd', 'collector'] as const);
        for (const target of order) {
          const r = target === 'collector' ? await runCollector(file, m.delayUs, RECV_BUFFER) : await runNfcapd(dir, file, m.delayUs, RECV_BUFFER);
          list.push(r);
          log(`${m.name} rep ${rep + 1} ${target}: kept ${r.kept}/${flows} (${pct(r.kept / flows)}), sent in ${fmt(r.replay.sendMs)} ms, socket drops ${r.socketDrops}, cpu ${fmt(r.cpuMs)} ms, max RSS ${fmt(r.maxRssKb / 1024, 1)} MiB${r.drops && Object.keys(r.drops).length ? `, decoder drops ${JSON.stringify(r.drops)}` : ''}`);
        }
      }
      runs.set(m.name, list);
    }

    return report({ startedAt, loadAtStart, loadAtEnd: loadavg(), totalS: (performance.now() - t0) / 1000, traffic: { packets: traffic.packets.length, flows: traffic.flows }, exports, flows, streamDatagrams: stream.datagrams.length, perPacket, modes, runs, inproc, decodeOnly });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Results {
  startedAt: Date;
  loadAtStart: number[];
  loadAtEnd: number[];
  totalS: number;
  traffic: { packets: number; flows: number };
  exports: Map<ExportVersion, { records: number; packets: number }>;
  flows: number;
  streamDatagrams: number;
  perPacket: number;
  modes: Mode[];
  runs: Map<string, ReceiverRun[]>;
  inproc: Map<string, InprocRep[]>;
  decodeOnly: { flowsPerSecond: number; v5: number; v9: number; ipfix: number };
}

function report(r: Results): string {
  const rows: string[] = [];
  const verdicts: string[] = [];
  for (const m of r.modes) {
    const list = r.runs.get(m.name) ?? [];
    const offered = median(list.map((x) => (r.flows / x.replay.sendMs) * 1000));
    for (const target of ['collector', 'nfcapd'] as const) {
      const xs = list.filter((x) => x.target === target);
      const kept = xs.map((x) => x.kept / r.flows);
      const perCpu = xs.map((x) => (x.kept / x.cpuMs) * 1000);
      const label = target === 'collector' ? 'probe FlowCollector' : 'nfcapd 1.7.1';
      rows.push(`| ${m.name} | ${fmt(offered)} | ${label} | ${xs.map((x) => pct(x.kept / r.flows)).join(', ')} | ${fmt(median(xs.map((x) => x.socketDrops)))} | ${spread(xs.map((x) => x.cpuMs))} | ${spread(perCpu)} | ${spread(xs.map((x) => x.maxRssKb / 1024), 1)} |`);
      if (target === 'collector') verdicts.push(`${m.name}: collector kept ${pct(median(kept))} (median)`);
    }
    const ours = median(list.filter((x) => x.target === 'collector').map((x) => x.kept));
    const theirs = median(list.filter((x) => x.target === 'nfcapd').map((x) => x.kept));
    verdicts[verdicts.length - 1] += `, nfcapd ${pct(theirs / r.flows)}`;
    if (m.delayUs === 0) verdicts.push(`unpaced target (keep ≥ nfcapd's share in the same run): ${ours >= theirs ? 'met' : 'NOT met'}`);
    else if (m.name.includes('50,000')) verdicts.push(`no loss at ≈ 50,000 flows/s (offered ${fmt(offered)} flows/s): ${list.filter((x) => x.target === 'collector').every((x) => x.kept === r.flows) ? 'met' : 'NOT met'}`);
  }
  const inRows: string[] = [];
  let slowest = Infinity;
  for (const [name, reps] of r.inproc) {
    const warm = reps.slice(1); // rep 0 carries the JIT warm-up
    const rate = median(warm.map((x) => x.flowsPerSecond));
    slowest = Math.min(slowest, rate);
    const d = reps[0]!;
    inRows.push(`| ${name} | ${fmt(d.datagrams)} | ${fmt(d.decoded)} | ${fmt(d.aggregated)} | ${spread(warm.map((x) => x.flowsPerSecond))} | ${fmt(reps[0]!.flowsPerSecond)} | ${spread(warm.map((x) => x.decodeFlowsPerSecond))} | ${fmt(Math.max(...reps.map((x) => x.maxRssKb)) / 1024, 1)} |`);
  }
  const collectorRuns = [...r.runs.values()].flat().filter((x) => x.target === 'collector');
  const facts = [
    `nproc ${availableParallelism()}`,
    `${fmt(totalmem() / 2 ** 30)} GiB`,
    `kernel ${version(['uname', '-r'], /(\S+)/)}`,
    `softflowd ${version(['softflowd', '-h'], /softflowd version (\d+(?:\.\d+)*)/)}`,
    `nfcapd ${version(['nfcapd', '-V'], /Version: (\S+)/)}`,
    `node ${process.version}`,
    `net.core.rmem_max ${sysctl('net.core.rmem_max')}`,
    `net.core.rmem_default ${sysctl('net.core.rmem_default')}`,
    `date ${r.startedAt.toISOString()}`,
    `load average (1/5/15 min) at start ${r.loadAtStart.map((x) => fmt(x, 2)).join('/')}, at end ${r.loadAtEnd.map((x) => fmt(x, 2)).join('/')}`,
  ];
  return [
    '## NetFlow collector: nfreplay to the probe and to nfcapd',
    '',
    'Command: `npm run bench -- netflow` (standalone: `node_modules/.bin/tsx bench/netflow.ts`; needs softflowd, nfdump (nfcapd, nfreplay), taskset; everything on 127.0.0.1).',
    '',
    `Machine: ${facts.join(', ')}. Bench runtime ${fmt(r.totalS)} s.`,
    '',
    `Flow file: a generated pcap (${fmt(r.traffic.packets)} packets, ${fmt(r.traffic.flows)} conversations' directions between 198.18.0.0/15 and fd00:: addresses, 20 % IPv6) exported by ` +
      `softflowd -v 9 (${fmt(r.exports.get(9)!.records)} records in ${fmt(r.exports.get(9)!.packets)} packets; its default 8,192 tracked flows split a few long ones) into nfcapd: **${fmt(r.flows)} flows**. ` +
      `nfreplay -v 9 sends it as ${fmt(r.streamDatagrams)} datagrams (${fmt(r.perPacket, 1)} flows each). Both receivers ask for a ${RECV_BUFFER / 2 ** 20} MiB receive buffer (nfcapd \`-B\`, the collector's \`recvBufferBytes\` = NETFLOW_RECV_BUFFER); ` +
      `the kernel caps it at 2 × net.core.rmem_max: granted ${[...new Set(collectorRuns.map((x) => String(x.recvBuffer)))].join(', ')} bytes to the collector, ${[...new Set([...r.runs.values()].flat().filter((x) => x.target === 'nfcapd').map((x) => String(x.recvBuffer)))].join(', ')} to nfcapd.`,
    '',
    '### Decode + aggregate on one core, in-process (no socket)',
    '',
    `The collector's FlowDecoder + FlowAggregator (managed subnets set, top 100) over captured export datagrams, in a worker pinned with \`taskset -c ${RECEIVER_CORE}\`; ${INPROC_REPS} reps, a fresh decoder and aggregator each; the first rep (JIT warm-up) is shown apart. Each rep first decodes the datagrams alone (another fresh decoder), then decodes and aggregates them. ` +
      `nfreplay's v9 stream announces its template before every data record (one record per data set), softflowd's every 16 packets: the same flows cost more to decode from nfreplay.`,
    '',
    '| datagrams from | datagrams | flows decoded | flows aggregated | decode + aggregate flows/s, reps 2–5 median (min–max) | same, rep 1 | decoding alone flows/s, reps 2–5 | max RSS MiB |',
    '|---|---|---|---|---|---|---|---|',
    ...inRows,
    '',
    `Decoding only (bench/netflow-decode.ts \`decodeThroughput()\`, synthetic packets, same core): v5 ${fmt(r.decodeOnly.v5)}, v9 ${fmt(r.decodeOnly.v9)}, IPFIX ${fmt(r.decodeOnly.ipfix)} flows/s.`,
    '',
    `Target ≥ 150,000 flows/s decoded and aggregated on one core: slowest stream ${fmt(slowest)} flows/s → ${slowest >= 150_000 ? 'met' : 'NOT met'}.`,
    '',
    '### Socket-fed: nfreplay → the collector and → nfcapd',
    '',
    `${REPS} reps per pace, one receiver at a time (order alternating), each a fresh process pinned to core ${RECEIVER_CORE}; nfreplay pinned to core ${SENDER_CORE}. ` +
      'Kept = flows the collector decoded and aggregated (its items\' totals), or flows nfdump finds in nfcapd\'s file. Socket drops: the receiving socket\'s kernel drop counter (/proc/net/udp). ' +
      'CPU: the collector worker\'s process.cpuUsage() from bind to report (includes its final flush); nfcapd\'s utime + stime (/proc/<pid>/stat, all threads) from bind to the end of the replay. Max RSS: resourceUsage().maxRSS / VmHWM (whole process).',
    '',
    '| pace | offered flows/s (median) | receiver | kept per rep | socket drops (median) | CPU ms, median (min–max) | flows kept per CPU-second | max RSS MiB |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...verdicts.map((v) => `- ${v}`),
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchNetflow().then((md) => process.stdout.write(md), (err: unknown) => {
    process.stderr.write(`bench netflow failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
