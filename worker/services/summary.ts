import { sql } from 'drizzle-orm';
import { hosts, probes, subnets } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';

/** Dashboard counts in one query. */
export async function summary(deps: AppDeps) {
  const count = (status: string) => sql<number>`coalesce(sum(${hosts.status} = ${status}), 0)`;
  const [r] = await deps.db
    .select({
      total: sql<number>`count(*)`,
      up: count('up'),
      down: count('down'),
      unknown: count('unknown'),
      subnets: sql<number>`(SELECT count(*) FROM ${subnets})`,
      probes: sql<number>`(SELECT count(*) FROM ${probes})`,
      connected: sql<number>`(SELECT count(*) FROM ${probes} WHERE ${probes.connected} = 1)`,
    })
    .from(hosts);
  const n = (v: unknown) => Number(v ?? 0);
  return {
    hosts: { total: n(r?.total), up: n(r?.up), down: n(r?.down), unknown: n(r?.unknown) },
    subnets: { total: n(r?.subnets) },
    probes: { total: n(r?.probes), connected: n(r?.connected) },
  };
}
