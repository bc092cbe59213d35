/**
 * Import of hosts and subnets from a sheet or a CSV file in one of the formats of worker/import/formats.ts:
 * `previewImport` says what a commit would write and writes nothing; `commitImport` writes all of it in one atomic
 * batch, or nothing (422 with every bad row, 409 when another request wrote a clashing row meanwhile).
 */
import { probes } from '../../schema/tables/index.js';
import { matchVendor } from '../../schema/oui.js';
import type { AppDeps } from '../deps.js';
import type { Effects } from '../effects.js';
import { AppError } from '../errors.js';
import type { HostRecord, ImportFormatId, ImportTarget, SubnetRecord } from '../import/formats.js';
import { cellsOf, layoutOf, type Column } from '../import/mapping.js';
import { ImportPlanner, type ImportAction, type ImportPlan, type OutsideRule, type RowError, type SubnetSnapshot } from '../import/plan.js';
import { hostsEdited, subnetsChanged } from '../live/announce.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { inTurns } from './csv-read.js';
import { writeAll } from './host-writes.js';
import { hostsAt, sheetOfCells, sheetOfCsv, storedSubnets } from './import-read.js';
import { importStatements } from './import-write.js';
import { yieldToEventLoop } from '../yield.js';

export interface ImportRequest {
  format: string;
  /** What the browser read from a sheet (rows of Cell, checked here); exactly one of rows and csv. */
  rows?: readonly unknown[];
  /** A CSV file's text. */
  csv?: string;
  mapping?: Record<string, string | null>;
  headerRow?: number;
  outside?: OutsideRule;
  /** probeId left out: the server's default probe. */
  watch?: { name: string; probeId?: number | null };
}

/** Bad rows listed in an answer at most; `errorCount` says how many there are. */
export const MAX_LISTED_ERRORS = 500;

export interface ImportPreview {
  format: ImportFormatId;
  target: ImportTarget;
  headerRow: number;
  columns: Column[];
  fields: { field: string; label: string }[];
  total: number;
  create: number;
  update: number;
  createSubnets: number;
  watch: number;
  errors: RowError[];
  errorCount: number;
  sample: ({ line: number; action: ImportAction } & (HostRecord | SubnetRecord))[];
}

export interface ImportResult {
  created: number;
  updated: number;
  createdSubnets: number;
  watch: number;
}

const bad = (code: string, message: string) => new AppError(400, code, message);

async function checkedWatch(deps: AppDeps, req: ImportRequest): Promise<{ name: string; probeId: number | null } | undefined> {
  if ((req.outside ?? 'refuse') !== 'watch') return undefined;
  const name = req.watch?.name.trim();
  if (!name) throw bad('import_watch_name', 'importing addresses outside every subnet as a watch list needs the list\'s name (watch.name)');
  const probeId = req.watch?.probeId === undefined ? deps.config.defaultProbeId : req.watch.probeId;
  if (probeId !== null) {
    const known = (await deps.db.select({ id: probes.id }).from(probes)).some((p) => p.id === probeId);
    if (!known) throw bad('unknown_probe', `probe ${probeId} does not exist`);
  }
  return { name, probeId };
}

interface Prepared {
  layout: ReturnType<typeof layoutOf>;
  plan: ImportPlan;
  total: number;
  subnets: SubnetSnapshot[];
}

/** Reads the sheet, maps its columns, turns each data row into a record and plans them against what is stored. */
async function prepare(deps: AppDeps, req: ImportRequest): Promise<Prepared> {
  if ((req.rows === undefined) === (req.csv === undefined)) throw bad('invalid_request', 'send the sheet as exactly one of rows and csv');
  const watch = await checkedWatch(deps, req);
  const sheet = req.rows !== undefined ? await sheetOfCells(req.rows) : await sheetOfCsv(req.csv!);
  const layout = layoutOf(sheet, req);
  const data = sheet.filter((r) => r.line > layout.headerRow);
  if (!data.length) throw bad('import_empty', 'the sheet has no data rows below its header');
  const { format, columns } = layout;
  const records: { line: number; record: HostRecord | SubnetRecord }[] = [];
  const rejected: RowError[] = [];
  await inTurns(data, (row) => {
    try {
      records.push({ line: row.line, record: format.record(cellsOf(row, columns)) });
    } catch (e) {
      rejected.push({ line: row.line, message: (e as Error).message });
    }
  });
  const subnets = await storedSubnets(deps);
  const hosts = format.target === 'hosts' ? await hostsAt(deps, records.map((r) => (r.record as HostRecord).ip)) : new Map();
  const planner = new ImportPlanner({ target: format.target, subnets, hosts, outside: req.outside ?? 'refuse', watch, defaultProbeId: deps.config.defaultProbeId });
  await inTurns(records, (r) => planner.add(r.line, r.record));
  for (const r of rejected) planner.reject(r.line, r.message);
  await yieldToEventLoop();
  return { layout, plan: planner.finish(), total: data.length, subnets };
}

