import { and, eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { macSearchPrefix } from '../../schema/mac.js';
import { hosts, type HostStatus } from '../../schema/tables/index.js';
import { AppError } from '../errors.js';

/** isPreviouslyUsed (worker/services/hosts.ts) as an SQL condition on `hosts`: filters, counts, the free addresses. */
export const previouslyUsedSql = (silenceMs: number): SQL =>
  sql`(${hosts.status} != 'up' AND ${hosts.lastSeenAt} IS NOT NULL AND ${hosts.lastCheckedAt} - ${hosts.lastSeenAt} > ${silenceMs})`;

export interface HostFilter {
  /** Case-insensitive: an address prefix, a hostname substring, or a whole tag. */
  q?: string;
  status?: HostStatus;
  subnetId?: number;
  /** One exact tag. */
  tag?: string;
  /** Hosts with an open port running this service (nmap's name: ssh, http, …). */
  service?: string;
  /** Hosts with this port open. */
  port?: { port: number; protocol: 'tcp' | 'udp' };
  /** A MAC prefix in the stored form (macSearchPrefix): hosts whose MAC is, or once was (host_devices), one it starts. */
  mac?: string;
  /** Case-insensitive substring of the current MAC's vendor. */
  vendor?: string;
  /** Previously used or not; `silenceMs` is previouslyUsedSilenceMs(deps). */
  previouslyUsed?: { is: boolean; silenceMs: number };
}

// MACs are stored lowercase with colons, all below '~': a prefix is a range on the BINARY index (LIKE is
// case-insensitive and so could not use hosts_mac_idx or host_devices_mac_idx)
const macRange = (column: SQLWrapper, prefix: string) => sql`(${column} >= ${prefix} AND ${column} < ${`${prefix}~`})`;

/** A `mac=` search term (full or prefix, any separators, any case) as the stored form's prefix; 400 invalid_mac otherwise. */
export function macSearchTerm(text: string): string {
  const prefix = macSearchPrefix(text);
  if (!prefix) throw new AppError(400, 'invalid_mac', `"${text.slice(0, 40)}" is not a MAC address or the start of one (hex digits, optionally separated by : - or .)`);
  return prefix;
}

/**
 * Free text that reads as the start of a MAC in one of its usual forms (bare hex, 2-digit groups with : or -, Cisco's
 * 4-digit groups with .), as the stored form's prefix; null otherwise, so "198.18." or "fd00:40:" stay address prefixes only.
 */
export function textMacPrefix(text: string): string | null {
  const t = text.trim().toLowerCase();
  const shaped = /^[0-9a-f]{1,12}$/.test(t) || /^([0-9a-f]{2}[:-]){1,5}[0-9a-f]{0,2}$/.test(t) || /^([0-9a-f]{4}\.){1,2}[0-9a-f]{0,4}$/.test(t);
  return shaped ? macSearchPrefix(t) : null;
}

/** Escapes LIKE's wildcards (and the escape character) so user text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** The WHERE clause of a host search, or undefined for "every host". Tags are a JSON array column, read with json_each. */
export function hostFilterSql(f: HostFilter): SQL | undefined {
  const parts: SQL[] = [];
  const q = f.q?.trim().toLowerCase();
  if (q) {
    const like = escapeLike(q);
    const qMac = textMacPrefix(q);
    // LIKE is case-insensitive for ASCII in SQLite; addresses are stored lower-case
    parts.push(sql`(${hosts.ip} LIKE ${`${like}%`} ESCAPE '\\' OR ${hosts.hostname} LIKE ${`%${like}%`} ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM json_each(${hosts.tags}) WHERE lower(json_each.value) = ${q})
      OR ${hosts.vendor} LIKE ${`%${like}%`} ESCAPE '\\'${qMac ? sql` OR ${macRange(hosts.mac, qMac)}` : sql``})`);
  }
  if (f.status) parts.push(eq(hosts.status, f.status));
  if (f.subnetId !== undefined) parts.push(eq(hosts.subnetId, f.subnetId));
  if (f.tag !== undefined) parts.push(sql`EXISTS (SELECT 1 FROM json_each(${hosts.tags}) WHERE json_each.value = ${f.tag})`);
  if (f.service !== undefined) parts.push(sql`EXISTS (SELECT 1 FROM host_ports p WHERE p.host_id = ${hosts.id} AND p.service = ${f.service})`);
  if (f.port) parts.push(sql`EXISTS (SELECT 1 FROM host_ports p WHERE p.host_id = ${hosts.id} AND p.port = ${f.port.port} AND p.protocol = ${f.port.protocol})`);
  if (f.mac !== undefined) {
    parts.push(sql`(${macRange(hosts.mac, f.mac)} OR ${hosts.id} IN (SELECT d.host_id FROM host_devices d WHERE ${macRange(sql`d.mac`, f.mac)}))`);
  }
  if (f.vendor !== undefined) parts.push(sql`${hosts.vendor} LIKE ${`%${escapeLike(f.vendor.trim())}%`} ESCAPE '\\'`);
  if (f.previouslyUsed) {
    const used = previouslyUsedSql(f.previouslyUsed.silenceMs);
    parts.push(f.previouslyUsed.is ? used : sql`NOT ${used}`);
  }
  return parts.length ? and(...parts) : undefined;
}
