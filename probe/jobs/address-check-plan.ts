/**
 * The pure parts of the `address-check` kind: which addresses a job may check, how the job's time is shared out,
 * what the neighbour table says of an address, and how the checks' findings become one outcome. No I/O, no clock.
 */
import { parseIp, type Family, type Ip } from '../../schema/ip/cidr.js';
import { ADDRESS_CHECKS, type AddressCheckJob, type AddressCheckName, type AddressCheckOutcome, type AddressSign } from '../../schema/kinds/address-check.js';
import { validDnsName } from '../../schema/kinds/names.js';
import type { AssignedSubnet } from '../../schema/protocol.js';
import { hostMac } from '../sweep/parse.js';
import { checkTarget } from './traceroute.js';
import { JobRefused } from './types.js';

/** Addresses checked at once (each: one ping, a connect per port, one PTR question). */
export const CHECK_PARALLEL = 16;
/** Kept back from the job's limit for the result to be built and sent. */
export const JOB_MARGIN_MS = 200;
/** Reading the neighbour table after the attempts. */
export const NEIGHBOUR_READ_MS = 300;
/** An address's attempts take no longer than this (ping -c 2 -i 0.2 -W 1 is done in ~1.2 s; ARP gives up after ~3 s). */
export const MAX_ATTEMPT_MS = 2_500;
/** Below this per address, the addresses are all checked at once rather than in rounds. */
export const MIN_ATTEMPT_MS = 600;

export interface CheckTarget {
  ip: string;
  family: Family;
}

/**
 * The job's addresses (canonical, each once, in order), or why the probe refuses the job: every address must be
 * inside the job's subnet, assigned to this probe (traceroute's rule), whatever the server checked.
 */
export function checkAddresses(job: Pick<AddressCheckJob, 'subnetId' | 'addresses'>, assigned: ReadonlyMap<number, AssignedSubnet>): CheckTarget[] | JobRefused {
  const out: CheckTarget[] = [];
  for (const target of job.addresses) {
    const checked = checkTarget({ subnetId: job.subnetId, target }, assigned);
    if (checked instanceof JobRefused) {
      return checked.code === 'target_outside_subnets' ? new JobRefused('target_outside_assignment', checked.message) : checked;
    }
    if (!out.some((t) => t.ip === checked.ip)) out.push(checked);
  }
  return out;
}

export interface CheckBudget {
  /** Addresses checked at once. */
  parallel: number;
  /** Each address's ping, connects and PTR question give up after this. */
  attemptMs: number;
  /** Then the neighbour table is read within this. */
  neighbourMs: number;
}

/**
 * Shares the job's limit out: addresses go in rounds of CHECK_PARALLEL, each round within its share of the limit.
 * When the shares would be too short for a ping's second echo, every address is checked in one round instead.
 */
export function checkBudget(count: number, timeoutMs: number): CheckBudget {
  const usable = Math.max(0, timeoutMs - JOB_MARGIN_MS);
  const neighbourMs = Math.min(NEIGHBOUR_READ_MS, Math.floor(usable / 4));
  const attemptFor = (parallel: number) => Math.min(MAX_ATTEMPT_MS, Math.floor(usable / Math.ceil(count / parallel)) - neighbourMs);
  const parallel = Math.max(1, Math.min(count, CHECK_PARALLEL));
  const attemptMs = attemptFor(parallel);
  if (attemptMs >= MIN_ATTEMPT_MS || parallel === count) return { parallel, attemptMs: Math.max(1, attemptMs), neighbourMs };
  return { parallel: count, attemptMs: Math.max(1, attemptFor(count)), neighbourMs };
}

/** ping's arguments for one address: two echoes 0.2 s apart, a second's wait for the last, no names. */
export const checkPingArgv = (ip: string, family: Family): string[] => ['-n', family === 6 ? '-6' : '-4', '-c', '2', '-i', '0.2', '-W', '1', ip];

/** How one ping run ended: its exit code and stderr, stopped (by its reply, the time limit or the probe), or it could not start. */
export type PingEnd = { code: number; stderr: string } | 'stopped' | { failed: string };

/**
 * What one ping run says: the reply's round trip, no sign (no reply: exit 1, or stopped before one), or that ICMP
 * could not be checked (ping exited with 2 or worse, e.g. "socket: Operation not permitted" or "Network is
 * unreachable", or never started) — an echo that was never sent is no evidence that the address is free.
 */
