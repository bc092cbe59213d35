/**
 * Deterministic generated traffic for the NetFlow suites and bench: conversations between test addresses
 * (198.18.0.0/15, fd00::/8) over TCP, UDP and ICMP, and what a flow meter must report for them. Pure.
 *
 * Expected flows follow what every flow meter (softflowd, nfdump's nfpcapd, routers) does without timeouts:
 * one flow per direction of a 5-tuple, ICMP keyed by type/code in place of ports (so echo requests from one
 * address to another are one flow, their replies another).
 */
import { ipLength, PROTO, TCP_FLAGS, type PacketSpec } from './pcap.js';

export interface Volume { flows: number; bytes: number; packets: number }
/** Keyed by `${src} ${dst}` (canonical addresses). */
export type PairTotals = Map<string, Volume>;

export interface TrafficOptions {
  seed: number;
  conversations: number;
  /** Share of conversations over IPv6, 0..1. */
  v6Share: number;
  /** First packet (ms since the epoch). */
  startMs: number;
  /** Conversations start within [startMs, startMs + spanMs). */
  spanMs: number;
  /** Addresses on each side per family (clients and servers); pairs repeat when conversations exceed them. */
  hostsPerSide: number;
  /** Packets per direction at most (at least 1 one way). */
  maxPackets: number;
  /** Payload bytes at most. */
  maxPayload: number;
  /** Longest conversation, ms. */
  maxDurationMs: number;
}

export const DEFAULT_TRAFFIC: TrafficOptions = {
  seed: 1,
  conversations: 60,
  v6Share: 0.3,
  startMs: 0,
  spanMs: 150_000,
  hostsPerSide: 4,
  maxPackets: 12,
  maxPayload: 1400,
  maxDurationMs: 20_000,
};

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Host `n` (0-based) of a side: v4 clients 198.18.0.x / servers 198.18.1.x (beyond 254: the next /24s of 198.18/198.19). */
export function hostAddress(family: 4 | 6, side: 'client' | 'server', n: number): string {
  if (family === 6) return `fd00::${side === 'client' ? 'c' : '5'}:${(n + 1).toString(16)}`;
  if (n >= 256 * 254) throw new Error(`flow-traffic: host ${n} would leave 198.18.0.0/15`);
  const base = side === 'client' ? 0 : 128; // clients 198.18.0-127.x, servers 198.18.128-255.x, then 198.19
  const block = Math.floor(n / 254);
  const third = (base + (block % 128)) + Math.floor(block / 128) * 256;
  return `198.${18 + Math.floor(third / 256)}.${third % 256}.${(n % 254) + 1}`;
}

/** The flow key a meter uses for one packet: direction + protocol + ports (ICMP: 0 and type << 8 | code). */
export function flowKey(p: PacketSpec): string {
  const icmp = p.protocol === PROTO.icmp || p.protocol === PROTO.icmpv6;
  return icmp ? `${p.protocol}|${p.src}|${p.dst}|0|${p.flags ?? 0}` : `${p.protocol}|${p.src}|${p.dst}|${p.srcPort}|${p.dstPort}`;
}

export const pairKey = (src: string, dst: string) => `${src} ${dst}`;

/** Per src → dst pair: flows (distinct flow keys), bytes (IP lengths) and packets. */
export function expectedPairs(packets: readonly PacketSpec[]): PairTotals {
  const keys = new Set<string>();
  const out: PairTotals = new Map();
  for (const p of packets) {
    const k = pairKey(p.src, p.dst);
    let v = out.get(k);
    if (!v) out.set(k, (v = { flows: 0, bytes: 0, packets: 0 }));
    const fk = flowKey(p);
    if (!keys.has(fk)) {
      keys.add(fk);
      v.flows++;
    }
    v.bytes += ipLength(p);
    v.packets++;
  }
  return out;
}

export interface Traffic {
  /** In capture order (by time). */
  packets: PacketSpec[];
  /** Distinct flow keys: the flow records a meter exports. */
  flows: number;
  lastMs: number;
}

