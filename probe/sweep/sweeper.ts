import { networkInterfaces } from 'node:os';
import pLimit from 'p-limit';
import { contains, parseCidr, parseIp, splitCidr, usableRange, usableAddresses, type Cidr } from '../../schema/ip/cidr.js';
import type { AssignedSubnet, SweepResult } from '../../schema/protocol.js';
import { withMacs, withoutMacs } from '../identity/macs.js';
import { ouiTableReady, vendorOf } from '../identity/oui.js';
import { parseNeighbourJson, parseNeighbours, parseNmapHosts, parsePingReplies, type Answer, type Neighbour } from './parse.js';
import { pingOnce, run } from './runners.js';

export type SweepEngine = 'auto' | 'ping' | 'nmap';

/**
 * Blocks with more usable addresses go to nmap under the `auto` engine. docs/BENCHMARKS.md: on a /24,
 * one `ping` per address took ~5 s and ~6 CPU-s; nmap -sn took 0.24 s and 0.07 CPU-s, finding the same hosts.
 */
export const DEFAULT_NMAP_ABOVE = 64;

export interface SweeperOptions {
  pingWorkers: number;
  pingTimeoutMs: number;
  maxSweepAddresses: number;
  engine: SweepEngine;
  /** With engine "auto", blocks with more usable addresses than this are swept by nmap. */
  nmapAbove: number;
  /** Attach MACs (nmap's ARP/ND answers, then the neighbour table) and their vendors to the answers (default on). */
  macCollection?: boolean;
}

/** nmap runs over pieces of at most a /22, up to NMAP_PARALLEL at once (the same packet count, sent faster). */
const NMAP_PIECE_PREFIX = 22;
const NMAP_PARALLEL = 4;

/** Called as a sweep goes: addresses probed so far, addresses in the sweep. Raw: the caller throttles. */
export type SweepProgress = (done: number, total: number) => void;

/** A counter that reports to `progress` as addresses are probed. */
function progressCounter(total: number, progress: SweepProgress) {
  let done = 0;
  return (n = 1) => progress((done += n), total);
}

export class SweepTooLargeError extends Error {
  readonly code = 'sweep_too_large';
}

/** Sweeps subnets with real tools. One shared ping limiter caps concurrent pings across all subnets. */
export class Sweeper {
  private readonly limit;
  private readonly nmapLimit = pLimit(NMAP_PARALLEL);

  constructor(private readonly opts: SweeperOptions) {
    this.limit = pLimit(opts.pingWorkers);
  }

  update(opts: Partial<SweeperOptions>) {
    Object.assign(this.opts, opts);
  }

  async sweep(subnet: AssignedSubnet, now: () => number, progress: SweepProgress = () => {}): Promise<SweepResult> {
    const cidr = parseCidr(subnet.cidr);
    const at = now();
    const started = performance.now();
    const partial =
      cidr.family === 6 ? await this.sweepV6(cidr, subnet.knownHosts, progress) : { complete: true, up: await this.sweepV4(cidr, progress), down: [] };
    const durationMs = Math.round(performance.now() - started);
    // read after the sweep: its own ARP/ND traffic has just filled the table, so no packet is added for MACs. The
    // first MAC in a process loads the OUI table (~250 ms, 24 MB), outside durationMs
    if (this.opts.macCollection !== false) await ouiTableReady();
    const up = this.opts.macCollection !== false ? withMacs(partial.up, await neighbours(cidr), vendorOf) : withoutMacs(partial.up);
    return { subnetId: subnet.id, at, durationMs, ...partial, up };
  }

  private async sweepV4(cidr: Cidr, progress: SweepProgress): Promise<Answer[]> {
    const { first, last } = usableRange(cidr);
    const count = Number(last - first + 1n);
    if (count > this.opts.maxSweepAddresses)
      throw new SweepTooLargeError(`${cidr.cidr} has ${count} addresses; this probe sweeps at most ${this.opts.maxSweepAddresses} (MAX_SWEEP_ADDRESSES)`);
    const useNmap = this.opts.engine === 'nmap' || (this.opts.engine === 'auto' && count > this.opts.nmapAbove && nmapCanPing());
    const tick = progressCounter(count, progress);
    return useNmap ? this.nmapSweep(cidr, tick) : this.pingAll([...usableAddresses(cidr)], tick);
  }

  private async pingAll(ips: string[], tick?: () => void): Promise<Answer[]> {
    const pingOne = async (ip: string) => {
      const answer = { ip, ...(await pingOnce(ip, this.opts.pingTimeoutMs)) };
      tick?.();
      return answer;
    };
    const results = await Promise.all(ips.map((ip) => this.limit(() => pingOne(ip))));
    return results.filter((r) => r.alive).map(({ ip, latencyMs }) => ({ ip, latencyMs }));
  }

