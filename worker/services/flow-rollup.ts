import { sql, type SQL } from 'drizzle-orm';
import { runStatements } from '../db.js';
import type { AppDeps } from '../deps.js';
import { DAY_MS, flowPruneCutoffs, HOUR_MS, ROLLUP_GRACE_MS, ROLLUP_TOP } from '../domain/flow-plan.js';
import { yieldToEventLoop } from '../yield.js';

/** Hours one run of the roll-up rolls at most (one atomic batch each, a turn of the event loop between them). */
export const ROLLUP_HOURS_PER_RUN = 24;

const FLOW_TABLES = ['flow_totals', 'flow_talkers', 'flow_conversations', 'flow_ports', 'flow_matrix'] as const;

/**
 * One hour of one probe rolled up from its minutes, as one atomic batch: its 'hour' rows deleted and written again
 * as the sums of its minutes, the top ROLLUP_TOP keys per table by bytes (row_number over the grouped sums), the
 * totals exact; then the hour is clean. A minute written after this batch marks the hour dirty again.
 */
// total(), not sum(): sum() of integers throws "integer overflow" past 2^63, and a hostile exporter's counters could
// get there; total() is a float that never throws (whole numbers below 2^53 stay exact)
function rollUpStatements(hour: number, probeId: number): SQL[] {
  const minutes = sql`grain = 'minute' AND bucket >= ${hour} AND bucket < ${hour + HOUR_MS} AND probe_id = ${probeId}`;
  return [
    ...FLOW_TABLES.map((t) => sql`DELETE FROM ${sql.raw(t)} WHERE grain = 'hour' AND bucket = ${hour} AND probe_id = ${probeId}`),
    sql`INSERT INTO flow_totals (grain, bucket, probe_id, bytes, packets, flows)
      SELECT 'hour', ${hour}, ${probeId}, total(bytes), total(packets), total(flows) FROM flow_totals WHERE ${minutes} HAVING count(*) > 0`,
    // a key's subnet is the one of its latest minute (SQLite takes bare columns from the row of the one max())
    sql`INSERT INTO flow_talkers (grain, bucket, probe_id, ip, subnet_id, bytes_in, bytes_out, packets_in, packets_out, flows_in, flows_out)
      SELECT 'hour', ${hour}, ${probeId}, ip, subnet_id, bi, bo, pi, po, fi, fo FROM (
        SELECT ip, subnet_id, max(bucket), total(bytes_in) AS bi, total(bytes_out) AS bo, total(packets_in) AS pi, total(packets_out) AS po,
          total(flows_in) AS fi, total(flows_out) AS fo, row_number() OVER (ORDER BY total(bytes_in) + total(bytes_out) DESC, ip) AS pos
        FROM flow_talkers WHERE ${minutes} GROUP BY ip)
      WHERE pos <= ${ROLLUP_TOP}`,
    sql`INSERT INTO flow_conversations (grain, bucket, probe_id, src, dst, src_subnet_id, dst_subnet_id, bytes, packets, flows)
      SELECT 'hour', ${hour}, ${probeId}, src, dst, src_subnet_id, dst_subnet_id, b, p, f FROM (
        SELECT src, dst, src_subnet_id, dst_subnet_id, max(bucket), total(bytes) AS b, total(packets) AS p, total(flows) AS f,
          row_number() OVER (ORDER BY total(bytes) DESC, src, dst) AS pos
        FROM flow_conversations WHERE ${minutes} GROUP BY src, dst)
      WHERE pos <= ${ROLLUP_TOP}`,
    sql`INSERT INTO flow_ports (grain, bucket, probe_id, protocol, port, bytes, packets, flows)
      SELECT 'hour', ${hour}, ${probeId}, protocol, port, b, p, f FROM (
        SELECT protocol, port, total(bytes) AS b, total(packets) AS p, total(flows) AS f, row_number() OVER (ORDER BY total(bytes) DESC, protocol, port) AS pos
        FROM flow_ports WHERE ${minutes} GROUP BY protocol, port)
      WHERE pos <= ${ROLLUP_TOP}`,
    sql`INSERT INTO flow_matrix (grain, bucket, probe_id, src_subnet_id, dst_subnet_id, bytes, packets, flows)
      SELECT 'hour', ${hour}, ${probeId}, src_subnet_id, dst_subnet_id, b, p, f FROM (
        SELECT src_subnet_id, dst_subnet_id, total(bytes) AS b, total(packets) AS p, total(flows) AS f,
          row_number() OVER (ORDER BY total(bytes) DESC, src_subnet_id, dst_subnet_id) AS pos
        FROM flow_matrix WHERE ${minutes} GROUP BY src_subnet_id, dst_subnet_id)
      WHERE pos <= ${ROLLUP_TOP}`,
    sql`UPDATE flow_hours SET dirty = 0 WHERE bucket = ${hour} AND probe_id = ${probeId}`,
  ];
}

/**
 * Rolls up the dirty hours that ended at least ROLLUP_GRACE_MS ago, oldest first, at most `maxHours` (the rest wait
 * for the next run). Returns the hours rolled. Two runs at once (Node timers, overlapping crons) write the same rows.
 */
export async function rollUpFlows(deps: AppDeps, maxHours = ROLLUP_HOURS_PER_RUN): Promise<number> {
  const before = deps.clock.now() - HOUR_MS - ROLLUP_GRACE_MS;
  const due = await deps.db.all<{ bucket: number; probeId: number }>(
    sql`SELECT bucket, probe_id AS probeId FROM flow_hours WHERE dirty = 1 AND bucket <= ${before} ORDER BY bucket, probe_id LIMIT ${maxHours}`,
  );
  for (const h of due) {
    await runStatements(deps.db, rollUpStatements(Number(h.bucket), Number(h.probeId)));
    await yieldToEventLoop();
  }
  return due.length;
}

/**
 * The flow retention, as statements for prune-history's batch: minute rows after FLOW_MINUTE_RETENTION_DAYS (never
 * those of an hour still waiting for its roll-up), hour rows and unregistered talkers after
 * FLOW_HOURLY_RETENTION_DAYS, and the marks of clean hours whose minutes are gone.
 */
export async function flowPruneStatements(deps: AppDeps, now: number): Promise<SQL[]> {
  const [row] = await deps.db.all<{ earliest: number | null }>(sql`SELECT min(bucket) AS earliest FROM flow_hours WHERE dirty = 1`);
  const earliest = row?.earliest == null ? null : Number(row.earliest);
  const c = flowPruneCutoffs(now, deps.config.flowMinuteRetentionDays * DAY_MS, deps.config.flowHourlyRetentionDays * DAY_MS, earliest);
  return [
    ...FLOW_TABLES.map((t) => sql`DELETE FROM ${sql.raw(t)} WHERE grain = 'minute' AND bucket < ${c.minutesBefore}`),
    ...FLOW_TABLES.map((t) => sql`DELETE FROM ${sql.raw(t)} WHERE grain = 'hour' AND bucket < ${c.hoursBefore}`),
    sql`DELETE FROM unregistered_talkers WHERE day < ${c.daysBefore}`,
    sql`DELETE FROM flow_hours WHERE dirty = 0 AND bucket < ${c.cleanMarksBefore}`,
  ];
}
