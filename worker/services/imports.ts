/**
 * Import of hosts and subnets from a sheet or a CSV file in one of the formats of worker/import/formats.ts:
 * `previewImport` says what a commit would write and writes nothing; `commitImport` writes all of it in one atomic
 * batch, or nothing (422 with every bad row, 409 when another request wrote a clashing row meanwhile).
 */
import type { SQL } from 'drizzle-orm';
import { probes } from '../../schema/tables/index.js';
import { matchVendor } from '../../schema/oui.js';
import type { AppDeps } from '../deps.js';
import type { Effects } from '../effects.js';
import { AppError } from '../errors.js';
import type { HostRecord, ImportFormatId, ImportTarget, SubnetRecord } from '../import/formats.js';
import { cellsOf, layoutOf, SAMPLE_ROWS, type Column } from '../import/mapping.js';
import { HEADER_SEARCH_ROWS, type SheetRow } from '../import/sheet.js';
import { ImportPlanner, type ImportAction, type ImportPlan, type OutsideRule, type RowError, type SubnetSnapshot } from '../import/plan.js';
import { hostsEdited, subnetsChanged } from '../live/announce.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { ROWS_PER_TURN } from './csv-read.js';
import { writeAll } from './host-writes.js';
import { checkCells, drained, hostsAt, sheetOfCsv, storedSubnets, textRowsOf } from './import-read.js';
import { importStatements } from './import-write.js';
import { yieldToEventLoop } from '../yield.js';

export interface ImportRequest {
  format: string;
  /**
   * What the browser read from a sheet (rows of Cell, checked here); exactly one of rows and csv. The service takes
   * the array: each row is set to null once read, so the body's rows are not held beside their records.
   */
  rows?: unknown[];
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

/**
 * The first rows, as many as layoutOf looks at: the HEADER_SEARCH_ROWS it finds the header among (or every row up to
 * the request's header line), and the SAMPLE_ROWS after the header.
 */
function headOf(rows: Iterator<SheetRow>, headerRow: number | undefined): SheetRow[] {
  const head: SheetRow[] = [];
  let after = 0;
  while (head.length < HEADER_SEARCH_ROWS + SAMPLE_ROWS || (headerRow !== undefined && after < SAMPLE_ROWS)) {
    const next = rows.next();
    if (next.done) break;
    head.push(next.value);
    if (headerRow !== undefined && next.value.line > headerRow) after++;
  }
  return head;
}

/** `head`'s rows (each let go of once given), then the rest. */
function* concat(head: SheetRow[], rest: Iterator<SheetRow>): Generator<SheetRow> {
  yield* drained(head);
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}

/** Reads the sheet, maps its columns, turns each data row into a record and plans them against what is stored. */
async function prepare(deps: AppDeps, req: ImportRequest): Promise<Prepared> {
  if ((req.rows === undefined) === (req.csv === undefined)) throw bad('invalid_request', 'send the sheet as exactly one of rows and csv');
  const watch = await checkedWatch(deps, req);
  const source = req.rows !== undefined ? (await checkCells(req.rows), textRowsOf(req.rows)) : drained(await sheetOfCsv(req.csv!));
  const head = headOf(source, req.headerRow);
  const layout = layoutOf(head, req);
  const { format, columns } = layout;
  const records: ({ line: number; record: HostRecord | SubnetRecord } | null)[] = [];
  const rejected: RowError[] = [];
  let total = 0;
  // a row becomes its record as it is read, and a record is let go of once planned: the rows never exist in every form at once
  for (const row of concat(head, source)) {
    if (row.line <= layout.headerRow) continue;
    try {
      records.push({ line: row.line, record: format.record(cellsOf(row, columns)) });
    } catch (e) {
      rejected.push({ line: row.line, message: (e as Error).message });
    }
    if (++total % ROWS_PER_TURN === 0) await yieldToEventLoop();
  }
  if (!total) throw bad('import_empty', 'the sheet has no data rows below its header');
  const subnets = await storedSubnets(deps);
  const hosts = format.target === 'hosts' ? await hostsAt(deps, records.map((r) => (r!.record as HostRecord).ip)) : new Map();
  const planner = new ImportPlanner({ target: format.target, subnets, hosts, outside: req.outside ?? 'refuse', watch, defaultProbeId: deps.config.defaultProbeId });
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    records[i] = null;
    planner.add(r.line, r.record);
    if ((i + 1) % ROWS_PER_TURN === 0) await yieldToEventLoop();
  }
  records.length = 0;
  for (const r of rejected) planner.reject(r.line, r.message);
  await yieldToEventLoop();
  return { layout, plan: planner.finish(), total, subnets };
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
  const write = await writeOf(deps, req);
  await yieldToEventLoop();
  await writeAll(deps, write.statements.splice(0), new AppError(409, 'import_conflict', 'another change wrote a subnet or host this file also has, meanwhile; nothing was imported: preview and import the file again'));
  const { result, effects } = write;
  if (audit) {
    await recordAudit(deps, { ...audit, action: 'import.commit', targetType: 'import', details: { format: write.format, rows: write.total, ...result } });
  }
  return { result, effects };
}

/** The statements of a commit and what it answers; the plan is let go of on return, before the batch runs. */
async function writeOf(deps: AppDeps, req: ImportRequest): Promise<{ statements: SQL[]; result: ImportResult; effects: Effects; format: ImportFormatId; total: number }> {
  const prepared = await prepare(deps, req);
  const { layout, plan, total } = prepared;
  if (plan.errors.length) {
    throw new AppError(422, 'import_invalid', `${plan.errors.length} of ${total} rows are invalid; nothing was imported`, { rows: plan.errors.slice(0, MAX_LISTED_ERRORS) });
  }
  const statements = await importStatements(plan, deps.clock.now(), await vendorLookup(deps, plan));
  const { create, update, createSubnets, watch } = counts(prepared);
  return { statements, result: { created: create, updated: update, createdSubnets: createSubnets, watch }, effects: effectsOf(prepared), format: layout.format.id, total };
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
