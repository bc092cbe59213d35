/** Traffic tests' pure parts: the bandwidth text, the target probe's address, the pair key, the view and the state a job status makes. */
import ipaddr from 'ipaddr.js';
import { MAX_TRAFFIC_BANDWIDTH_BPS, MAX_TRAFFIC_SECONDS, TRAFFIC_CONNECT_WAIT_MS, type TrafficResult } from '../../schema/kinds/traffic.js';
import type { ProbeNetwork, ProbeJobState } from '../../schema/protocol.js';
import type { TrafficTestRow, TrafficTestState } from '../../schema/tables/traffic.js';

/** iperf3's `-b` floor (the wire's bound). */
export const MIN_TRAFFIC_BANDWIDTH_BPS = 1_000;
/** How long past its duration a test may go without its result before it reads as failed `timeout`. */
export const TRAFFIC_EXPIRY_GRACE_MS = 60_000;

// iperf3's rates are decimal: 1K = 1000 bits/s (unit_atof_rate)
const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

/** "50M", "1.5G", "800K", "2000000" or a number, in bits per second; null when it is not a rate within the bounds. */
export function parseBandwidth(input: string | number): number | null {
  let bps: number;
  if (typeof input === 'number') bps = input;
  else {
    const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?)(?:bit\/s|bps|b)?\s*$/i.exec(input);
    if (!m) return null;
    bps = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  }
  if (!Number.isFinite(bps)) return null;
  const rounded = Math.round(bps);
  return rounded >= MIN_TRAFFIC_BANDWIDTH_BPS && rounded <= MAX_TRAFFIC_BANDWIDTH_BPS ? rounded : null;
}

type Network = Pick<ProbeNetwork, 'interfaces'> | null | undefined;

interface IfAddress {
  ip: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
  text: string;
}

function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const ip = ipaddr.parse(text);
    return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
  } catch {
    return null;
  }
}

/** An interface's addresses ("198.18.0.2/30") as parsed values; what does not parse is left out. */
function addressesOf(network: Network): IfAddress[] {
  const out: IfAddress[] = [];
  for (const i of network?.interfaces ?? []) {
    for (const a of i.addresses) {
      const [text = '', len] = a.split('/');
      const ip = parseIp(text);
      if (!ip) continue;
      const max = ip.kind() === 'ipv4' ? 32 : 128;
      const prefix = len === undefined ? max : Number(len);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) continue;
      out.push({ ip, prefix, text: ip.toString() });
    }
  }
  return out;
}

/** Neither loopback, link-local, unspecified nor multicast: an address another probe can connect to. */
const usable = (a: IfAddress) => !['loopback', 'linkLocal', 'unspecified', 'multicast', 'broadcast'].includes(a.ip.range());

const sharesPrefix = (target: IfAddress, source: IfAddress) =>
  target.ip.kind() === source.ip.kind() && source.prefix > 0 && target.ip.match(source.ip as never, source.prefix);

export type AddressPick = { address: string } | { error: 'no_probe_address' | 'not_an_address_of_probe' };

/**
 * The target probe's address the client connects to: `toAddress` when it is one of the target's; else one of its
 * usable addresses in a prefix shared with one of the source's (same family); else its first usable address.
 */
export function pickProbeAddress(fromNetwork: Network, toNetwork: Network, toAddress?: string): AddressPick {
  const targets = addressesOf(toNetwork);
  if (toAddress !== undefined) {
    const wanted = parseIp(toAddress)?.toString();
    const found = targets.find((t) => t.text === wanted);
    return found ? { address: found.text } : { error: 'not_an_address_of_probe' };
  }
  const candidates = targets.filter(usable);
  const sources = addressesOf(fromNetwork).filter(usable);
  const shared = candidates.find((t) => sources.some((s) => sharesPrefix(t, s)));
  const pick = shared ?? candidates[0];
  return pick ? { address: pick.text } : { error: 'no_probe_address' };
}

/** The key a pair's history is grouped by: `p<from>-p<to>` between probes, `p<from>-a<address>` to an address. */
export const pairKey = (fromProbeId: number, to: { probeId: number } | { address: string }) =>
  'probeId' in to ? `p${fromProbeId}-p${to.probeId}` : `p${fromProbeId}-a${to.address}`;

/** The jobs' time limits: the listener waits for the client's connect wait and the run; the client for its run. */
export function trafficTimeouts(durationSeconds: number) {
  const runMs = Math.min(durationSeconds, MAX_TRAFFIC_SECONDS) * 1000;
  return {
    serverTimeoutMs: runMs + TRAFFIC_CONNECT_WAIT_MS + 45_000,
    clientTimeoutMs: runMs + TRAFFIC_CONNECT_WAIT_MS + 30_000,
    expiresInMs: runMs + TRAFFIC_EXPIRY_GRACE_MS,
  };
}

