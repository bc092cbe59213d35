import { and, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Cidr } from '../../schema/ip/cidr.js';
import type { LiveEvent } from '../../schema/live.js';
import { MAX_FRAME_SAMPLES, type SweepItem, type SweepResult } from '../../schema/protocol.js';
import { hosts } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { planIngest, type IngestPlan, type TrackedHost } from '../domain/ingest-plan.js';
import { parseIpFast } from '../domain/ip-text.js';
import { checkSweep, listedEntries, sweepSpan } from '../domain/sweep-checks.js';
import { hostIdsByIp } from '../services/hosts.js';
import { jsonRowChunks } from '../services/json-rows.js';
import type { AlertDraft } from '../alerts/types.js';
import { sweepAlerts } from './sweep-alerts.js';
import { sweepDevices, type SweepDevices } from './sweep-devices.js';
import type { Rejection, ResultIngest } from './types.js';

type TrackedRow = [string, string, TrackedHost['status'], number, number | null, number | null, number | null, number | null, number | null, number, number, string | null];
type Tracked = TrackedHost & { id: number; mac: string | null };

/**
 * Hosts of a subnet matching `where`, at most `limit`, read along the (subnet, address) index. SQLite builds one
 * JSON value of them: a row object per host through drizzle cost far more (2,000 hosts in a profiling run: ~80 ms
 * against ~2 ms).
 */
async function loadTracked(deps: AppDeps, subnetId: number, where: SQL, limit: number): Promise<Tracked[]> {
  const [{ part }] = (await deps.db.all<{ part: string }>(sql`
    SELECT json_group_array(json_array(ip, ip_key, status, consecutive_failures, latency_ms, first_seen_at, last_seen_at,
      last_checked_at, last_change_at, times_seen, id, mac)) AS part
    FROM (SELECT * FROM ${hosts} WHERE ${hosts.subnetId} = ${subnetId} AND ${where} LIMIT ${limit})`)) as [{ part: string }];
  return (JSON.parse(part) as TrackedRow[]).map(([ip, ipKey, status, consecutiveFailures, latencyMs, firstSeenAt, lastSeenAt, lastCheckedAt, lastChangeAt, timesSeen, id, mac]) => ({
    id,
    mac,
    ip,
    ipKey,
    status,
    consecutiveFailures,
    latencyMs,
    firstSeenAt,
    lastSeenAt,
    lastCheckedAt,
    lastChangeAt,
    timesSeen,
  }));
}

function canonicalTexts(texts: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    try {
      out.add(parseIpFast(t).text);
    } catch {
      // planIngest reports it as ignored
    }
  }
  return [...out];
}

/**
 * The hosts planIngest needs for one subnet's sweeps: those inside each complete sweep's span, and those the
 * incomplete ones list. Each known host inside a complete sweep's span is one sample, so reading stops (null)
 * as soon as they alone exceed the budget: a frame never makes the server read more than about the bound.
 */
async function loadForSweeps(deps: AppDeps, subnetId: number, cidr: Cidr, sweeps: SweepResult[], budget: { left: number }): Promise<Tracked[] | null> {
  const found = new Map<string, Tracked>();
  const bySpan = new Map<string, Tracked[]>();
  for (const sweep of sweeps.filter((s) => s.complete)) {
    const span = sweepSpan(cidr, sweep)!;
    const key = `${span.firstKey}-${span.lastKey}`;
    const rows = bySpan.get(key) ?? (await loadTracked(deps, subnetId, and(gte(hosts.ipKey, span.firstKey), lte(hosts.ipKey, span.lastKey))!, budget.left + 1));
    bySpan.set(key, rows);
    budget.left -= rows.length;
    if (budget.left < 0) return null;
    for (const h of rows) found.set(h.ip, h);
  }
  const listed = canonicalTexts(sweeps.filter((s) => !s.complete).flatMap((s) => [...s.up.map((u) => u.ip), ...s.down]));
  if (listed.length) {
    const inList = sql`${hosts.ip} IN (SELECT value FROM json_each(${JSON.stringify(listed)}))`;
    for (const h of await loadTracked(deps, subnetId, inList, listed.length)) found.set(h.ip, h);
  }
  return [...found.values()];
}

// Bulk rows travel as one JSON parameter read by json_each: the SQL text stays constant and tiny, so
// SQLite compiles it cheaply, and it fits D1's limit of 100 bound parameters per statement.

