import { sql, type SQL } from 'drizzle-orm';
import { labelText, type Labels } from './exposition.js';

/**
 * The `_total` counters kept in `metric_counters`. Each is bumped by the statement `bumpCounters` builds, written in
 * the same atomic batch as what it counts, so it is monotonic and the same on every host and isolate.
 */
export const COUNTERS = {
  /** labels: probe (id) — at the ingest, with the ledger row */
  ingestBatches: 'edge_ipam_ingest_batches_total',
  /** labels: probe (id) — the samples (rows) the batch wrote */
  ingestSamples: 'edge_ipam_ingest_samples_total',
  /** labels: origin (schedule | manual) — when the job is recorded */
  portScanJobs: 'edge_ipam_port_scan_jobs_total',
  /** labels: kind (ping | mtr | traceroute) — one per chosen probe, when the operation is stored */
  operationRuns: 'edge_ipam_operation_runs_total',
  /** labels: outcome (delivered | retry | failed | disabled) — when the runner records the attempt */
  webhookAttempts: 'edge_ipam_webhook_delivery_attempts_total',
} as const;

export type CounterName = (typeof COUNTERS)[keyof typeof COUNTERS];

export interface CounterBump {
  name: CounterName;
  labels?: Labels;
  by: number;
}

/**
 * One upsert adding every bump (zero bumps are dropped; null when none is left). `when`: only if this SQL condition
 * holds when the statement runs (e.g. the row it counts was inserted earlier in the batch).
 */
export function bumpCounters(bumps: readonly CounterBump[], when?: SQL): SQL | null {
  const rows = bumps.filter((b) => b.by > 0).map((b) => [b.name, labelText(b.labels ?? {}).slice(1, -1), b.by]);
  if (!rows.length) return null;
  return sql`INSERT INTO metric_counters (name, labels, value)
    SELECT value->>0, value->>1, value->>2 FROM json_each(${JSON.stringify(rows)}) WHERE ${when ?? sql`true`}
    ON CONFLICT(name, labels) DO UPDATE SET value = value + excluded.value`;
}
