/**
 * A verified allocation (POST /api/subnets/{id}/allocate), the decisions without I/O: which addresses are tried and
 * in which order, how many one round claims, what makes a checked address taken, what a discovered host's record
 * says, how long claims and the probe's job last, and the answer. Expiry of reservations too (`expiryAction`).
 */
import { canonicalIp, formatIp, parseCidr } from '../../schema/ip/cidr.js';
import { MAX_CHECK_ADDRESSES, MAX_CHECK_TIMEOUT_MS, MIN_CHECK_TIMEOUT_MS, type AddressCheckName, type AddressCheckOutcome, type AddressSign } from '../../schema/kinds/address-check.js';
import { canonicalName, validDnsName } from '../../schema/kinds/names.js';
import { isHostMac, normaliseMac } from '../../schema/mac.js';

/** Addresses one request may ask for. */
export const MAX_ALLOCATE_COUNT = MAX_CHECK_ADDRESSES;
/** Rounds of claim → check → sort one request runs before it gives up (each round tries the addresses after those it skipped). */
export const MAX_ROUNDS = 4;
/** Times one round reads candidates again when other allocations claimed all of the ones it read. */
export const CLAIM_ATTEMPTS = 4;
/** Candidates read beyond what a round claims, for requests at once to take different ones from the same read. */
export const CLAIM_SPREAD = 64;
/** After the probe's own limit, for its result to be spooled, sent and stored. */
const PROBE_RESULT_SLACK_MS = 2_000;
/** A claim outlives its request by this much at most (a request that died leaves it stale, and it is ignored then). */
const CLAIM_SLACK_MS = 30_000;

/** The hint a previously used address carries: the record kept for history. */
export interface PreviousUse {
  hostId: number;
  lastSeenAt: string;
  hostname: string | null;
  mac: string | null;
}

/** An address that may be handed out: never used (no host record), or previously used (its record, not reserved). */
export interface Candidate {
  ip: string;
  ipKey: string;
  previouslyUsed: PreviousUse | null;
}

/**
 * Addresses of a subnet that are never handed out: its gateway, and in IPv6 the Subnet-Router anycast address (the
 * prefix with an all-zero interface id, RFC 4291 §2.6.1) of any prefix shorter than /127.
 */
export function neverHandedOut(cidr: string, gateway: string | null): string[] {
  const c = parseCidr(cidr);
  const gw = gateway ? canonicalIp(gateway) : null;
  const out = gw ? [gw] : [];
  if (c.family === 6 && c.prefix < 127) out.push(formatIp(c.first, 6));
  return out;
}

/** Never-used addresses first, in address order, then previously used ones; minus `exclude` (claimed by others, tried already, the gateway); at most `limit`. */
export function orderCandidates(free: readonly Candidate[], reusable: readonly Candidate[], exclude: ReadonlySet<string>, limit: number): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const c of [...free, ...reusable]) {
    if (out.length >= limit) break;
    if (exclude.has(c.ip) || seen.has(c.ip)) continue;
    seen.add(c.ip);
    out.push(c);
  }
  return out;
}

/**
 * How many addresses a round claims (and checks) to hand out `need` more: a margin for those that turn out alive,
 * within one job's worth. Unverified, exactly `need`: nothing will be skipped.
 */
export function claimSize(need: number, verify: boolean): number {
  if (need <= 0) return 0;
  if (!verify) return need;
  return Math.min(MAX_CHECK_ADDRESSES, need + Math.max(2, Math.ceil(need / 4)));
}

/** The probe's limit for one check job: within what the server waits, so its answer can still arrive. */
export const probeJobTimeoutMs = (verifyTimeoutMs: number) => Math.min(MAX_CHECK_TIMEOUT_MS, Math.max(MIN_CHECK_TIMEOUT_MS, verifyTimeoutMs - PROBE_RESULT_SLACK_MS));

/** How long a request's claims hold: every round's wait, and some. */
// each round may wait up to one check's time for addresses others hold, then up to one check's time for its own check
export const claimTtlMs = (verifyTimeoutMs: number) => MAX_ROUNDS * 2 * verifyTimeoutMs + CLAIM_SLACK_MS;

/** Any sign at all makes an address taken: an answer, a neighbour entry, a TCP answer or refusal, a PTR name. */
export const isTaken = (o: Pick<AddressCheckOutcome, 'alive' | 'signs'>) => o.alive || o.signs.length > 0;

/** Signs that a device answered, as opposed to a name existing for the address. */
const ANSWERS = new Set<AddressCheckName>(['icmp', 'tcp', 'neighbour']);