export function echoVerdict(replyMs: number | null, end: PingEnd): { rttMs: number | null } | { skipped: string } {
  if (replyMs !== null) return { rttMs: replyMs };
  if (end === 'stopped') return { rttMs: null };
  if ('failed' in end) return { skipped: end.failed };
  if (end.code === 0 || end.code === 1) return { rttMs: null };
  const said = end.stderr.split('\n').find((l) => l.trim())?.trim().slice(0, 200);
  return { skipped: `ping exited with ${end.code}${said ? `: ${said}` : ''}` };
}

/** Neighbour states that mean a device answered for the address lately. */
const LIVE_STATES = ['REACHABLE', 'STALE', 'DELAY'] as const;

export interface NeighbourEntry {
  mac: string;
  state: (typeof LIVE_STATES)[number];
}

/**
 * The live entry for `ip` in `ip -j neigh show` output (either family), or null: no entry, no link-layer address,
 * or a state that is no sign (INCOMPLETE, FAILED, PROBE, NOARP, PERMANENT: a static entry says nothing of a device).
 */
export function neighbourEntry(json: string, ip: string): NeighbourEntry | null {
  let rows: unknown;
  try {
    rows = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(rows)) return null;
  const wanted = parseIp(ip).text;
  for (const row of rows as Record<string, unknown>[]) {
    if (!row || typeof row.dst !== 'string' || typeof row.lladdr !== 'string') continue;
    let dst: string;
    try {
      dst = parseIp(row.dst).text;
    } catch {
      continue;
    }
    if (dst !== wanted) continue;
    const states = Array.isArray(row.state) ? row.state.map(String) : [];
    const state = LIVE_STATES.find((s) => states.includes(s));
    const mac = hostMac(row.lladdr);
    if (state && mac) return { mac, state };
  }
  return null;
}

/** Whether `ip` is on a segment one of the probe's interfaces sits on ("198.18.0.1/24" style addresses, host bits kept). */
export function onAttachedSegment(ip: Ip, interfaceAddresses: readonly string[]): boolean {
  for (const text of interfaceAddresses) {
    const [addr, prefixText] = text.split('/');
    const prefix = Number(prefixText);
    let own: Ip;
    try {
      own = parseIp(addr ?? '');
    } catch {
      continue;
    }
    const bits = own.family === 4 ? 32 : 128;
    // a /32 or /128 (point-to-point, or an address without a segment) has no neighbours to ask
    if (own.family !== ip.family || !Number.isInteger(prefix) || prefix < 0 || prefix >= bits) continue;
    const host = BigInt(bits - prefix);
    if (own.value >> host === ip.value >> host) return true;
  }
  return false;
}

/** What one TCP connect ended with: a sign (an answer of either kind), or null (timeout, unreachable, anything else). */
export function tcpSign(port: number, outcome: 'connected' | 'timeout' | { code: string | undefined }): AddressSign | null {
  if (outcome === 'connected') return { check: 'tcp', detail: `tcp/${port} open` };
  if (outcome !== 'timeout' && outcome.code === 'ECONNREFUSED') return { check: 'tcp', detail: `tcp/${port} refused` };
  return null;
}

/** What the checks of one address found. */
export interface Findings {
  /** The first echo reply's round trip, or null: none. */
  echoRttMs: number | null;
  neighbour: NeighbourEntry | null;
  /** TCP signs in port order. */
  tcp: AddressSign[];
  ptrName: string | null;
  skipped: AddressCheckName[];
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The outcome the result carries: every sign in check order, alive when there is any. */
export function outcomeOf(ip: string, f: Findings): AddressCheckOutcome {
  const signs: AddressSign[] = [];
  const rttMs = f.echoRttMs === null ? null : Math.min(60_000, round(Math.max(0, f.echoRttMs)));
  if (rttMs !== null) signs.push({ check: 'icmp', detail: `echo reply ${rttMs} ms` });
  if (f.neighbour) signs.push({ check: 'neighbour', detail: `lladdr ${f.neighbour.mac} ${f.neighbour.state}` });
  signs.push(...f.tcp);
  const ptrName = f.ptrName === null ? null : validDnsName(f.ptrName);
  if (ptrName) signs.push({ check: 'ptr', detail: `PTR ${ptrName}` });
  const skipped = ADDRESS_CHECKS.filter((c) => f.skipped.includes(c));
  return {
    ip,
    alive: signs.length > 0,
    signs,
    mac: f.neighbour?.mac ?? null,
    ptrName,
    rttMs,
    ...(skipped.length ? { skipped } : {}),
  };
}
