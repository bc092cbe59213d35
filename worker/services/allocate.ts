/**
 * POST /api/subnets/{id}/allocate: the next free addresses, checked live by the subnet's probe before they are handed
 * out. Each round claims candidates (never used first, previously used last; a margin more than it needs), has the
 * probe check them, skips those that show any sign of life (the ingest records them as discovered hosts), and keeps
 * the clean ones; once it has enough, one atomic batch reserves them all, or none. Rounds are bounded (MAX_ROUNDS).
 */
import { parseCidr } from '../../schema/ip/cidr.js';
import type { LivePayloads } from '../../schema/live.js';
import type { AppDeps } from '../deps.js';
import {
  allocationAnswer,
  CLAIM_ATTEMPTS,
  CLAIM_SPREAD,
  claimSize,
  claimTtlMs,
  isTaken,
  MAX_ROUNDS,
  neverHandedOut,
  sortRound,
  type AllocationAnswer,
  type Candidate,
  type CheckView,
  type SkippedAddress,
} from '../domain/allocation-plan.js';
import type { Effects } from '../effects.js';
import { AppError } from '../errors.js';
import { announce, hostsEdited } from '../live/announce.js';
import { claim, dropStaleClaims, hostIdsOf, readCandidates, release, reserve, stillFree, type Allocation, type ReservedFields } from './allocate-store.js';
import { checkCandidates, probeForChecks, sleep, type VerifyTarget } from './allocate-verify.js';
import { getSubnet } from './subnets.js';

export interface AllocateRequest {
  count: number;
  hostname?: string | null;
  description?: string;
  tags?: string[];
  reservedBy?: string | null;
  reservedNote?: string | null;
  /** ISO 8601 */
  reservedUntil?: string;
  verify: boolean;
  /** The caller's id for the live `allocation` events (default: a new one). */
  allocationId?: string;
}

type Stage = Omit<LivePayloads['allocation'], 'allocationId' | 'subnetId'>;

/** Between reads while every candidate left is held by other allocations under way (they release what they do not need). */
const HELD_RETRY_MS = 100;

/**
 * Claims up to `size` candidates not in `exclude`. The list read is longer than `size` by CLAIM_SPREAD, so requests
 * at once, reading the same addresses, each take the next ones still unclaimed; it is read again if that ran out.
 * When nothing is left but what other allocations hold, it waits for them (about as long as one check).
 */
async function claimRound(a: Allocation, size: number, exclude: ReadonlySet<string>): Promise<Candidate[]> {
  const got: Candidate[] = [];
  const waitUntil = Date.now() + a.deps.config.allocateVerifyTimeoutMs;
  let attempts = 0;
  while (attempts < CLAIM_ATTEMPTS && got.length < size) {
    const { list, held } = await readCandidates(a, size - got.length + CLAIM_SPREAD, new Set([...exclude, ...got.map((c) => c.ip)]));
    if (list.length) {
      attempts++;
      got.push(...(await claim(a, list, size - got.length)));
    } else if (!got.length && held && Date.now() < waitUntil) await sleep(HELD_RETRY_MS);
    else break;
  }
  return got;
}

interface Found {
  picked: Candidate[];
  skipped: SkippedAddress[];
  views: Map<string, CheckView>;
}

