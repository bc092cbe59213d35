import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { contains, ipKey, overlaps, parseCidr, parseIp, type Cidr, type Ip } from '../../schema/ip/cidr.js';
import { hosts, probes, subnets } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { HostFieldsSchema } from '../routes/schemas.js';
import { hostValues, type HostFields } from './hosts.js';
import { chunks } from '../chunks.js';
import { protectCell, unprotectCell } from '../domain/csv-cells.js';
import { listSubnets } from './subnets.js';

export const MAX_CSV_ROWS = 50_000;

export interface RowError {
  line: number;
  message: string;
}

const SUBNET_COLUMNS = ['cidr', 'name', 'notes', 'probe_id', 'sweep_interval_seconds'] as const;
const HOST_COLUMNS = ['ip', 'hostname', 'description', 'tags', 'notes', 'reserved', 'reserved_by', 'reserved_note'] as const;
/** Exported for reading; ignored on import so an export can be edited and imported again. */
const HOST_READONLY_COLUMNS = ['status', 'last_seen_at'] as const;

function readCsv(text: string, required: string, known: readonly string[]) {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (e) {
    throw new AppError(400, 'csv_unreadable', `the CSV could not be read: ${(e as Error).message}`);
  }
  const columns = Object.keys(records[0]?.record ?? {});
  if (!records.length) throw new AppError(400, 'csv_empty', 'the CSV has no data rows');
  if (!columns.includes(required)) throw new AppError(400, 'csv_missing_column', `the CSV needs a "${required}" column`);
  const unknown = columns.filter((c) => !known.includes(c));
  if (unknown.length) throw new AppError(400, 'csv_unknown_column', `unknown column(s): ${unknown.join(', ')}; expected ${known.join(', ')}`);
  if (records.length > MAX_CSV_ROWS) throw new AppError(413, 'csv_too_large', `at most ${MAX_CSV_ROWS} rows per import`);
  return records.map((r) => ({ line: r.info.lines, row: unprotected(r.record) }));
}

function unprotected(record: Record<string, string>): Record<string, string> {
  for (const key of Object.keys(record)) record[key] = unprotectCell(record[key]!);
  return record;
}

/** Text cells as a spreadsheet may open them safely (numbers are left alone). */
function safeCells(row: (string | number)[]): (string | number)[] {
  return row.map((v) => (typeof v === 'string' ? protectCell(v) : v));
}

