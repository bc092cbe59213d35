/**
 * How fast the NetFlow decoder (probe/netflow/decoder.ts) turns export packets into flow records on one core:
 * v5 (30 flows a packet), v9 with softflowd's IPv4 template (28 a packet) and IPFIX with absolute millisecond
 * times and 8-byte counters (30 a packet), 2,000 distinct packets each built once, decoded round-robin for
 * about a second per version after half a second of warm-up. Decoding only: no socket, no aggregation.
 * `npx tsx -e "import('./bench/netflow-decode.ts').then(async (m) => console.log(await m.decodeThroughput()))"`
 */
import { FlowDecoder } from '../probe/netflow/decoder.js';
import { buildIpfix, buildV5, buildV9, IPFIX_IPV4_MS, type TestFlow, V9_IPV4 } from '../probe/netflow/test-packets.js';

const PACKETS = 2_000;
const SECS = 1_700_000_000;

function flowsOf(packet: number, n: number): TestFlow[] {
  return Array.from({ length: n }, (_, i) => {
    const k = packet * n + i;
    return {
      src: `198.18.${(k >> 8) & 255}.${k & 255}`,
      dst: `198.19.${(k >> 12) & 255}.${(k * 7) & 255}`,
      srcPort: 1024 + (k % 60_000),
      dstPort: [53, 80, 443, 22][k % 4]!,
      protocol: k % 5 === 0 ? 6 : 17,
      bytes: 64 + (k % 1400),
      packets: 1 + (k % 20),
      first: 100_000 + i,
      last: 100_500 + i,
      startMs: SECS * 1000 - 5000 + i,
      endMs: SECS * 1000 - 100 + i,
    };
  });
}

export interface DecodeThroughput {
  /** The slowest of the three versions, flows per second (wall clock). */
  flowsPerSecond: number;
  /** The same per second of this process's CPU time (steadier on a busy machine; includes the GC's threads). */
  flowsPerCpuSecond: number;
  v5: number;
  v9: number;
  ipfix: number;
  /** Flows decoded in the timed runs, all versions. */
  flows: number;
}

/** Decodes the packets round-robin: half a second of warm-up (the JIT), then about a second timed. */
function run(packets: Uint8Array[], flowsPerPacket: number, prime?: Uint8Array): { rate: number; cpuRate: number; flows: number } {
  const dec = new FlowDecoder();
  const from = { address: '198.18.255.1', port: 40_000 };
  let now = Date.now();
  if (prime) dec.decode(prime, from, now);
  const round = (): number => {
    let n = 0;
    for (let i = 0; i < packets.length; i++) n += dec.decode(packets[i]!, from, now).length;
    now += 1;
    return n;
  };
  const warm = performance.now();
  while (performance.now() - warm < 500) round();
  let flows = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < 1000) {
    flows += round();
    elapsed = performance.now() - t0;
  }
  if (flows === 0 || flows % flowsPerPacket !== 0) throw new Error('the bench packets did not decode');
  const cpu = process.cpuUsage(cpu0);
  return { rate: Math.round((flows / elapsed) * 1000), cpuRate: Math.round(flows / ((cpu.user + cpu.system) / 1e6)), flows };
}

export async function decodeThroughput(): Promise<DecodeThroughput> {
  const v5 = Array.from({ length: PACKETS }, (_, p) => buildV5({ sysUptime: 101_000, unixSecs: SECS, sequence: p * 30 }, flowsOf(p, 30)));
  const v9Template = buildV9({ sysUptime: 101_000, unixSecs: SECS }, [{ kind: 'templates', templates: [V9_IPV4] }]);
  const v9 = Array.from({ length: PACKETS }, (_, p) =>
    buildV9({ sysUptime: 101_000, unixSecs: SECS, sequence: p + 1 }, [{ kind: 'data', template: V9_IPV4, flows: flowsOf(p, 28) }]),
  );
  const ipfixTemplate = buildIpfix({ exportSecs: SECS }, [{ kind: 'templates', templates: [IPFIX_IPV4_MS] }]);
  const ipfix = Array.from({ length: PACKETS }, (_, p) =>
    buildIpfix({ exportSecs: SECS, sequence: p * 30 }, [{ kind: 'data', template: IPFIX_IPV4_MS, flows: flowsOf(p, 30) }]),
  );
  const r5 = run(v5, 30);
  const r9 = run(v9, 28, v9Template);
  const rIpfix = run(ipfix, 30, ipfixTemplate);
  return {
    flowsPerSecond: Math.min(r5.rate, r9.rate, rIpfix.rate),
    flowsPerCpuSecond: Math.min(r5.cpuRate, r9.cpuRate, rIpfix.cpuRate),
    v5: r5.rate, v9: r9.rate, ipfix: rIpfix.rate, flows: r5.flows + r9.flows + rIpfix.flows };
}
