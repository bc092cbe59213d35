/**
 * The database side of an allocation: claims (address_claims: the primary key makes two allocations at once take
 * different addresses, on both hosts), candidates from the free-address reads, and the all-or-nothing reservation.
 */
import { and, eq, gt, ne, sql, type SQL } from 'drizzle-orm';
import { formatIp, ipKey, usableRange, type Cidr } from '../../schema/ip/cidr.js';
import { addressClaims, hosts, type SubnetRow } from '../../schema/tables/index.js';
import { batchable } from '../db.js';
import type { AppDeps } from '../deps.js';
import { orderCandidates, type Candidate } from '../domain/allocation-plan.js';
import { reusableAddresses, unusedAddresses } from './subnet-table.js';

/** One request's allocation: its subnet, its claim id, its clock. */
export interface Allocation {
  deps: AppDeps;
  subnet: SubnetRow;
  c: Cidr;
  claimId: string;
  /** When the request started (every row it writes carries it). */
  now: number;
  claimExpiresAt: number;
}

/** The fields a reserved host gets. */
export interface ReservedFields {
  hostname?: string | null;
  description?: string;
  tags?: string[];
  reservedBy?: string | null;
  reservedNote?: string | null;
  /** ms since epoch; null: the reservation does not expire. */
  reservedUntil: number | null;
}

const keysJson = (cs: readonly Candidate[]) => JSON.stringify(cs.map((c) => c.ipKey));
const ourClaim = (a: Allocation, keyExpr: SQL) =>
  sql`EXISTS (SELECT 1 FROM address_claims ac WHERE ac.subnet_id = ${a.subnet.id} AND ac.ip_key = ${keyExpr} AND ac.claim_id = ${a.claimId})`;

/** Claims a request that died left behind (past their expiry) no longer hold anything. */
export async function dropStaleClaims(a: Allocation): Promise<void> {
  await a.deps.db.run(sql`DELETE FROM address_claims WHERE subnet_id = ${a.subnet.id} AND expires_at <= ${a.now}`);
}

/** Addresses other allocations hold now. */
async function claimedByOthers(a: Allocation): Promise<string[]> {
  const rows = await a.deps.db
    .select({ ip: addressClaims.ip })
    .from(addressClaims)
    .where(and(eq(addressClaims.subnetId, a.subnet.id), ne(addressClaims.claimId, a.claimId), gt(addressClaims.expiresAt, new Date(a.deps.clock.now()))));
  return rows.map((r) => r.ip);
}

/**
 * Up to `want` candidates in order (never used first, previously used last), minus those claimed by others and
 * `exclude`; reads as many more free addresses as there are exclusions, so enough are left after them. `held`: how
 * many addresses other allocations hold now (they may let some go).
 */
export async function readCandidates(a: Allocation, want: number, exclude: ReadonlySet<string>): Promise<{ list: Candidate[]; held: number }> {
  const others = await claimedByOthers(a);
  const skip = new Set([...exclude, ...others]);
  const { first, last } = usableRange(a.c);
  const reach = want + skip.size;
  const free = (await unusedAddresses(a.deps, a.subnet.id, a.c, first, last, reach)).map((v): Candidate => ({ ip: formatIp(v, a.c.family), ipKey: ipKey(v, a.c.family), previouslyUsed: null }));
  const ordered = orderCandidates(free, [], skip, want);
  if (ordered.length >= want) return { list: ordered, held: others.length };
  const reusable = await reusableAddresses(a.deps, a.subnet.id, a.c, first, last, reach);
  return { list: orderCandidates(free, reusable, skip, want), held: others.length };
}

/**
 * Claims the first `size` of these addresses that no other allocation holds (a stale claim is taken over), in one
 * statement: requests at once each take different ones from the same list. Returns those it got, in order.
 */
export async function claim(a: Allocation, list: readonly Candidate[], size = list.length): Promise<Candidate[]> {
  if (!list.length || size <= 0) return [];
  const now = a.deps.clock.now();
  const won = await a.deps.db.all<{ ip: string }>(sql`
    INSERT INTO address_claims (subnet_id, ip_key, ip, claim_id, expires_at)
    SELECT ${a.subnet.id}, j.value->>1, j.value->>0, ${a.claimId}, ${a.claimExpiresAt} FROM json_each(${JSON.stringify(list.map((c) => [c.ip, c.ipKey]))}) j
    WHERE NOT EXISTS (SELECT 1 FROM address_claims ac WHERE ac.subnet_id = ${a.subnet.id} AND ac.ip_key = j.value->>1 AND ac.expires_at > ${now})
    ORDER BY j.key LIMIT ${size}
    ON CONFLICT(subnet_id, ip_key) DO UPDATE SET ip = excluded.ip, claim_id = excluded.claim_id, expires_at = excluded.expires_at
      WHERE address_claims.expires_at <= ${now}
    RETURNING ip`);
  const got = new Set(won.map((r) => r.ip));
  return list.filter((c) => got.has(c.ip));
}

/** Lets these addresses go (all of the request's when `list` is absent). */
export function releaseStatement(a: Allocation, list?: readonly Candidate[]): SQL {
  const which = list ? sql` AND ip_key IN (SELECT value FROM json_each(${keysJson(list)}))` : sql``;
  return sql`DELETE FROM address_claims WHERE subnet_id = ${a.subnet.id} AND claim_id = ${a.claimId}${which}`;
}

