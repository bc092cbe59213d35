import { sql } from 'drizzle-orm';
import { hosts, probes, subnets } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { previouslyUsedSql } from './host-query.js';
import { previouslyUsedSilenceMs } from './hosts.js';

/** Dashboard counts in one query (one pass over the hosts). */
export async function summary(deps: AppDeps) {
  const count = (status: string) => sql<number>`coalesce(sum(${hosts.status} = ${status}), 0)`;
  const silenceMs = previouslyUsedSilenceMs(deps);
  const [r] = await deps.db
    .select({
      total: sql<number>`count(*)`,
      up: count('up'),
      down: count('down'),
      unknown: count('unknown'),
      previouslyUsed: sql<number>`coalesce(sum(${previouslyUsedSql(silenceMs)}), 0)`,
      subnets: sql<number>`(SELECT count(*) FROM ${subnets})`,
      probes: sql<number>`(SELECT count(*) FROM ${probes})`,
      connected: sql<number>`(SELECT count(*) FROM ${probes} WHERE ${probes.connected} = 1)`,
    })
    .from(hosts);
  const n = (v: unknown) => Number(v ?? 0);
  return {
    hosts: { total: n(r?.total), up: n(r?.up), down: n(r?.down), unknown: n(r?.unknown), previouslyUsed: n(r?.previouslyUsed) },
    subnets: { total: n(r?.subnets) },
    probes: { total: n(r?.probes), connected: n(r?.connected) },
  };
}
