import { and, eq, sql, type SQL } from 'drizzle-orm';
import { hosts, type HostStatus } from '../../schema/tables/index.js';

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
    // LIKE is case-insensitive for ASCII in SQLite; addresses are stored lower-case
    parts.push(sql`(${hosts.ip} LIKE ${`${like}%`} ESCAPE '\\' OR ${hosts.hostname} LIKE ${`%${like}%`} ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM json_each(${hosts.tags}) WHERE lower(json_each.value) = ${q}))`);
  }
  if (f.status) parts.push(eq(hosts.status, f.status));
  if (f.subnetId !== undefined) parts.push(eq(hosts.subnetId, f.subnetId));
  if (f.tag !== undefined) parts.push(sql`EXISTS (SELECT 1 FROM json_each(${hosts.tags}) WHERE json_each.value = ${f.tag})`);
  if (f.service !== undefined) parts.push(sql`EXISTS (SELECT 1 FROM host_ports p WHERE p.host_id = ${hosts.id} AND p.service = ${f.service})`);
  if (f.port) parts.push(sql`EXISTS (SELECT 1 FROM host_ports p WHERE p.host_id = ${hosts.id} AND p.port = ${f.port.port} AND p.protocol = ${f.port.protocol})`);
  return parts.length ? and(...parts) : undefined;
}
