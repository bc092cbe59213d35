/**
 * Benchmark helper for bench/netflow.ts, started pinned to one core (`taskset -c 1`). Two modes, JSON lines on stdout:
 *
 *   node --import tsx bench/netflow-worker.ts socket --recv-buffer <bytes>
 *     The probe's FlowCollector on 127.0.0.1, a free port (the managed subnets below set). Prints {"port"} once
 *     bound, then on the stdin line "report" flushes every minute and prints what it decoded and aggregated, the CPU
 *     it used since it was bound, and its peak RSS; then stops.
 *
 *   node --import tsx bench/netflow-worker.ts inproc <datagrams file> --reps <n>
 *     The same decode + aggregate over datagrams read from a file (netflow-kit writeDatagrams), no socket: a fresh
 *     FlowDecoder and FlowAggregator per rep. Prints one line per rep.
 *
 *   node --import tsx bench/netflow-worker.ts decode
 *     bench/netflow-decode.ts's decodeThroughput() (decoding only, synthetic v5/v9/IPFIX packets) on this core.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { FlowsItem } from '../schema/kinds/flows.js';
import type { Logger } from '../schema/log.js';
import { FlowAggregator, type ManagedSubnet } from '../probe/netflow/aggregate.js';
import { FlowCollector } from '../probe/netflow/collector.js';
import { FlowDecoder } from '../probe/netflow/decoder.js';
import type { ExporterCounters } from '../probe/netflow/types.js';
import { collectorOptions, readDatagrams } from '../tests/net/netflow-kit.js';
import { decodeThroughput } from './netflow-decode.js';

/** The bench traffic's halves (tests/net/flow-traffic.ts hostAddress) as managed subnets: the matrix has work to do. */
const BENCH_SUBNETS: ManagedSubnet[] = [
  { id: 1, cidr: '198.18.0.0/17' },
  { id: 2, cidr: '198.18.128.0/17' },
  { id: 3, cidr: '198.19.0.0/17' },
  { id: 4, cidr: '198.19.128.0/17' },
  { id: 5, cidr: 'fd00::c:0/112' },
  { id: 6, cidr: 'fd00::5:0/112' },
];

const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sum = (cs: ExporterCounters[], f: (c: ExporterCounters) => number) => cs.reduce((s, c) => s + f(c), 0);

function drops(cs: ExporterCounters[]): Record<string, number> {
  const d: Record<string, number> = {};
  for (const c of cs) for (const [k, v] of Object.entries(c.drops)) d[k] = (d[k] ?? 0) + (v ?? 0);
  return d;
}

async function socket(recvBuffer: number): Promise<void> {
  let recvBufferGranted: unknown = null;
  const log: Logger = {
    info: (msg, f) => {
      if (msg === 'NetFlow collector listening') recvBufferGranted = f?.recvBuffer ?? null;
    },
    warn: (msg, f) => process.stderr.write(`${msg} ${JSON.stringify(f ?? {})}\n`),
    error: (msg, f) => process.stderr.write(`${msg} ${JSON.stringify(f ?? {})}\n`),
  };
  const collector = new FlowCollector(collectorOptions({ recvBufferBytes: recvBuffer }), log);
  collector.setSubnets(BENCH_SUBNETS);
  let aggregated = 0;
  let items = 0;
  collector.onItems((list: FlowsItem[]) => {
    items += list.length;
    for (const i of list) aggregated += i.totals.flows;
  });
  const { port } = await collector.start();
  const rssAtStart = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  out({ port, recvBufferGranted, rssAtStartKb: Math.round(rssAtStart / 1024) });
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => rl.on('line', (l) => l.trim() === 'report' && resolve()));
  rl.close();
  collector.flushAll();
  const cpu = process.cpuUsage(cpu0);
  const cs = collector.counters();
  const first = Math.min(...cs.map((c) => c.firstSeenMs));
  const last = Math.max(...cs.map((c) => c.lastSeenMs));
  out({
    packets: sum(cs, (c) => c.packets),
    decoded: sum(cs, (c) => c.flows),
    aggregated,
    items,
    drops: drops(cs),
    sequenceGaps: sum(cs, (c) => c.sequenceGaps),
    windowMs: cs.length ? last - first : 0,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    stats: collector.stats(),
  });
  await collector.stop();
}

function inproc(file: string, reps: number): void {
  const datagrams = readDatagrams(file);
  const from = { address: '127.0.0.1', port: 9995 };
  for (let rep = 0; rep < reps; rep++) {
    const now = Date.now();
    // decoding alone first (a fresh decoder), then decode + aggregate (fresh again): where the time goes
    const alone = new FlowDecoder();
    const d0 = performance.now();
    for (const d of datagrams) alone.decode(d, from, now);
    const decodeMs = performance.now() - d0;
    const decoder = new FlowDecoder();
    const aggregator = new FlowAggregator({ top: 100, subnets: BENCH_SUBNETS });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let decoded = 0;
    for (const d of datagrams) {
      const flows = decoder.decode(d, from, now);
      decoded += flows.length;
      for (let i = 0; i < flows.length; i++) aggregator.add(flows[i]!, now);
    }
    const items = aggregator.flush(Infinity, decoder.counters());
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    out({
      rep,
      datagrams: datagrams.length,
      decoded,
      aggregated: items.reduce((s, i) => s + i.totals.flows, 0),
      drops: drops(decoder.counters()),
      ms,
      decodeMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      flowsPerSecond: (decoded / ms) * 1000,
      decodeFlowsPerSecond: (decoded / decodeMs) * 1000,
      maxRssKb: process.resourceUsage().maxRSS,
    });
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'recv-buffer': { type: 'string' }, reps: { type: 'string' } } });
  const [mode, file] = positionals;
  if (mode === 'socket') await socket(Number(values['recv-buffer'] ?? 16 * 1024 * 1024));
  else if (mode === 'inproc' && file) inproc(file, Number(values.reps ?? 5));
  else if (mode === 'decode') out(await decodeThroughput());
  else throw new Error('usage: netflow-worker.ts socket --recv-buffer <bytes> | inproc <datagrams file> --reps <n> | decode');
}

main().catch((e: unknown) => {
  process.stderr.write(`netflow-worker: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