function jsonRows<T>(rows: T[], toRow: (r: T) => unknown[], statement: (json: string) => SQL): SQL[] {
  return jsonRowChunks(rows, toRow).map(statement);
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

/** How far a part of a split sweep (probe/split.ts) reaches when later parts follow it; null: the batch covers the subnet's end, or lists addresses. */
function partReach(cidr: Cidr, sweeps: readonly SweepResult[]): string | null {
  if (sweeps.some((s) => !s.complete)) return null;
  const reach = sweeps.map((s) => sweepSpan(cidr, s)!.lastKey).sort().at(-1)!;
  return reach < sweepSpan(cidr, {})!.lastKey ? reach : null;
}

/**
 * The subnet's latest sweep start and the one before it, for "what changed since the last sweep". Parts of a split
 * sweep share one start, so a later part moves nothing; an older sweep arriving late moves nothing either. A complete
 * sweep (or part) at the latest start also records its duration (`/metrics`' sweep duration); a partial one does not.
 */
function sweptAt(subnetId: number, sweeps: readonly SweepResult[]): SQL[] {
  const starts = new Map<number, number | null>();
  for (const s of sweeps) starts.set(s.at, s.complete ? Math.round(s.durationMs) : (starts.get(s.at) ?? null));
  return [...starts]
    .sort(([a], [b]) => a - b)
    .map(
      ([at, durationMs]) => sql`UPDATE subnets SET previous_sweep_at = CASE WHEN last_sweep_at IS NULL OR last_sweep_at < ${at} THEN last_sweep_at ELSE previous_sweep_at END,
        last_sweep_duration_ms = CASE WHEN ${durationMs} IS NOT NULL AND (last_sweep_at IS NULL OR last_sweep_at <= ${at}) THEN ${durationMs} ELSE last_sweep_duration_ms END,
        last_sweep_at = max(coalesce(last_sweep_at, 0), ${at}) WHERE id = ${subnetId}`,
    );
}

/** Device rows (host_devices, opened and closed) one batch may write besides its samples. */
const MAX_DEVICE_ROWS_PER_BATCH = MAX_FRAME_SAMPLES;

/** The `sweep` kind: host states, samples, state-change events, the hourly roll-up, and the hosts' MACs and device history. */
export const sweepIngest: ResultIngest<SweepItem> = {
  kind: 'sweep',
  listed: (items) => listedEntries(items),
  async prepare({ deps, probeId, now, owned, budget, alerts, policies }, items) {
    const rejected: Rejection[] = [];
    const plans: { subnetId: number; cidr: Cidr; current: Tracked[]; accepted: SweepResult[]; plan: IngestPlan }[] = [];
    const alertStatements: SQL[] = [];
    const drafts: AlertDraft[] = [];
    for (const [subnetId, cidr] of owned) {
      const accepted = items.filter((s) => {
        if (s.subnetId !== subnetId) return false;
        const reason = checkSweep(cidr, s, now);
        if (reason) rejected.push({ kind: 'sweep', subnetId, at: s.at, reason });
        return !reason;
      });
      if (!accepted.length) continue;
      const current = await loadForSweeps(deps, subnetId, cidr, accepted, budget);
      if (!current) return null;
      const policy = policies.get(subnetId)!;
      const plan = planIngest(cidr, current, accepted, policy.downAfter);
      plans.push({ subnetId, cidr, current, accepted, plan });
      const raised = await sweepAlerts(deps, alerts, { subnetId, probeId, policy }, current, plan, partReach(cidr, accepted));
      alertStatements.push(...raised.statements);
      drafts.push(...raised.drafts);
    }
    const samples = plans.reduce((n, p) => n + p.plan.samples.length, 0);
    // device rows have an allowance of their own beside the samples' bound: a part the probe filled with 1,000 known
    // hosts (the split's maximum) still records their MACs; more than fits (a mass change) waits for the next sweep
    let room = MAX_DEVICE_ROWS_PER_BATCH;
    const devices: SweepDevices[] = [];
    for (const p of plans) {
      const d = await sweepDevices(deps, alerts, { subnetId: p.subnetId, probeId }, p.cidr, p.current, p.accepted, room);
      room -= d.rows;
      devices.push(d);
      drafts.push(...d.drafts);
    }
    const transitions = plans.flatMap((p) => p.plan.events.map((e) => ({ ...e, subnetId: p.subnetId })));
    const macChanges = devices.flatMap((d) => d.changes);
    return {
      statements: [
        ...plans.flatMap((p, i) => [...writeStatements(p.subnetId, p.plan, probeId, now), ...devices[i]!.statements, ...sweptAt(p.subnetId, p.accepted)]),
        ...alertStatements,
      ],
      drafts,
      rejected,
      ignored: plans.filter((p) => p.plan.ignored.length).map((p) => ({ subnetId: p.subnetId, addresses: p.plan.ignored.slice(0, 10) })),
      // device rows are not samples: they have their own allowance (MAX_DEVICE_ROWS_PER_BATCH)
      samples,
      events: transitions.length + macChanges.filter((c) => c.from).length,
      async announce(deps) {
        if (!plans.length) return [];
        const ids = await hostIdsByIp(deps, [...new Set([...transitions.map((t) => t.ip), ...macChanges.filter((c) => c.hostId === null).map((c) => c.ip)])]);
        const changes = transitions.map((t) => ({ hostId: ids.get(t.ip) ?? 0, subnetId: t.subnetId, ip: t.ip, from: t.from, to: t.to, at: new Date(t.at).toISOString() }));
        const events: LiveEvent[] = [{ type: 'hosts', data: { subnetIds: plans.map((p) => p.subnetId), changes } }];
        if (macChanges.length) {
          const macs = macChanges.map((c) => ({ ...c, hostId: c.hostId ?? ids.get(c.ip) ?? 0 }));
          events.push({ type: 'macs', data: { subnetIds: [...new Set(macs.map((c) => c.subnetId))], changes: macs } });
        }
        return events;
      },
    };
  },
};
