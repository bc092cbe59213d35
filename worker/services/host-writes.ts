/**
 * The bulk host writes both imports share (the CSV one and worker/services/imports.ts): rows as JSON arrays read with
 * json_each, a handful of statements for any number of hosts, all in one atomic batch.
 */
import { sql, type SQL } from 'drizzle-orm';
import { ipKey, type Ip } from '../../schema/ip/cidr.js';
import { batchable, isUniqueViolation } from '../db.js';
import type { AppDeps } from '../deps.js';
import type { AppError } from '../errors.js';
import { jsonArraysInTurns } from './json-rows.js';

export interface RowError {
  line: number;
  message: string;
}

/** The editable host fields of one row; undefined: the row leaves the field alone. */
export interface RowFields {
  hostname?: string | null;
  description?: string;
  tags?: string[];
  notes?: string;
  reserved?: boolean;
  reservedBy?: string | null;
  reservedNote?: string | null;
}

/** A MAC the row gives a host that has none: its vendor and whether it is locally administered. */
export interface RowMac {
  mac: string;
  vendor: string | null;
  random: boolean;
}

const nul = <T>(v: T | undefined) => (v === undefined ? null : v);

/** The fields as the JSON text inside a row array: hostname, description, tags, notes, reserved, reservedBy, reservedNote (null: left alone). */
export function rowFieldsJson(f: RowFields): string {
  const tags = f.tags === undefined ? null : JSON.stringify(f.tags);
  return JSON.stringify([f.hostname || null, nul(f.description), tags, nul(f.notes), nul(f.reserved), f.reservedBy || null, f.reservedNote || null]).slice(1, -1);
}

const macJson = (m: RowMac | undefined) => (m ? `${JSON.stringify(m.mac)},${JSON.stringify(m.vendor)},${m.random}` : 'null,null,null');

/** A new host: in stored subnet `subnetId`, or (null) in the subnet with CIDR `subnetCidr` the same batch creates. */
export function hostInsertRow(subnetId: number | null, ip: Ip, fields: string, extra: { subnetCidr?: string; mac?: RowMac } = {}): string {
  return `[${subnetId},${JSON.stringify(ip.text)},"${ipKey(ip.value, ip.family)}",${fields},${JSON.stringify(extra.subnetCidr ?? null)},${macJson(extra.mac)}]`;
}

/** A stored host's update; its MAC is only taken when it has none. */
export function hostUpdateRow(hostId: number, fields: string, mac?: RowMac): string {
  return `[${hostId},${fields},${macJson(mac)}]`;
}

/**
 * The statements writing these rows (hostInsertRow / hostUpdateRow). A field the row leaves empty (null) keeps its
 * stored value, or the column's default for a new host; a hostname from a file is marked `import`.
 */
export async function hostWriteStatements(inserts: readonly string[], updates: readonly string[], now: number): Promise<SQL[]> {
  return hostChunkStatements(await jsonArraysInTurns(inserts), await jsonArraysInTurns(updates), now);
}

/** hostWriteStatements for rows already joined into JSON arrays (json-rows.ts), one statement per array. */
export function hostChunkStatements(inserts: readonly string[], updates: readonly string[], now: number): SQL[] {
  return [
    ...inserts.map(
      (json) => sql`INSERT INTO hosts (subnet_id, ip, ip_key, hostname, hostname_source, description, tags, notes, reserved, reserved_by, reserved_note,
          mac, vendor, mac_random, created_at, updated_at)
        SELECT coalesce(value->>0, (SELECT id FROM subnets WHERE cidr = value->>10)), value->>1, value->>2, value->>3,
          CASE WHEN value->>3 IS NULL THEN NULL ELSE 'import' END, coalesce(value->>4, ''), coalesce(value->>5, '[]'), coalesce(value->>6, ''),
          coalesce(value->>7, 0), value->>8, value->>9, value->>11, value->>12, coalesce(value->>13, 0), ${now}, ${now} FROM json_each(${json})`,
    ),
    ...updates.map(
      // SET reads the row as it was: the MAC columns test the stored mac, not the one being set
      (json) => sql`UPDATE hosts SET hostname = coalesce(j.value->>1, hosts.hostname),
          hostname_source = CASE WHEN j.value->>1 IS NULL THEN hosts.hostname_source ELSE 'import' END,
          description = coalesce(j.value->>2, hosts.description), tags = coalesce(j.value->>3, hosts.tags),
          notes = coalesce(j.value->>4, hosts.notes), reserved = coalesce(j.value->>5, hosts.reserved),
          reserved_by = coalesce(j.value->>6, hosts.reserved_by), reserved_note = coalesce(j.value->>7, hosts.reserved_note),
          mac = coalesce(hosts.mac, j.value->>8),
          vendor = CASE WHEN hosts.mac IS NULL AND j.value->>8 IS NOT NULL THEN j.value->>9 ELSE hosts.vendor END,
          mac_random = CASE WHEN hosts.mac IS NULL AND j.value->>8 IS NOT NULL THEN coalesce(j.value->>10, 0) ELSE hosts.mac_random END,
          updated_at = ${now}
        FROM json_each(${json}) AS j WHERE hosts.id = j.value->>0`,
    ),
  ];
}

/** A write failed because another request wrote a clashing row meanwhile: a UNIQUE index, or a row it refers to gone. */
export function isConflict(e: unknown): boolean {
  const text = String((e as { message?: unknown })?.message ?? e) + String((e as { cause?: unknown })?.cause ?? '');
  return isUniqueViolation(e) || text.toLowerCase().includes('foreign key constraint failed');
}

/** The statements as one atomic batch; `conflict` is thrown when another request wrote a clashing row meanwhile. */
export async function writeAll(deps: AppDeps, statements: SQL[], conflict: AppError): Promise<void> {
  const [first, ...rest] = statements.map((s) => batchable(deps.db, s));
  if (!first) return;
  try {
    await deps.db.batch([first, ...rest]);
  } catch (e) {
    if (isConflict(e)) throw conflict;
    throw e;
  }
}