/** Generates the conversations' packets, sorted by time. */
export function generateTraffic(partial: Partial<TrafficOptions> = {}): Traffic {
  const o = { ...DEFAULT_TRAFFIC, ...partial };
  const rand = prng(o.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const packets: PacketSpec[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < o.conversations; i++) {
    const family: 4 | 6 = rand() < o.v6Share ? 6 : 4;
    const client = hostAddress(family, 'client', int(0, o.hostsPerSide - 1));
    const server = hostAddress(family, 'server', int(0, o.hostsPerSide - 1));
    // a quarter of the conversations start at the "server" side, so both directions of a pair carry flows
    const [a, b] = rand() < 0.25 ? [server, client] : [client, server];
    const r = rand();
    const protocol = r < 0.5 ? PROTO.tcp : r < 0.85 ? PROTO.udp : family === 4 ? PROTO.icmp : PROTO.icmpv6;
    // unique client port per conversation: no two conversations share a 5-tuple (65536 ports × 2 protocols)
    const aPort = protocol === PROTO.tcp || protocol === PROTO.udp ? 1024 + (i % 64_000) : 0;
    const bPort = protocol === PROTO.tcp ? [22, 80, 443, 3306][int(0, 3)]! : protocol === PROTO.udp ? [53, 123, 514, 5060][int(0, 3)]! : 0;
    const out = int(1, o.maxPackets);
    const back = protocol === PROTO.udp && rand() < 0.3 ? 0 : int(1, o.maxPackets);
    const start = o.startMs + rand() * o.spanMs;
    const duration = rand() * o.maxDurationMs;
    const total = out + back;
    const dirs = [...Array<boolean>(out).fill(true), ...Array<boolean>(back).fill(false)];
    // shuffle the directions after the first packet (always a → b)
    for (let k = dirs.length - 1; k > 1; k--) {
      const j = 1 + Math.floor(rand() * k);
      [dirs[k], dirs[j]] = [dirs[j]!, dirs[k]!];
    }
    let sentOut = 0;
    let sentBack = 0;
    for (let k = 0; k < total; k++) {
      const fwd = dirs[k]!;
      const t = total === 1 ? start : start + (duration * k) / (total - 1);
      let flags: number | undefined;
      if (protocol === PROTO.tcp) {
        const first = fwd ? sentOut === 0 : sentBack === 0;
        const last = fwd ? sentOut === out - 1 : sentBack === back - 1;
        flags = first ? (fwd ? TCP_FLAGS.syn : TCP_FLAGS.syn | TCP_FLAGS.ack) : last ? TCP_FLAGS.fin | TCP_FLAGS.ack : TCP_FLAGS.ack | (rand() < 0.5 ? TCP_FLAGS.psh : 0);
      } else if (protocol === PROTO.icmp) flags = fwd ? 0x0800 : 0x0000;
      else if (protocol === PROTO.icmpv6) flags = fwd ? 0x8000 : 0x8100;
      const p: PacketSpec = {
        tsUs: Math.round(t * 1000),
        src: fwd ? a : b,
        dst: fwd ? b : a,
        protocol,
        srcPort: protocol === PROTO.tcp || protocol === PROTO.udp ? (fwd ? aPort : bPort) : i & 0xffff,
        dstPort: protocol === PROTO.tcp || protocol === PROTO.udp ? (fwd ? bPort : aPort) : (fwd ? sentOut : sentBack) & 0xffff,
        payload: protocol === PROTO.tcp && flags !== undefined && flags & TCP_FLAGS.syn ? 0 : int(0, o.maxPayload),
        flags,
      };
      keys.add(flowKey(p));
      packets.push(p);
      if (fwd) sentOut++;
      else sentBack++;
    }
  }
  packets.sort((x, y) => x.tsUs - y.tsUs);
  return { packets, flows: keys.size, lastMs: packets.length ? packets[packets.length - 1]!.tsUs / 1000 : o.startMs };
}