/** What a discovered host's record gets from the signs: up when something answered; a PTR name (its hostname, source ptr); its MAC. */
export interface DiscoveredHost {
  ip: string;
  status: 'up' | 'unknown';
  /** Something answered: first/last seen now. */
  seen: boolean;
  latencyMs: number | null;
  ptrName: string | null;
  mac: string | null;
}

export function discoveredHost(o: AddressCheckOutcome): DiscoveredHost {
  const seen = o.signs.some((s) => ANSWERS.has(s.check));
  const ptrName = o.ptrName ? validDnsName(canonicalName(o.ptrName)) : null;
  const mac = o.mac ? normaliseMac(o.mac) : null;
  return {
    ip: canonicalIp(o.ip) ?? o.ip,
    status: seen ? 'up' : 'unknown',
    seen,
    latencyMs: seen && o.rttMs != null ? o.rttMs : null,
    ptrName,
    mac: mac && isHostMac(mac) ? mac : null,
  };
}

export interface SkippedCandidate {
  candidate: Candidate;
  outcome: AddressCheckOutcome;
}

/** A round's claimed addresses sorted by their checks. */
export interface RoundSort {
  /** Clean, in candidate order, at most `need`: to be handed out. */
  picked: Candidate[];
  /** Showed signs of life: recorded as discovered hosts, never handed out. */
  skipped: SkippedCandidate[];
  /** The probe's answer did not cover them: released unhanded (not known to be free). */
  unchecked: Candidate[];
  /** Clean beyond `need`: released. */
  surplus: Candidate[];
}

/** Sorts a round's claimed candidates by the probe's outcomes (null: not verified, all clean). */
export function sortRound(claimed: readonly Candidate[], outcomes: readonly AddressCheckOutcome[] | null, need: number): RoundSort {
  const byIp = new Map<string, AddressCheckOutcome>();
  for (const o of outcomes ?? []) byIp.set(canonicalIp(o.ip) ?? o.ip, o);
  const sort: RoundSort = { picked: [], skipped: [], unchecked: [], surplus: [] };
  for (const candidate of claimed) {
    const outcome = outcomes ? byIp.get(candidate.ip) : undefined;
    if (outcomes && !outcome) sort.unchecked.push(candidate);
    else if (outcome && isTaken(outcome)) sort.skipped.push({ candidate, outcome });
    else if (sort.picked.length < need) sort.picked.push(candidate);
    else sort.surplus.push(candidate);
  }
  return sort;
}

export interface CheckView {
  at: string;
  signs: AddressSign[];
  /** Checks the probe could not run at the address (ICMP without a raw socket, …). */
  skipped: AddressCheckName[];
}

export interface AllocatedAddress {
  ip: string;
  hostId: number;
  previouslyUsed: PreviousUse | null;
  check: CheckView | null;
}

export interface SkippedAddress {
  ip: string;
  signs: AddressSign[];
  hostId: number | null;
}

export interface AllocationAnswer {
  allocationId: string;
  subnetId: number;
  verified: boolean;
  addresses: AllocatedAddress[];
  skipped: SkippedAddress[];
}

/** The answer: the addresses in the order they were picked, each with its host id and the check that cleared it. */
export function allocationAnswer(
  a: { allocationId: string; subnetId: number; verified: boolean },
  picked: readonly Candidate[],
  hostIds: ReadonlyMap<string, number>,
  checks: ReadonlyMap<string, CheckView>,
  skipped: readonly SkippedAddress[],
): AllocationAnswer {
  return {
    ...a,
    addresses: picked.map((c) => ({ ip: c.ip, hostId: hostIds.get(c.ip)!, previouslyUsed: c.previouslyUsed, check: checks.get(c.ip) ?? null })),
    skipped: [...skipped],
  };
}

/** A reservation past its expiry as the expiry duty reads it (ms since epoch). */
export interface ExpiringReservation {
  createdAt: number;
  /** Someone edited the record (PATCH, audited `host.update`) since it was reserved. */
  edited: boolean;
  reservedAt: number | null;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  mac: string | null;
  ptrName: string | null;
  notes: string;
}

/**
 * What releasing an expired reservation does, or null when it stays (seen alive since it was reserved). `delete`:
 * the record was made with the reservation and nothing else has been learnt or written about the address since
 * (never seen, no MAC, no PTR name, no notes, not edited), so the address goes back to having no record; `clear` otherwise:
 * the record stays, without its reservation.
 */
export function expiryAction(r: ExpiringReservation): 'delete' | 'clear' | null {
  const since = r.reservedAt ?? r.createdAt;
  if (r.lastSeenAt !== null && r.lastSeenAt >= since) return null;
  const untouched = r.reservedAt !== null && r.createdAt === r.reservedAt && !r.edited && r.firstSeenAt === null && r.lastSeenAt === null && r.mac === null && r.ptrName === null && r.notes === '';
  return untouched ? 'delete' : 'clear';
}
