import { sql, type SQL } from 'drizzle-orm';
import { canonicalIp } from '../../schema/ip/cidr.js';
import type { OperationItem } from '../../schema/kinds/operation.js';
import type { LiveEvent } from '../../schema/live.js';
import { checkResultTime } from '../domain/sweep-checks.js';
import type { Rejection, ResultIngest } from './types.js';

interface RunWrite {
  operationId: string;
  item: OperationItem;
}

/** The final snapshot ends the run, whatever the probe's link did meanwhile; an earlier one keeps it running. */
const endOf = (item: OperationItem, now: number) =>
  item.final
    ? sql`state = 'done', code = NULL, error = NULL, finished_at = ${now}`
    : sql`state = CASE WHEN state = 'queued' THEN 'running' ELSE state END`;

function statements(writes: RunWrite[], probeId: number, now: number): SQL[] {
  // a snapshot older than the stored one is not applied
  return writes.map(
    ({ item }) =>
      sql`UPDATE operation_runs SET seq = ${item.seq}, result = ${JSON.stringify(item.result)}, address = ${item.address}, updated_at = ${now},
            started_at = coalesce(started_at, ${item.at}), ${endOf(item, now)}
          WHERE id = ${item.jobId} AND probe_id = ${probeId} AND seq < ${item.seq}`,
  );
}

/** The `operation` kind: what a probe's run of a ping, mtr or traceroute found, the latest snapshot per run. */
export const operationIngest: ResultIngest<OperationItem> = {
  kind: 'operation',
  // runs are the probe's by their job id, not by a subnet
  probeWide: true,
  listed: (items) => items.length,
  async prepare({ deps, probeId, now, budget }, items) {
    const rejected: Rejection[] = [];
    const ignored: { subnetId: number; addresses: string[] }[] = [];
    const byRun = new Map<string, RunWrite>();
    for (const item of items) {
      const time = checkResultTime(item.at, now);
      if (time) {
        rejected.push({ kind: 'operation', subnetId: 0, at: item.at, reason: time });
        continue;
      }
      const address = canonicalIp(item.address);
      const [run] = await deps.db.all<{ operationId: string; seq: number }>(
        sql`SELECT operation_id AS operationId, seq FROM operation_runs WHERE id = ${item.jobId} AND probe_id = ${probeId}`,
      );
      // a run of another probe, or one retention removed: nothing to store
      if (!run || !address) {
        ignored.push({ subnetId: 0, addresses: [item.jobId.slice(0, 64)] });
        continue;
      }
      const other = byRun.get(item.jobId);
      if (Number(run.seq) >= item.seq || (other && other.item.seq >= item.seq)) {
        rejected.push({ kind: 'operation', subnetId: 0, at: item.at, reason: 'stale' });
        continue;
      }
      byRun.set(item.jobId, { operationId: run.operationId, item: { ...item, address } });
    }
    const writes = [...byRun.values()];
    budget.left -= writes.length;
    if (budget.left < 0) return null;
    return {
      statements: statements(writes, probeId, now),
      drafts: [],
      rejected,
      ignored,
      samples: writes.length,
      events: 0,
      async announce() {
        return writes.map(
          (w): LiveEvent => ({ type: 'operation', data: { operationId: w.operationId, probeId, state: w.item.final ? 'done' : 'running' } }),
        );
      },
    };
  },
};