  private async nmapSweep(cidr: Cidr, tick: (n: number) => void): Promise<Answer[]> {
    const { first, last } = usableRange(cidr);
    // nmap at a fixed rate is bound by its send and timeout rounds, not CPU: /22 pieces run side by side
    // take 0.8 s for a /20 instead of 1.9 s as one run (docs/BENCHMARKS.md)
    const pieces = splitCidr(cidr, NMAP_PIECE_PREFIX);
    // nmap reports our own addresses without a round-trip time; ping them meanwhile, off the critical path
    const own = this.pingAll(localAddresses(cidr));
    const sweepPiece = async (piece: Cidr) => {
      const answers = await nmapPing(piece);
      tick(usableIn(piece, first, last));
      return answers;
    };
    const results = await Promise.all(pieces.map((piece) => this.nmapLimit(() => sweepPiece(piece))));
    const ownLatency = new Map((await own).map((a) => [a.ip, a.latencyMs]));
    return results
      .flat()
      .filter((a) => {
        const v = parseIp(a.ip).value;
        return v >= first && v <= last;
      })
      .map((a) => (a.latencyMs === null ? { ip: a.ip, latencyMs: ownLatency.get(a.ip) ?? null } : a));
  }

  /**
   * A /64 cannot be swept. Ping what the IPAM knows, and on attached segments ask all nodes
   * (ff02::1, from our global address so they answer from theirs) and read the neighbour table.
   */
  private async sweepV6(cidr: Cidr, known: string[], progress: SweepProgress): Promise<Omit<SweepResult, 'subnetId' | 'at' | 'durationMs'>> {
    const candidates = new Set(known.map((k) => parseIp(k).text));
    const found = new Map<string, number | null>();
    const link = attachedInterface(cidr);
    if (link) {
      const mc = await run('ping', ['-6', '-n', '-c', '2', '-i', '0.3', '-w', '2', '-I', link.address, `ff02::1%${link.name}`], 10_000);
      for (const a of parsePingReplies(mc.stdout)) if (inBlock(cidr, a.ip) && a.ip !== link.address) found.set(parseIp(a.ip).text, a.latencyMs);
      const neigh = await run('ip', ['-6', 'neigh', 'show', 'dev', link.name], 5_000);
      for (const ip of parseNeighbours(neigh.stdout)) if (inBlock(cidr, ip) && ip !== link.address) candidates.add(parseIp(ip).text);
    }
    const toPing = [...candidates].filter((ip) => !found.has(ip));
    const tick = progressCounter(found.size + toPing.length, progress);
    if (found.size) tick(found.size);
    for (const a of await this.pingAll(toPing, tick)) found.set(a.ip, a.latencyMs);
    return {
      complete: false,
      up: [...found].map(([ip, latencyMs]) => ({ ip, latencyMs })),
      down: [...candidates].filter((ip) => !found.has(ip)),
    };
  }
}

/** Without raw sockets nmap -sn falls back to TCP connects and misses hosts; then ping is the better engine. */
function nmapCanPing(): boolean {
  return process.getuid?.() === 0 || process.env.NMAP_PRIVILEGED === '1';
}

/** One `nmap -sn` run over a block: ARP on an attached segment, ICMP/TCP pings beyond it. */
async function nmapPing(piece: Cidr): Promise<Answer[]> {
  const args = ['-sn', '-n', '-oX', '-', '-T5', '--min-rate', '5000', '--max-retries', '1', piece.cidr];
  const res = await run('nmap', args, 60_000 + Number(piece.last - piece.first) * 20);
  if (res.code !== 0) throw new Error(`nmap failed (${res.code}): ${res.stderr.trim().slice(0, 300)}`);
  return parseNmapHosts(res.stdout);
}

/** The probe's neighbour table entries inside the block (none when `ip` is missing or fails). */
async function neighbours(cidr: Cidr): Promise<Neighbour[]> {
  try {
    const res = await run('ip', ['-j', `-${cidr.family}`, 'neigh', 'show'], 5_000);
    return res.code === 0 ? parseNeighbourJson(res.stdout).filter((n) => inBlock(cidr, n.ip)) : [];
  } catch {
    return [];
  }
}

/** How many addresses of `piece` fall inside [first, last] (a piece's network and broadcast ends may not). */
export function usableIn(piece: Cidr, first: bigint, last: bigint): number {
  const lo = piece.first > first ? piece.first : first;
  const hi = piece.last < last ? piece.last : last;
  return hi >= lo ? Number(hi - lo + 1n) : 0;
}

function inBlock(cidr: Cidr, text: string): boolean {
  try {
    return contains(cidr, parseIp(text));
  } catch {
    return false;
  }
}

/** This machine's addresses inside the block. */
function localAddresses(cidr: Cidr): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addrs) => addrs ?? [])
    .filter((a) => inBlock(cidr, a.address))
    .map((a) => parseIp(a.address).text);
}

/** The local interface with an address inside the block, if the probe sits on that segment. */
function attachedInterface(cidr: Cidr): { name: string; address: string } | null {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv6' && !a.internal && inBlock(cidr, a.address)) return { name, address: parseIp(a.address).text };
    }
  }
  return null;
}

