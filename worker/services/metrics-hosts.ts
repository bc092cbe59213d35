import { sql } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import { METRIC_BOUNDS } from '../metrics/catalog.js';
import { headerOf, linesOf, type Row } from '../metrics/families.js';
import { yieldToEventLoop } from '../yield.js';

type HostTuple = [id: number, subnetId: number, ip: string, hostname: string, status: 'up' | 'down', latencyMs: number | null];
interface HostPart {
  part: string;
  n: number;
  last: number | null;
}

/**
 * edge_ipam_host_up and edge_ipam_host_latency_seconds: the up and down hosts (at most METRIC_BOUNDS.hosts), read
 * along the primary key in parts of METRIC_BOUNDS.hostPart rows, each one JSON value built by SQLite (a row object per
 * host through the driver costs several times more), rendered part by part with a turn of the event loop between.
 */
export async function hostFamilies(deps: AppDeps, cidrOf: ReadonlyMap<number, string>): Promise<string> {
  let up = '';
  let latency = '';
  let exported = 0;
  let omitted = 0;
  let after = 0;
  for (;;) {
    const limit = Math.min(METRIC_BOUNDS.hostPart, METRIC_BOUNDS.hosts - exported);
    if (limit <= 0) break;
    const [page] = (await deps.db.all<HostPart>(sql`
      SELECT json_group_array(json_array(id, subnet_id, ip, coalesce(hostname, ''), status, latency_ms)) AS part, count(*) AS n, max(id) AS last
      FROM (SELECT id, subnet_id, ip, hostname, status, latency_ms FROM hosts WHERE id > ${after} AND status IN ('up', 'down') ORDER BY id LIMIT ${limit})`)) as [HostPart];
    const upRows: Row[] = [];
    const latencyRows: Row[] = [];
    for (const [, subnetId, ip, hostname, status, latencyMs] of JSON.parse(page.part) as HostTuple[]) {
      const subnet = cidrOf.get(subnetId);
      if (subnet === undefined) {
        omitted++; // a subnet beyond METRIC_BOUNDS.subnets
        continue;
      }
      upRows.push([[subnet, ip, hostname], status === 'up' ? 1 : 0]);
      if (status === 'up' && latencyMs !== null) latencyRows.push([[subnet, ip, hostname], latencyMs / 1000]);
    }
    exported += upRows.length;
    up += linesOf('edge_ipam_host_up', upRows);
    latency += linesOf('edge_ipam_host_latency_seconds', latencyRows);
    if (Number(page.n) < limit || page.last === null) break;
    after = Number(page.last);
    await yieldToEventLoop();
  }
  if (exported >= METRIC_BOUNDS.hosts) {
    const [left] = await deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM hosts WHERE id > ${after} AND status IN ('up', 'down')`);
    omitted += Number(left?.n ?? 0);
  }
  return [
    up && headerOf('edge_ipam_host_up') + up,
    latency && headerOf('edge_ipam_host_latency_seconds') + latency,
    headerOf('edge_ipam_metrics_hosts_omitted') + linesOf('edge_ipam_metrics_hosts_omitted', [[[], omitted]]),
  ].join('');
}
