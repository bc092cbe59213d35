import { asc, sql } from 'drizzle-orm';
import { hosts, type HostRow } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { hostFilterSql, macSearchTerm, type HostFilter } from './host-query.js';
import { hostView, previouslyUsedSilenceMs } from './hosts.js';
import { portChipsOf } from './ports.js';

/** A search as the API takes it: `mac` as typed (any separators), `previouslyUsed` as a yes/no. */
export type HostSearch = Omit<HostFilter, 'mac' | 'previouslyUsed'> & { mac?: string; previouslyUsed?: boolean; limit: number; offset: number };

/** A page of matching hosts, by family then address, and how many match in all (one round trip). 400 invalid_mac for a `mac` that is not one. */
export async function searchHosts(deps: AppDeps, search: HostSearch) {
  const { mac, previouslyUsed, ...rest } = search;
  const f: HostFilter & { limit: number; offset: number } = {
    ...rest,
    ...(mac !== undefined && { mac: macSearchTerm(mac) }),
    ...(previouslyUsed !== undefined && { previouslyUsed: { is: previouslyUsed, silenceMs: previouslyUsedSilenceMs(deps) } }),
  };
  const where = hostFilterSql(f);
  const [counted, rows] = (await deps.db.batch([
    deps.db.select({ n: sql<number>`count(*)` }).from(hosts).where(where),
    // ip_key is 8 hex digits for IPv4 and 32 for IPv6: its length orders the families
    deps.db.select().from(hosts).where(where).orderBy(sql`length(${hosts.ipKey})`, asc(hosts.ipKey)).limit(f.limit).offset(f.offset),
  ])) as [{ n: number }[], HostRow[]];
  const chips = await portChipsOf(deps, rows.map((r) => r.id));
  const silenceMs = previouslyUsedSilenceMs(deps);
  return { total: Number(counted[0]?.n ?? 0), hosts: rows.map((r) => ({ ...hostView(r, silenceMs), ports: chips.get(r.id) ?? [] })) };
}

/** Every tag in use and how many hosts carry it, sorted by tag. */
export async function listTags(deps: AppDeps): Promise<{ tag: string; count: number }[]> {
  const rows = await deps.db.all<{ tag: string; count: number }>(
    sql`SELECT j.value AS tag, count(DISTINCT h.id) AS count FROM ${hosts} h, json_each(h.tags) j GROUP BY j.value ORDER BY j.value`,
  );
  return rows.map((r) => ({ tag: String(r.tag), count: Number(r.count) }));
}