export interface TrafficTestView {
  id: string;
  pair: string;
  from: { probeId: number | null; name: string };
  to: { probeId: number | null; name: string | null; address: string };
  port: number;
  protocol: 'tcp' | 'udp';
  durationSeconds: number;
  bandwidthBps: number | null;
  parallel: number;
  reverse: boolean;
  state: TrafficTestState;
  failedStep: 'server' | 'client' | null;
  code: string | null;
  error: string | null;
  serverState: string | null;
  clientState: string | null;
  sentBps: number | null;
  receivedBps: number | null;
  retransmits: number | null;
  jitterMs: number | null;
  lostPackets: number | null;
  packets: number | null;
  lossPercent: number | null;
  cpuLocalPercent: number | null;
  cpuRemotePercent: number | null;
  requestedBy: string | null;
  /** The schedule that started the test; null: a user asked for it. */
  scheduleId: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
export type TrafficTestDetail = TrafficTestView & { intervals: number[]; raw: string | null };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** What a test row reads as at `now`: a test still running past its expiry never got its result, it failed `timeout`. */
export function trafficTestView(r: TrafficTestRow, now: number): TrafficTestView {
  const expired = r.state === 'running' && r.expiresAt.getTime() <= now;
  return {
    id: r.id,
    pair: r.pair,
    from: { probeId: r.fromProbeId, name: r.fromProbeName },
    to: { probeId: r.toProbeId, name: r.toProbeName, address: r.toAddress },
    port: r.port,
    protocol: r.protocol,
    durationSeconds: r.durationSeconds,
    bandwidthBps: r.bandwidthBps,
    parallel: r.parallel,
    reverse: r.reverse,
    state: expired ? 'failed' : r.state,
    failedStep: expired ? (r.startedAt ? 'client' : 'server') : r.failedStep,
    code: expired ? 'timeout' : r.code,
    error: expired ? 'no result came before the test’s time limit' : r.error,
    serverState: r.serverState,
    clientState: r.clientState,
    sentBps: r.sentBps,
    receivedBps: r.receivedBps,
    retransmits: r.retransmits,
    jitterMs: r.jitterMs,
    lostPackets: r.lostPackets,
    packets: r.packets,
    lossPercent: r.lossPercent,
    cpuLocalPercent: r.cpuLocalPercent,
    cpuRemotePercent: r.cpuRemotePercent,
    requestedBy: r.requestedByName,
    scheduleId: r.scheduleId,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(expired ? r.expiresAt : r.finishedAt),
  };
}

export const trafficTestDetail = (r: TrafficTestRow, now: number): TrafficTestDetail => ({
  ...trafficTestView(r, now),
  intervals: (r.result as TrafficResult | null)?.intervals ?? [],
  raw: (r.result as TrafficResult | null)?.raw ?? null,
});

export type TrafficSide = 'server' | 'client';

export interface TrafficStatusChange {
  serverState?: string;
  clientState?: string;
  state?: 'failed';
  failedStep?: TrafficSide;
  code?: string;
  error?: string | null;
  startedAt?: number;
  expiresAt?: number;
  finishedAt?: number;
}

/**
 * What a probe's report on one side of a test changes. The side's state is always recorded; a failure ends a
 * running test with that side's code (a test already ended keeps its cause: a server that failed first stays the
 * cause when the client then fails to connect). The client's `started` starts the clock and moves the expiry.
 */
export function trafficStatusChange(
  test: { state: TrafficTestState; durationSeconds: number },
  side: TrafficSide,
  s: { state: ProbeJobState; code?: string; error?: string },
  now: number,
): TrafficStatusChange {
  const change: TrafficStatusChange = side === 'server' ? { serverState: s.state } : { clientState: s.state };
  if (test.state !== 'running') return change;
  if (side === 'client' && s.state === 'started') {
    change.startedAt = now;
    change.expiresAt = now + trafficTimeouts(test.durationSeconds).expiresInMs;
  }
  if (s.state === 'failed' || s.state === 'unsupported') {
    Object.assign(change, {
      state: 'failed',
      failedStep: side,
      code: s.code ?? (s.state === 'unsupported' ? 'unsupported_by_probe' : 'failed'),
      error: s.error?.slice(0, 2000) ?? null,
      finishedAt: now,
    });
  }
  return change;
}
