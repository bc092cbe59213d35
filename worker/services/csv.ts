import { and, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ipKey, parseCidr, parseIp, type Cidr, type Ip } from '../../schema/ip/cidr.js';
import { probes, subnets } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import type { Effects } from '../effects.js';
import { hostsEdited, subnetsChanged } from '../live/announce.js';
import { BlockIndex, overlapsWithin, type Block } from '../domain/block-index.js';
import { AppError } from '../errors.js';
import { HostFieldsSchema, SubnetFieldsSchema } from '../routes/schemas.js';
import { yieldToEventLoop } from '../yield.js';
import { HOST_COLUMNS, HOST_READONLY_COLUMNS, inTurns, readCsvRows, SUBNET_COLUMNS } from './csv-read.js';
import { hostInsertRow, hostUpdateRow, hostWriteStatements, rowFieldsJson, writeAll, type RowError } from './host-writes.js';
import { hostIdsByIp } from './hosts.js';
import { checkedGateway } from './subnets.js';
import { jsonArraysInTurns } from './json-rows.js';

export { MAX_CSV_ROWS } from './csv-read.js';
export { exportHostsCsv, exportSubnetsCsv } from './csv-export.js';

export type { RowError } from './host-writes.js';

function rejectIfErrors(errors: RowError[], total: number) {
  if (errors.length) {
    errors.sort((a, b) => a.line - b.line);
    throw new AppError(422, 'csv_invalid', `${errors.length} of ${total} rows are invalid; nothing was imported`, { rows: errors.slice(0, 500) });
  }
}

const opt = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

function parseBool(v: string | undefined): boolean | undefined {
  if (opt(v) === undefined) return undefined;
  const t = v!.toLowerCase();
  if (['1', 'true', 'yes', 'y'].includes(t)) return true;
  if (['0', 'false', 'no', 'n'].includes(t)) return false;
  throw new Error(`reserved must be true or false, not "${v}"`);
}