async function rounds(a: Allocation, req: AllocateRequest, target: VerifyTarget | null, fields: ReservedFields, tell: (s: Stage) => Promise<void>): Promise<Found> {
  // addresses this request has claimed once (and those never handed out) are not candidates again
  const tried = new Set<string>(neverHandedOut(a.subnet.cidr, a.subnet.gateway));
  const skipped: SkippedAddress[] = [];
  const views = new Map<string, CheckView>();
  let picked: Candidate[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const need = req.count - picked.length;
    if (need > 0) {
      const claimed = await claimRound(a, claimSize(need, req.verify), tried);
      if (!claimed.length) break;
      for (const c of claimed) tried.add(c.ip);
      let outcomes = null;
      if (target) {
        await tell({ stage: 'checking', addresses: claimed.map((c) => c.ip) });
        const checked = await checkCandidates(a.deps, target, claimed);
        outcomes = checked.outcomes;
        // a job done without a word on any address (a probe reassigned meanwhile, a clock far behind) is no verdict
        if (!outcomes.length) throw new AppError(503, 'verify_failed', `probe ${target.probeId} reported none of the ${claimed.length} addresses it was asked to check; nothing was reserved`);
        for (const [ip, v] of checked.views) views.set(ip, v);
        await tell({ stage: 'checked', checks: outcomes.map((o) => ({ ip: o.ip, alive: isTaken(o), signs: o.signs, skipped: o.skipped ?? [] })) });
      }
      const sort = sortRound(claimed, outcomes, need);
      await release(a, [...sort.skipped.map((s) => s.candidate), ...sort.unchecked, ...sort.surplus]);
      if (sort.skipped.length) {
        const ids = await hostIdsOf(a, sort.skipped.map((s) => s.candidate.ip));
        skipped.push(...sort.skipped.map((s) => ({ ip: s.candidate.ip, signs: s.outcome.signs, hostId: ids.get(s.candidate.ip) ?? null })));
      }
      picked.push(...sort.picked);
      if (picked.length < req.count) continue;
    }
    if (await reserve(a, picked, fields)) return { picked, skipped, views };
    // a record was made at one of them meanwhile: the others are claimed again, and the next round looks for the rest
    picked = await claim(a, await stillFree(a, picked));
  }
  const short = picked.length < req.count;
  const message = short
    ? `${a.subnet.cidr} has ${picked.length ? `only ${picked.length}` : 'no'} free address${req.count > 1 ? `es of the ${req.count} asked for` : ''}${skipped.length ? ` (${skipped.length} skipped: in use)` : ''}`
    : `the free addresses of ${a.subnet.cidr} kept being taken while they were checked`;
  throw new AppError(409, 'subnet_full', `${message}; nothing was reserved`, { requested: req.count, found: short ? picked.length : 0, skipped });
}

/** Reserves `count` free addresses of the subnet (checked live unless `verify` is false), or none. */
export async function allocate(deps: AppDeps, subnetId: number, req: AllocateRequest): Promise<{ answer: AllocationAnswer; effects: Effects }> {
  const subnet = await getSubnet(deps, subnetId);
  const now = deps.clock.now();
  const until = req.reservedUntil === undefined ? null : Date.parse(req.reservedUntil);
  if (until !== null && until <= now) throw new AppError(400, 'bad_reserved_until', `reservedUntil ${req.reservedUntil} is not in the future`);
  const target = req.verify ? await probeForChecks(deps, subnet) : null;
  const allocationId = req.allocationId ?? crypto.randomUUID();
  const a: Allocation = { deps, subnet, c: parseCidr(subnet.cidr), claimId: crypto.randomUUID(), now, claimExpiresAt: now + claimTtlMs(deps.config.allocateVerifyTimeoutMs) };
  const tell = (s: Stage) => announce(deps, { type: 'allocation', data: { allocationId, subnetId, ...s } });
  const fields: ReservedFields = {
    hostname: req.hostname,
    description: req.description,
    tags: req.tags,
    reservedBy: req.reservedBy,
    reservedNote: req.reservedNote,
    reservedUntil: until,
  };
  let found: Found;
  try {
    await dropStaleClaims(a);
    found = await rounds(a, req, target, fields, tell);
  } catch (e) {
    await release(a).catch((err) => deps.log.warn('allocation claims not released; they expire', { subnetId, error: String(err) }));
    await tell({ stage: 'failed', code: e instanceof AppError ? e.code : 'internal' });
    throw e;
  }
  const hostIds = await hostIdsOf(a, found.picked.map((c) => c.ip));
  const answer = allocationAnswer({ allocationId, subnetId, verified: req.verify }, found.picked, hostIds, found.views, found.skipped);
  return {
    answer,
    effects: {
      // IPv6 sweeps ping the known hosts: the probe's assignment lists them
      assignments: a.c.family === 6 ? [subnet.probeId] : [],
      live: [hostsEdited([subnetId]), { type: 'allocation', data: { allocationId, subnetId, stage: 'done', addresses: answer.addresses.map((x) => x.ip) } }],
    },
  };
}
