import { sql, type SQL } from 'drizzle-orm';
import { canonicalIp, contains, parseIp } from '../../schema/ip/cidr.js';
import { canonicalName, validDnsName } from '../../schema/kinds/names.js';
import type { TraceHop, TracerouteItem } from '../../schema/kinds/traceroute.js';
import type { LiveEvent } from '../../schema/live.js';
import { checkResultTime } from '../domain/sweep-checks.js';
import type { Rejection, ResultIngest } from './types.js';

interface TraceWrite {
  hostId: number;
  item: TracerouteItem;
  /** The job was still under way when the result came: the probe's job_status `done` follows and tells the feed. */
  jobUnderWay: boolean;
}

/** A hop as stored: its address canonical (or null when it is not one: no answer), its name only when it is a hostname. */
function cleanHop(h: TraceHop): TraceHop {
  const name = h.name === null ? null : validDnsName(canonicalName(h.name));
  return { ...h, name, address: h.address === null ? null : canonicalIp(h.address) };
}

function statements(writes: TraceWrite[], probeId: number, now: number): SQL[] {
  return writes.flatMap(({ hostId, item }) => [
    // an older trace than the stored one is not applied (the read in prepare decided; this guards a race)
    sql`INSERT INTO host_traces (host_id, probe_id, job_id, at, duration_ms, reached, hops)
        VALUES (${hostId}, ${probeId}, ${item.jobId}, ${item.at}, ${Math.round(item.durationMs)}, ${item.reached ? 1 : 0}, ${JSON.stringify(item.hops.map(cleanHop))})
        ON CONFLICT(host_id) DO UPDATE SET probe_id = excluded.probe_id, job_id = excluded.job_id, at = excluded.at,
          duration_ms = excluded.duration_ms, reached = excluded.reached, hops = excluded.hops
        WHERE excluded.at > host_traces.at`,
    // the result is the job's end, whatever became of the row meanwhile (a disconnect ends it as failed)
    sql`UPDATE jobs SET state = 'done', error = NULL, updated_at = ${now}
        WHERE id = ${item.jobId} AND probe_id = ${probeId} AND kind = 'traceroute' AND state != 'done'`,
  ]);
}

/** The `traceroute` kind: the last trace of each host, one row per host. */
export const tracerouteIngest: ResultIngest<TracerouteItem> = {
  kind: 'traceroute',
  listed: (items) => items.length,
  async prepare({ deps, probeId, now, owned, budget }, items) {
    const rejected: Rejection[] = [];
    const ignored: { subnetId: number; addresses: string[] }[] = [];
    const byHost = new Map<number, TraceWrite>();
    for (const item of items) {
      const reject = (reason: Rejection['reason']) => rejected.push({ kind: 'traceroute', subnetId: item.subnetId, at: item.at, reason });
      const time = checkResultTime(item.at, now);
      if (time) {
        reject(time);
        continue;
      }
      let target: string;
      try {
        const ip = parseIp(item.target);
        if (!contains(owned.get(item.subnetId)!, ip)) throw new Error('outside');
        target = ip.text;
      } catch {
        ignored.push({ subnetId: item.subnetId, addresses: [item.target.slice(0, 64)] });
        continue;
      }
      const [row] = await deps.db.all<{ id: number; tracedAt: number | null; jobState: string | null; jobExpires: number | null }>(sql`
        SELECT h.id, t.at AS tracedAt, j.state AS jobState, j.expires_at AS jobExpires FROM hosts h
        LEFT JOIN host_traces t ON t.host_id = h.id
        LEFT JOIN jobs j ON j.id = ${item.jobId} AND j.probe_id = ${probeId} AND j.kind = 'traceroute'
        WHERE h.subnet_id = ${item.subnetId} AND h.ip = ${target}`);
      // a target without a host record (deleted since) is not created by a trace
      if (!row) {
        ignored.push({ subnetId: item.subnetId, addresses: [target] });
        continue;
      }
      const other = byHost.get(row.id);
      if ((row.tracedAt !== null && Number(row.tracedAt) >= item.at) || (other && other.item.at >= item.at)) {
        reject('stale');
        continue;
      }
      // two traces of one host in a batch: the newer is applied
      if (other) rejected.push({ kind: 'traceroute', subnetId: other.item.subnetId, at: other.item.at, reason: 'stale' });
      const jobUnderWay = (row.jobState === 'queued' || row.jobState === 'started' || row.jobState === 'progress') && Number(row.jobExpires) > now;
      byHost.set(row.id, { hostId: row.id, item: { ...item, target }, jobUnderWay });
    }
    const writes = [...byHost.values()];
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
        // the UI fetches the trace on a job's `done`: said here only when no job_status of the probe will say it
        return writes
          .filter((w) => !w.jobUnderWay)
          .map((w): LiveEvent => ({ type: 'job', data: { jobId: w.item.jobId, kind: 'traceroute', subnetId: w.item.subnetId, probeId, state: 'done', hostIds: [w.hostId] } }));
      },
    };
  },
};
