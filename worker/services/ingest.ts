import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { parseCidr } from '../../schema/ip/cidr.js';
import type { LiveHostChange } from '../../schema/live.js';
import type { SweepResult } from '../../schema/protocol.js';
import { hosts, ingestLedger, probes, subnets } from '../../schema/tables/index.js';
import { batchable } from '../db.js';
import type { AppDeps } from '../deps.js';
import { planIngest, type IngestPlan, type TrackedHost } from '../domain/ingest-plan.js';
import { chunks } from '../chunks.js';

export interface IngestOutcome {
  duplicate: boolean;
  rejectedSubnets: number[];
  samples: number;
  events: number;
  /** Subnets whose sweeps were applied. */
  subnetIds: number[];
  /** The state transitions the batch produced, for the live feed. */
  changes: LiveHostChange[];
}

const DUPLICATE: IngestOutcome = { duplicate: true, rejectedSubnets: [], samples: 0, events: 0, subnetIds: [], changes: [] };

function isLedgerConflict(e: unknown): boolean {
  const text = String((e as { message?: unknown })?.message ?? e) + String((e as { cause?: unknown })?.cause ?? '');
  return /UNIQUE constraint failed: ingest_ledger/i.test(text);
}

async function loadTracked(deps: AppDeps, subnetId: number): Promise<TrackedHost[]> {
  const rows = await deps.db
    .select({
      ip: hosts.ip,
      ipKey: hosts.ipKey,
      status: hosts.status,
      consecutiveFailures: hosts.consecutiveFailures,
      latencyMs: hosts.latencyMs,
      firstSeenAt: hosts.firstSeenAt,
      lastSeenAt: hosts.lastSeenAt,
      lastCheckedAt: hosts.lastCheckedAt,
      lastChangeAt: hosts.lastChangeAt,
      timesSeen: hosts.timesSeen,
    })
    .from(hosts)
    .where(eq(hosts.subnetId, subnetId));
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  return rows.map((r) => ({
    ...r,
    firstSeenAt: ms(r.firstSeenAt),
    lastSeenAt: ms(r.lastSeenAt),
    lastCheckedAt: ms(r.lastCheckedAt),
    lastChangeAt: ms(r.lastChangeAt),
  }));
}

// Bulk rows travel as one JSON parameter read by json_each: the SQL text stays constant and tiny, so
// SQLite compiles it cheaply, and it fits D1's limit of 100 bound parameters per statement.
const ROWS_PER_STATEMENT = 2000;

function jsonRows<T>(rows: T[], toRow: (r: T) => unknown[], statement: (json: string) => SQL): SQL[] {
  return chunks(rows, ROWS_PER_STATEMENT).map((part) => statement(JSON.stringify(part.map(toRow))));
}

function writeStatements(subnetId: number, plan: IngestPlan, probeId: number, now: number): SQL[] {
  return [
    ...jsonRows(
      plan.hosts,
      (h) => [h.ip, h.ipKey, h.status, h.consecutiveFailures, h.latencyMs, h.firstSeenAt, h.lastSeenAt, h.lastCheckedAt, h.lastChangeAt, h.timesSeen],
      (json) => sql`INSERT INTO hosts (subnet_id, ip, ip_key, status, consecutive_failures, latency_ms, first_seen_at,
          last_seen_at, last_checked_at, last_change_at, times_seen, created_at, updated_at)
        SELECT ${subnetId}, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
          value->>8, value->>9, ${now}, ${now} FROM json_each(${json}) WHERE true
        ON CONFLICT(ip) DO UPDATE SET status = excluded.status, consecutive_failures = excluded.consecutive_failures,
          latency_ms = excluded.latency_ms, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
          last_checked_at = excluded.last_checked_at, last_change_at = excluded.last_change_at,
          times_seen = excluded.times_seen, updated_at = excluded.updated_at`,
    ),
    // keyed by ip and joined to hosts, so rows of hosts created in this same batch find their id
    ...jsonRows(
      plan.samples,
      (s) => [s.ip, s.at, s.up ? 1 : 0, s.latencyMs],
      (json) => sql`INSERT INTO host_samples (host_id, at, up, latency_ms)
        SELECT h.id, j.value->>1, j.value->>2, j.value->>3 FROM json_each(${json}) j JOIN hosts h ON h.ip = j.value->>0 WHERE true
        ON CONFLICT(at, host_id) DO NOTHING`,
    ),
    ...jsonRows(
      plan.events,
      (e) => [e.ip, e.at, e.from, e.to],
      (json) => sql`INSERT INTO host_events (host_id, at, from_status, to_status, probe_id)
        SELECT h.id, j.value->>1, j.value->>2, j.value->>3, ${probeId} FROM json_each(${json}) j JOIN hosts h ON h.ip = j.value->>0`,
    ),
    ...jsonRows(
      plan.hourly,
      (b) => [b.ip, b.hour, b.samples, b.upSamples, b.latencySumMs],
      (json) => sql`INSERT INTO host_hourly (host_id, hour, samples, up_samples, latency_sum_ms)
        SELECT h.id, j.value->>1, j.value->>2, j.value->>3, j.value->>4 FROM json_each(${json}) j JOIN hosts h ON h.ip = j.value->>0 WHERE true
        ON CONFLICT(hour, host_id) DO UPDATE SET samples = samples + excluded.samples,
          up_samples = up_samples + excluded.up_samples, latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms`,
    ),
  ];
}