type Counts = Pick<ImportPreview, 'create' | 'update' | 'createSubnets' | 'watch'>;

function counts({ layout, plan }: Prepared): Counts {
  if (layout.format.target === 'subnets') return { create: plan.subnets.create.length, update: plan.subnets.update.length, createSubnets: plan.subnets.create.length, watch: 0 };
  return { create: plan.hosts.create.length - plan.watch, update: plan.hosts.update.length, createSubnets: plan.subnets.create.length, watch: plan.watch };
}

/** What a commit of this request would write; writes nothing. */
export async function previewImport(deps: AppDeps, req: ImportRequest): Promise<ImportPreview> {
  const prepared = await prepare(deps, req);
  const { layout, plan, total } = prepared;
  return {
    format: layout.format.id,
    target: layout.format.target,
    headerRow: layout.headerRow,
    columns: layout.columns,
    fields: layout.format.fields.map(({ field, label }) => ({ field, label })),
    total,
    ...counts(prepared),
    errors: plan.errors.slice(0, MAX_LISTED_ERRORS),
    errorCount: plan.errors.length,
    sample: plan.sample.map(({ line, action, record }) => ({ line, action, ...record })),
  };
}

/** A vendor lookup over the host's OUI table, loaded only when the file sets MACs; none when the host carries no table. */
async function vendorLookup(deps: AppDeps, plan: ImportPlan): Promise<(mac: string) => string | null> {
  const needed = plan.hosts.create.some((h) => h.setMac) || plan.hosts.update.some((h) => h.setMac);
  const table = needed ? await deps.tools?.ouiTable().catch(() => null) : null;
  return table ? (mac) => matchVendor(mac, table) : () => null;
}

/**
 * Writes the whole import in one atomic batch, or nothing. With `audit`, one `import.commit` row (format and counts).
 * Effects: new assignments for the probes of the subnets it touched or created, the live subnets and hosts events.
 */
export async function commitImport(deps: AppDeps, req: ImportRequest, audit?: Pick<AuditEntry, 'actor' | 'clientAddress'>): Promise<{ result: ImportResult; effects: Effects }> {
  const prepared = await prepare(deps, req);
  const { layout, plan, total } = prepared;
  if (plan.errors.length) {
    throw new AppError(422, 'import_invalid', `${plan.errors.length} of ${total} rows are invalid; nothing was imported`, { rows: plan.errors.slice(0, MAX_LISTED_ERRORS) });
  }
  const statements = await importStatements(plan, deps.clock.now(), await vendorLookup(deps, plan));
  await yieldToEventLoop();
  await writeAll(deps, statements, new AppError(409, 'import_conflict', 'another change wrote a subnet or host this file also has, meanwhile; nothing was imported: preview and import the file again'));
  const { create, update, createSubnets, watch } = counts(prepared);
  const result = { created: create, updated: update, createdSubnets: createSubnets, watch };
  if (audit) {
    await recordAudit(deps, { ...audit, action: 'import.commit', targetType: 'import', details: { format: layout.format.id, rows: total, ...result } });
  }
  return { result, effects: effectsOf(prepared) };
}

function effectsOf({ plan, subnets }: Prepared): Effects {
  const probeOf = new Map(subnets.map((s) => [s.id, s.probeId]));
  const hostsWritten = plan.hosts.create.length + plan.hosts.update.length > 0;
  const subnetsWritten = plan.subnets.create.length + plan.subnets.update.length > 0;
  // IPv6 sweeps probe the known hosts: the probes of the subnets that got hosts need the new list
  const assignments = [...plan.touched.map((id) => probeOf.get(id)), ...plan.subnets.create.map((s) => s.probeId)];
  return {
    assignments,
    everyProbe: plan.subnets.create.length > 0,
    live: [...(subnetsWritten ? [subnetsChanged] : []), ...(hostsWritten ? [hostsEdited(plan.touched)] : [])],
  };
}