function rejectIfErrors(errors: RowError[], total: number) {
  if (errors.length)
    throw new AppError(422, 'csv_invalid', `${errors.length} of ${total} rows are invalid; nothing was imported`, { rows: errors.slice(0, 500) });
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

/** Validates every row first; writes all of them in one atomic batch, or nothing. */
export async function importSubnets(deps: AppDeps, text: string): Promise<{ created: number; probeIds: number[] }> {
  const rows = readCsv(text, 'cidr', SUBNET_COLUMNS);
  const errors: RowError[] = [];
  const existing = (await deps.db.select({ cidr: subnets.cidr }).from(subnets)).map((s) => parseCidr(s.cidr));
  const probeIds = new Set((await deps.db.select({ id: probes.id }).from(probes)).map((p) => p.id));
  const accepted: { c: Cidr; line: number }[] = [];
  const values = [];
  const now = new Date(deps.clock.now());
  for (const { line, row } of rows) {
    try {
      const c = parseCidr(row.cidr ?? '');
      const clash = [...existing, ...accepted.map((a) => a.c)].find((o) => overlaps(o, c));
      if (clash) throw new Error(`${c.cidr} overlaps ${clash.cidr}`);
      const probeId = opt(row.probe_id) === undefined ? deps.config.defaultProbeId : Number(row.probe_id);
      if (probeId !== null && !probeIds.has(probeId)) throw new Error(`probe ${row.probe_id} does not exist`);
      const interval = opt(row.sweep_interval_seconds) === undefined ? 60 : Number(row.sweep_interval_seconds);
      if (!Number.isInteger(interval) || interval < 10 || interval > 86_400) throw new Error('sweep_interval_seconds must be a whole number from 10 to 86400');
      accepted.push({ c, line });
      values.push({
        cidr: c.cidr,
        family: c.family,
        rangeStart: ipKey(c.first, c.family),
        rangeEnd: ipKey(c.last, c.family),
        name: (row.name ?? '').slice(0, 200),
        notes: row.notes ?? '',
        probeId,
        sweepIntervalSeconds: interval,
        createdAt: now,
        updatedAt: now,
      });
    } catch (e) {
      errors.push({ line, message: (e as Error).message });
    }
  }
  rejectIfErrors(errors, rows.length);
  const [first, ...rest] = values.map((v) => deps.db.insert(subnets).values(v));
  if (first) await deps.db.batch([first, ...rest]);
  return { created: values.length, probeIds: [...new Set(values.flatMap((v) => (v.probeId == null ? [] : [v.probeId])))] };
}

export async function importHosts(deps: AppDeps, text: string): Promise<{ created: number; updated: number; subnetIds: number[] }> {
  const rows = readCsv(text, 'ip', [...HOST_COLUMNS, ...HOST_READONLY_COLUMNS]);
  const blocks = (await deps.db.select({ id: subnets.id, cidr: subnets.cidr }).from(subnets)).map((s) => ({ id: s.id, c: parseCidr(s.cidr) }));
  const errors: RowError[] = [];
  const seen = new Set<string>();
  const planned: { ip: Ip; subnetId: number; fields: HostFields }[] = [];
  for (const { line, row } of rows) {
    try {
      const ip = parseIp(row.ip ?? '');
      if (seen.has(ip.text)) throw new Error(`${ip.text} appears twice in the file`);
      seen.add(ip.text);
      const block = blocks.find((b) => contains(b.c, ip));
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
      planned.push({ ip, subnetId: block.id, fields: parsed.data });
    } catch (e) {
      errors.push({ line, message: (e as Error).message });
    }
  }
  rejectIfErrors(errors, rows.length);
  const existing = new Map<string, number>();
  for (const part of chunks(planned, 500)) {
    const found = await deps.db.select({ id: hosts.id, ip: hosts.ip }).from(hosts).where(inArray(hosts.ip, part.map((p) => p.ip.text)));
    for (const h of found) existing.set(h.ip, h.id);
  }
  const now = new Date(deps.clock.now());
  const statements = planned.map((p) => {
    const id = existing.get(p.ip.text);
    if (id === undefined) return deps.db.insert(hosts).values(hostValues(p.subnetId, p.ip, p.fields, 'import', now));
    const hostname = p.fields.hostname === undefined ? {} : { hostname: p.fields.hostname, hostnameSource: 'import' as const };
    return deps.db.update(hosts).set({ ...p.fields, ...hostname, updatedAt: now }).where(eq(hosts.id, id));
  });
  const [first, ...rest] = statements;
  if (first) await deps.db.batch([first, ...rest]);
  return { created: planned.length - existing.size, updated: existing.size, subnetIds: [...new Set(planned.map((p) => p.subnetId))] };
}

export async function exportSubnetsCsv(deps: AppDeps): Promise<string> {
  const rows = await listSubnets(deps);
  return stringify(
    rows.map((s) => safeCells([s.cidr, s.name, s.notes, s.probeId ?? '', s.sweepIntervalSeconds])),
    { header: true, columns: [...SUBNET_COLUMNS] },
  );
}

export async function exportHostsCsv(deps: AppDeps): Promise<string> {
  const rows = await deps.db.select().from(hosts).orderBy(hosts.ipKey);
  return stringify(
    rows.map((h) => safeCells([h.ip, h.hostname ?? '', h.description, h.tags.join(';'), h.notes, h.reserved ? 'true' : 'false', h.reservedBy ?? '', h.reservedNote ?? '', h.status, h.lastSeenAt?.toISOString() ?? ''])),
    { header: true, columns: [...HOST_COLUMNS, ...HOST_READONLY_COLUMNS] },
  );
}
