/** GET /api/tools/oui: the IEEE assignment of a MAC or MAC prefix (schema/oui.ts, the sweep's matching) and the IPAM's hosts that have it. */
import { asc, sql } from 'drizzle-orm';
import { lookupOui, type OuiRegistry } from '../../schema/oui.js';
import { hosts } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';

/** Hosts listed at most. */
export const OUI_HOSTS_LIMIT = 100;

export interface OuiAnswer {
  query: string;
  mac: string | null;
  prefix: string | null;
  registry: OuiRegistry | null;
  vendor: string | null;
  locallyAdministered: boolean;
  multicast: boolean;
  hosts: { hostId: number; subnetId: number; ip: string; hostname: string | null; mac: string }[];
  /** More hosts than `hosts` lists have that MAC or prefix. */
  truncated: boolean;
}

export async function ouiAnswer(deps: AppDeps, query: string): Promise<OuiAnswer> {
  const table = await deps.tools?.ouiTable();
  if (!table) throw new AppError(501, 'unavailable_on_host', 'this host carries no OUI table');
  const found = lookupOui(query, table);
  if (!found) {
    throw new AppError(400, 'invalid_mac', `"${query.slice(0, 40)}" is not a MAC address or the start of one (at least the first octet, hex digits optionally separated by : - or .)`);
  }
  const { searchPrefix, ...rest } = found;
  // MACs are stored lowercase with colons, all below '~': the prefix is a range on hosts_mac_idx (as the host search does)
  const rows = await deps.db
    .select({ hostId: hosts.id, subnetId: hosts.subnetId, ip: hosts.ip, hostname: hosts.hostname, mac: hosts.mac })
    .from(hosts)
    .where(sql`${hosts.mac} >= ${searchPrefix} AND ${hosts.mac} < ${`${searchPrefix}~`}`)
    .orderBy(asc(hosts.mac), asc(hosts.ipKey))
    .limit(OUI_HOSTS_LIMIT + 1);
  return {
    query,
    ...rest,
    hosts: rows.slice(0, OUI_HOSTS_LIMIT).map((r) => ({ ...r, mac: r.mac! })),
    truncated: rows.length > OUI_HOSTS_LIMIT,
  };
}
