import { sql, type SQL } from 'drizzle-orm';
import { canonicalIp } from '../../schema/ip/cidr.js';
import type { TrafficItem } from '../../schema/kinds/traffic.js';
import type { LiveEvent } from '../../schema/live.js';
import { checkResultTime } from '../domain/sweep-checks.js';
import type { Rejection, ResultIngest } from './types.js';

/** The figures as columns (the history chart and /metrics read them), the whole result as JSON; the test is done. */
function statement(item: TrafficItem, probeId: number, now: number): SQL {
  const r = item.result;
  return sql`UPDATE traffic_tests SET state = 'done', code = NULL, error = NULL, failed_step = NULL,
      sent_bps = ${r.sentBps}, received_bps = ${r.receivedBps}, retransmits = ${r.retransmits}, jitter_ms = ${r.jitterMs},
      lost_packets = ${r.lostPackets}, packets = ${r.packets}, loss_percent = ${r.lossPercent},
      cpu_local_percent = ${r.cpuLocalPercent}, cpu_remote_percent = ${r.cpuRemotePercent}, result = ${JSON.stringify(r)},
      started_at = coalesce(started_at, ${item.at}), finished_at = ${now}, updated_at = ${now}
    WHERE id = ${item.testId} AND client_job_id = ${item.jobId} AND from_probe_id = ${probeId} AND state = 'running' AND expires_at > ${now}`;
}

/** The `traffic` kind: what iperf3 measured in one test, from its source probe. */
export const trafficIngest: ResultIngest<TrafficItem> = {
  kind: 'traffic',
  // tests are the probe's by their job id, not by a subnet
  probeWide: true,
  listed: (items) => items.length,
  async prepare({ deps, probeId, now, budget }, items) {
    const rejected: Rejection[] = [];
    const ignored: { subnetId: number; addresses: string[] }[] = [];
    const writes = new Map<string, TrafficItem>();
    for (const item of items) {
      const time = checkResultTime(item.at, now);
      if (time) {
        rejected.push({ kind: 'traffic', subnetId: 0, at: item.at, reason: time });
        continue;
      }
      const [test] = await deps.db.all<{ id: string }>(
        sql`SELECT id FROM traffic_tests WHERE id = ${item.testId} AND client_job_id = ${item.jobId} AND from_probe_id = ${probeId} AND state = 'running' AND expires_at > ${now}`,
      );
      // another probe's test, one that ended (a disconnect, its time limit) or one retention removed: nothing to store
      if (!test || !canonicalIp(item.address) || writes.has(item.testId)) {
        ignored.push({ subnetId: 0, addresses: [item.testId.slice(0, 64)] });
        continue;
      }
      writes.set(item.testId, item);
    }
    budget.left -= writes.size;
    if (budget.left < 0) return null;
    return {
      statements: [...writes.values()].map((item) => statement(item, probeId, now)),
      drafts: [],
      rejected,
      ignored,
      samples: writes.size,
      events: 0,
      async announce() {
        return [...writes.keys()].map((testId): LiveEvent => ({ type: 'traffic', data: { testId, state: 'done' } }));
      },
    };
  },
};