export async function release(a: Allocation, list?: readonly Candidate[]): Promise<void> {
  if (list && !list.length) return;
  await a.deps.db.run(releaseStatement(a, list));
}

/** Host ids of these addresses of the subnet. */
export async function hostIdsOf(a: Allocation, ips: readonly string[]): Promise<Map<string, number>> {
  if (!ips.length) return new Map();
  const rows = await a.deps.db
    .select({ id: hosts.id, ip: hosts.ip })
    .from(hosts)
    .where(and(eq(hosts.subnetId, a.subnet.id), sql`${hosts.ip} IN (SELECT value FROM json_each(${JSON.stringify(ips)}))`));
  return new Map(rows.map((r) => [r.ip, r.id]));
}

/**
 * Reserves every picked address in one atomic batch, or none: a record created at a never-used address meanwhile
 * (the unique ip index), a previously used one reserved, answering or gone meanwhile, or a claim lost, and the first
 * statement drops the request's claims, so no write (each needs its claim) happens. Returns false then; the claims
 * are gone either way.
 */
export async function reserve(a: Allocation, picked: readonly Candidate[], f: ReservedFields): Promise<boolean> {
  const { db } = a.deps;
  const fresh = picked.filter((c) => !c.previouslyUsed);
  const reused = picked.filter((c) => c.previouslyUsed);
  const S = a.subnet.id;
  const freshIps = JSON.stringify(fresh.map((c) => c.ip));
  const reusedIds = JSON.stringify(reused.map((c) => c.previouslyUsed!.hostId));
  const hostname = f.hostname === undefined ? null : f.hostname || null;
  const given = f.hostname !== undefined;
  const tags = f.tags === undefined ? null : JSON.stringify(f.tags);
  const [, , , left] = (await db.batch([
    batchable(
      db,
      sql`DELETE FROM address_claims WHERE subnet_id = ${S} AND claim_id = ${a.claimId} AND (
          (SELECT count(*) FROM address_claims WHERE subnet_id = ${S} AND claim_id = ${a.claimId} AND ip_key IN (SELECT value FROM json_each(${keysJson(picked)}))) < ${picked.length}
          OR EXISTS (SELECT 1 FROM hosts WHERE ip IN (SELECT value FROM json_each(${freshIps})))
          OR (SELECT count(*) FROM hosts WHERE id IN (SELECT value FROM json_each(${reusedIds})) AND subnet_id = ${S} AND reserved = 0 AND status != 'up') < ${reused.length})`,
    ),
    batchable(
      db,
      sql`INSERT INTO hosts (subnet_id, ip, ip_key, hostname, hostname_source, description, tags, reserved, reserved_by, reserved_note, reserved_at, reserved_until, created_at, updated_at)
          SELECT ${S}, j.value->>0, j.value->>1, ${hostname}, ${hostname === null ? null : 'manual'}, ${f.description ?? ''}, ${tags ?? '[]'}, 1,
            ${f.reservedBy ?? null}, ${f.reservedNote ?? null}, ${a.now}, ${f.reservedUntil}, ${a.now}, ${a.now}
          FROM json_each(${JSON.stringify(fresh.map((c) => [c.ip, c.ipKey]))}) j WHERE ${ourClaim(a, sql`j.value->>1`)}
          ON CONFLICT(ip) DO NOTHING`,
    ),
    batchable(
      db,
      // the address is reused by someone new: its old record (history, devices) stays, reserved for them
      sql`UPDATE hosts SET reserved = 1, reserved_by = ${f.reservedBy ?? null}, reserved_note = ${f.reservedNote ?? null}, reserved_at = ${a.now},
            reserved_until = ${f.reservedUntil}, updated_at = ${a.now},
            hostname = CASE WHEN ${given ? 1 : 0} = 1 THEN ${hostname} ELSE hostname END,
            hostname_source = CASE WHEN ${given ? 1 : 0} = 1 THEN ${hostname === null ? null : 'manual'} ELSE hostname_source END,
            description = coalesce(${f.description ?? null}, description), tags = coalesce(${tags}, tags)
          WHERE id IN (SELECT value FROM json_each(${reusedIds})) AND subnet_id = ${S} AND reserved = 0 AND status != 'up' AND ${ourClaim(a, sql`hosts.ip_key`)}`,
    ),
    db.select({ ip: addressClaims.ip }).from(addressClaims).where(and(eq(addressClaims.subnetId, S), eq(addressClaims.claimId, a.claimId))),
    batchable(db, releaseStatement(a)),
  ])) as [unknown, unknown, unknown, { ip: string }[], unknown];
  return left.length >= picked.length;
}

/** The picked addresses still free after a reservation that did not go through (the rest went to someone else). */
export async function stillFree(a: Allocation, picked: readonly Candidate[]): Promise<Candidate[]> {
  const rows = await a.deps.db
    .select({ id: hosts.id, ip: hosts.ip, reserved: hosts.reserved, status: hosts.status })
    .from(hosts)
    .where(sql`${hosts.ip} IN (SELECT value FROM json_each(${JSON.stringify(picked.map((c) => c.ip))}))`);
  const byIp = new Map(rows.map((r) => [r.ip, r]));
  return picked.filter((c) => {
    const row = byIp.get(c.ip);
    if (!c.previouslyUsed) return !row;
    return row?.id === c.previouslyUsed.hostId && !row.reserved && row.status !== 'up';
  });
}
