/**
 * The import's reading side: a sheet's cells or a CSV file's text as text rows (worker/import/sheet.ts), in turns so a
 * 50,000-row file never holds the event loop long, and the snapshots of what is stored that the plan compares with.
 */
import { sql } from 'drizzle-orm';
import { CsvError, parse } from 'csv-parse/stream';
import { hosts, subnets } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { HostSnapshot, SubnetSnapshot } from '../import/plan.js';
import { CellsSchema, MAX_CELL_LENGTH, MAX_COLUMNS, MAX_IMPORT_ROWS, textRow, type Cell, type SheetRow } from '../import/sheet.js';
import { yieldToEventLoop } from '../yield.js';
import { ROWS_PER_TURN } from './csv-read.js';

// csv-parse handles what it is given in one go: a slice is a few milliseconds of parsing
const SLICE_BYTES = 16 * 1024;
const HOSTS_PER_QUERY = 5000;

const tooLarge = () => new AppError(413, 'import_too_large', `at most ${MAX_IMPORT_ROWS - 1} data rows (and a header) per import`);

/**
 * Checks each of a sheet's rows as the browser read them (CellsSchema), keeping nothing: 413 past MAX_IMPORT_ROWS, 400
 * naming the first bad cell. The text rows are made afterwards, a row at a time (textRowsOf).
 */
export async function checkCells(rows: readonly unknown[]): Promise<void> {
  if (rows.length > MAX_IMPORT_ROWS) throw tooLarge();
  for (let i = 0; i < rows.length; i++) {
    const cells = CellsSchema.safeParse(rows[i]);
    if (!cells.success) {
      const issue = cells.error.issues[0]!;
      throw new AppError(400, 'invalid_request', `rows.${[i, ...issue.path].join('.')}: ${issue.message}`, { issues: cells.error.issues.map((x) => ({ path: ['rows', i, ...x.path].join('.'), message: x.message })) });
    }
    if ((i + 1) % ROWS_PER_TURN === 0) await yieldToEventLoop();
  }
}

/**
 * Checked rows (checkCells) as text rows: line = position + 1, empty rows dropped. Each row read is let go of in
 * `rows` (set to null), so a 50,000-row body is not held beside what is made of it.
 */
export function* textRowsOf(rows: unknown[]): Generator<SheetRow> {
  for (let i = 0; i < rows.length; i++) {
    const row = textRow(rows[i] as Cell[], i + 1);
    rows[i] = null;
    if (row) yield row;
  }
}

/** The rows one by one, each let go of in `rows` once given. */
export function* drained(rows: (SheetRow | null)[]): Generator<SheetRow> {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    rows[i] = null;
    yield row;
  }
  rows.length = 0;
}

/** The text as a stream of byte slices, so the parser takes a little at a time. */
function sliced(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(SLICE_BYTES, bytes.length - offset)));
      offset += SLICE_BYTES;
    },
  });
}

/**
 * A CSV file's records as rows. A record's line is its position in the file (1-based, empty lines counted), which is
 * the row number a spreadsheet shows for it; a quoted cell across line breaks is one row.
 */
/**
 * A CSV record's cells within the bounds a sheet's rows have (CellsSchema): the empty cells at its end dropped, then at
 * most MAX_COLUMNS cells of at most MAX_CELL_LENGTH characters, else 400 naming the line: a row of 500,000 commas
 * would otherwise cost seconds of header detection in one turn of the event loop.
 */
function boundedCells(cells: string[], line: number): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end--;
  if (end > MAX_COLUMNS) throw new AppError(400, 'import_too_wide', `line ${line} has ${end} cells; an import reads at most ${MAX_COLUMNS} columns`, { line });
  for (let i = 0; i < end; i++) {
    if (cells[i]!.length > MAX_CELL_LENGTH) throw new AppError(400, 'import_cell_too_long', `line ${line}, column ${i + 1}: a cell holds at most ${MAX_CELL_LENGTH} characters`, { line });
  }
  return end === cells.length ? cells : cells.slice(0, end);
}

export async function sheetOfCsv(text: string): Promise<SheetRow[]> {
  const parser = parse({ relax_column_count: true, skip_empty_lines: false, bom: true });
  const reader = (sliced(text).pipeThrough(parser) as ReadableStream<string[]>).getReader();
  const out: SheetRow[] = [];
  let line = 0;
  try {
    for (;;) {
      let next;
      try {
        next = await reader.read();
      } catch (e) {
        if (!(e instanceof CsvError)) throw e;
        throw new AppError(400, 'import_unreadable', `the CSV could not be read: ${e.message}`);
      }
      if (next.done) break;
      if (++line > MAX_IMPORT_ROWS) throw tooLarge();
      const row = textRow(boundedCells(next.value, line), line);
      if (row) out.push(row);
      if (line % ROWS_PER_TURN === 0) await yieldToEventLoop();
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  }
  return out;
}

/** Every stored subnet, as the plan compares with them. */
export async function storedSubnets(deps: AppDeps): Promise<SubnetSnapshot[]> {
  return deps.db.select({ id: subnets.id, cidr: subnets.cidr, probeId: subnets.probeId }).from(subnets);
}

/** The stored hosts at these addresses (canonical text), with their MAC. */
export async function hostsAt(deps: AppDeps, ips: readonly string[]): Promise<Map<string, HostSnapshot>> {
  const found = new Map<string, HostSnapshot>();
  for (let i = 0; i < ips.length; i += HOSTS_PER_QUERY) {
    if (i) await yieldToEventLoop();
    const [{ part }] = (await deps.db.all<{ part: string }>(sql`
      SELECT json_group_array(json_array(ip, id, mac)) AS part FROM ${hosts}
      WHERE ${hosts.ip} IN (SELECT value FROM json_each(${JSON.stringify(ips.slice(i, i + HOSTS_PER_QUERY))}))`)) as [{ part: string }];
    for (const [ip, id, mac] of JSON.parse(part) as [string, number, string | null][]) found.set(ip, { id, mac });
  }
  return found;
}