/**
 * Stores one result batch from a probe exactly once: the ledger row is written in the same atomic
 * batch as the results, so a re-sent batch either finds its ledger row or fails on it as a whole.
 * The caller serialises batches per probe (subnets belong to one probe, so no two writers race on a host).
 */
export async function ingestBatch(
  deps: AppDeps,
  probeId: number,
  batchId: string,
  sweeps: ReadonlyArray<SweepResult>,
): Promise<IngestOutcome> {
  const { db } = deps;
  const done = await db
    .select({ n: ingestLedger.samples })
    .from(ingestLedger)
    .where(and(eq(ingestLedger.probeId, probeId), eq(ingestLedger.batchId, batchId)));
  if (done.length) return DUPLICATE;

  const wanted = [...new Set(sweeps.map((s) => s.subnetId))];
  const owned = await db
    .select({ id: subnets.id, cidr: subnets.cidr })
    .from(subnets)
    .where(and(inArray(subnets.id, wanted), eq(subnets.probeId, probeId)));
  const ownedIds = new Set(owned.map((s) => s.id));
  const rejectedSubnets = wanted.filter((id) => !ownedIds.has(id));
  if (rejectedSubnets.length) deps.log.warn('probe sent results for subnets not assigned to it', { probeId, batchId, rejectedSubnets });

  const now = deps.clock.now();
  const statements: SQL[] = [];
  let samples = 0;
  const transitions: (IngestPlan['events'][number] & { subnetId: number })[] = [];
  for (const subnet of owned) {
    const plan = planIngest(
      parseCidr(subnet.cidr),
      await loadTracked(deps, subnet.id),
      sweeps.filter((s) => s.subnetId === subnet.id),
      deps.config.downAfterFailures,
    );
    if (plan.ignored.length) deps.log.warn('probe reported addresses outside the subnet', { probeId, subnetId: subnet.id, ignored: plan.ignored.slice(0, 10) });
    statements.push(...writeStatements(subnet.id, plan, probeId, now));
    samples += plan.samples.length;
    transitions.push(...plan.events.map((e) => ({ ...e, subnetId: subnet.id })));
  }

  const batch: BatchItem<'sqlite'>[] = [
    db.insert(ingestLedger).values({ probeId, batchId, samples, appliedAt: new Date(now) }),
    ...statements.map((s) => batchable(db, s)),
    db.update(probes).set({ lastSeenAt: new Date(now) }).where(eq(probes.id, probeId)),
  ];
  try {
    await db.batch(batch as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  } catch (e) {
    if (isLedgerConflict(e)) return DUPLICATE;
    throw e;
  }
  const ids = await hostIdsByIp(deps, [...new Set(transitions.map((t) => t.ip))]);
  const changes = transitions.map((t) => ({ hostId: ids.get(t.ip) ?? 0, subnetId: t.subnetId, ip: t.ip, from: t.from, to: t.to, at: new Date(t.at).toISOString() }));
  return { duplicate: false, rejectedSubnets, samples, events: transitions.length, subnetIds: owned.map((s) => s.id), changes };
}

/** Ids of hosts by address (new hosts get theirs in the batch); the list travels as one JSON parameter. */
async function hostIdsByIp(deps: AppDeps, ips: string[]): Promise<Map<string, number>> {
  if (!ips.length) return new Map();
  const rows = await deps.db
    .select({ id: hosts.id, ip: hosts.ip })
    .from(hosts)
    .where(sql`${hosts.ip} IN (SELECT value FROM json_each(${JSON.stringify(ips)}))`);
  return new Map(rows.map((r) => [r.ip, r.id]));
}