function issueText(e: z.ZodError) {
  return e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

const blockOf = <T>(c: Cidr, item: T): Block<T> => ({ family: c.family, first: c.first, last: c.last, item });

async function storedBlocks(deps: AppDeps) {
  const rows = await deps.db.select({ id: subnets.id, cidr: subnets.cidr }).from(subnets);
  return new BlockIndex(rows.map((s) => { const c = parseCidr(s.cidr); return blockOf(c, { id: s.id, cidr: c }); }));
}

/**
 * Validates every row first, in turns of ROWS_PER_TURN rows; then writes them all in one atomic batch of
 * few statements (a JSON parameter of up to 2,000 rows each), or nothing.
 */
const SubnetTextSchema = SubnetFieldsSchema.pick({ name: true, notes: true, groupName: true }).required();

export async function importSubnets(deps: AppDeps, body: ReadableStream<Uint8Array> | null): Promise<{ created: number; probeIds: number[]; effects: Effects }> {
  const rows = await readCsvRows(body, 'cidr', SUBNET_COLUMNS);
  const errors: RowError[] = [];
  const existing = await storedBlocks(deps);
  const probeIds = new Set((await deps.db.select({ id: probes.id }).from(probes)).map((p) => p.id));
  const accepted: { c: Cidr; line: number; json: string; probeId: number | null }[] = [];
  await inTurns(rows, ({ line, row }) => {
    try {
      const c = parseCidr(row.cidr ?? '');
      const clash = existing.overlapping(c.family, c.first, c.last);
      if (clash) throw new Error(`${c.cidr} overlaps ${clash.cidr.cidr}`);
      const probeId = opt(row.probe_id) === undefined ? deps.config.defaultProbeId : Number(row.probe_id);
      if (probeId !== null && !probeIds.has(probeId)) throw new Error(`probe ${row.probe_id} does not exist`);
      const interval = opt(row.sweep_interval_seconds) === undefined ? 60 : Number(row.sweep_interval_seconds);
      if (!Number.isInteger(interval) || interval < 10 || interval > 86_400) throw new Error('sweep_interval_seconds must be a whole number from 10 to 86400');
      // the same rules as the JSON API: length, and no control characters
      const text = SubnetTextSchema.safeParse({ name: row.name ?? '', notes: row.notes ?? '', groupName: row.group ?? '' });
      if (!text.success) throw new Error(issueText(text.error));
      const vlan = opt(row.vlan) === undefined ? null : Number(row.vlan);
      if (vlan !== null && (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094)) throw new Error('vlan must be a whole number from 1 to 4094');
      const gateway = checkedGateway(c, opt(row.gateway) ?? null);
      const values = [c.cidr, c.family, ipKey(c.first, c.family), ipKey(c.last, c.family), text.data.name, text.data.notes, probeId, interval, text.data.groupName, vlan, gateway];
      accepted.push({ c, line, json: JSON.stringify(values), probeId });
    } catch (e) {
      errors.push({ line, message: (e as Error).message });
    }
  });
  for (const [later, earlier] of overlapsWithin(accepted.map((a) => blockOf(a.c, a)), (a) => a.line)) {
    errors.push({ line: later.line, message: `${later.c.cidr} overlaps ${earlier.c.cidr} (line ${earlier.line})` });
  }
  rejectIfErrors(errors, rows.length);
  await yieldToEventLoop();
  const now = deps.clock.now();
  const statements = (await jsonArraysInTurns(accepted.map((a) => a.json))).map(
    (json) => sql`INSERT INTO subnets (cidr, family, range_start, range_end, name, notes, probe_id, sweep_interval_seconds, group_name, vlan, gateway, created_at, updated_at)
      SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9, value->>10, ${now}, ${now} FROM json_each(${json})`,
  );
  await writeAll(deps, statements, new AppError(409, 'subnet_exists', 'a subnet in the file was created by someone else meanwhile; nothing was imported'));
  const assigned = [...new Set(accepted.flatMap((a) => (a.probeId == null ? [] : [a.probeId])))];
  return { created: accepted.length, probeIds: assigned, effects: { assignments: assigned, everyProbe: accepted.length > 0, live: [subnetsChanged] } };
}

interface PlannedHost {
  ip: Ip;
  subnetId: number;
  /** rowFieldsJson: the fields as JSON, null where the row leaves one alone. */
  fields: string;
}

export async function importHosts(deps: AppDeps, body: ReadableStream<Uint8Array> | null): Promise<{ created: number; updated: number; subnetIds: number[]; effects: Effects }> {
  const rows = await readCsvRows(body, 'ip', [...HOST_COLUMNS, ...HOST_READONLY_COLUMNS]);
  const blocks = await storedBlocks(deps);
  const errors: RowError[] = [];
  const seen = new Set<string>();
  const planned: PlannedHost[] = [];
  await inTurns(rows, ({ line, row }) => {
    try {
      const ip = parseIp(row.ip ?? '');
      if (seen.has(ip.text)) throw new Error(`${ip.text} appears twice in the file`);
      seen.add(ip.text);
      const block = blocks.find(ip.family, ip.value);
      if (!block) throw new Error(`${ip.text} is not inside any subnet; add the subnet first`);
      const parsed = HostFieldsSchema.safeParse({
        hostname: opt(row.hostname),
        description: opt(row.description),
        tags: opt(row.tags)?.split(';').map((t) => t.trim()).filter(Boolean),
        notes: opt(row.notes),
        reserved: parseBool(row.reserved),
        reservedBy: opt(row.reserved_by),
        reservedNote: opt(row.reserved_note),
      });
      if (!parsed.success) throw new Error(issueText(parsed.error));
      planned.push({ ip, subnetId: block.id, fields: rowFieldsJson(parsed.data) });
    } catch (e) {
      errors.push({ line, message: (e as Error).message });
    }
  });
  rejectIfErrors(errors, rows.length);

  const existing = await hostIdsByIp(deps, planned.map((p) => p.ip.text));
  const inserts: string[] = [];
  const updates: string[] = [];
  await inTurns(planned, (p) => {
    const id = existing.get(p.ip.text);
    if (id === undefined) inserts.push(hostInsertRow(p.subnetId, p.ip, p.fields));
    else updates.push(hostUpdateRow(id, p.fields));
  });
  const statements = await hostWriteStatements(inserts, updates, deps.clock.now());
  await yieldToEventLoop();
  await writeAll(deps, statements, new AppError(409, 'host_exists', 'an address in the file got a host record meanwhile; nothing was imported, import the file again'));
  const subnetIds = [...new Set(planned.map((p) => p.subnetId))];
  // IPv6 sweeps probe the known hosts: their probes need the new list
  return { created: inserts.length, updated: updates.length, subnetIds, effects: { assignments: await probesOfSubnets(deps, subnetIds), live: [hostsEdited(subnetIds)] } };
}

/** The probes sweeping these subnets: they get a new assignment after an import (IPv6 sweeps list the known hosts). */
export async function probesOfSubnets(deps: AppDeps, subnetIds: number[]): Promise<number[]> {
  if (!subnetIds.length) return [];
  const rows = await deps.db
    .selectDistinct({ probeId: subnets.probeId })
    .from(subnets)
    .where(and(isNotNull(subnets.probeId), sql`${subnets.id} IN (SELECT value FROM json_each(${JSON.stringify(subnetIds)}))`));
  return rows.map((r) => r.probeId!);
}
