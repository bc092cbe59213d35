import { CsvError, parse } from 'csv-parse/stream';
import { unprotectCell } from '../domain/csv-cells.js';
import { AppError } from '../errors.js';
import { yieldToEventLoop } from '../yield.js';

export const MAX_CSV_ROWS = 50_000;
/** Rows handled between two yields to the event loop: a few milliseconds of work. */
/** The columns of the CSV files, as export writes them and import reads them. */
export const SUBNET_COLUMNS = ['cidr', 'name', 'notes', 'probe_id', 'sweep_interval_seconds', 'group', 'vlan', 'gateway'] as const;
export const HOST_COLUMNS = ['ip', 'hostname', 'description', 'tags', 'notes', 'reserved', 'reserved_by', 'reserved_note'] as const;
/** Exported for reading; ignored on import so an export can be edited and imported again. */
export const HOST_READONLY_COLUMNS = ['status', 'last_seen_at'] as const;

export const ROWS_PER_TURN = 250;
// csv-parse handles what it is given in one go: 64 KiB is ~1,000 rows, ~10 ms
const SLICE_BYTES = 16 * 1024;

export interface CsvRow {
  line: number;
  row: Record<string, string>;
}

/** Cuts the body into slices the parser takes one at a time (a buffered body arrives as one chunk). */
function slices(): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, out) {
      for (let i = 0; i < chunk.length; i += SLICE_BYTES) out.enqueue(Buffer.from(chunk.buffer, chunk.byteOffset + i, Math.min(SLICE_BYTES, chunk.length - i)));
    },
  });
}

function checkColumns(columns: string[], required: string, known: readonly string[]) {
  if (!columns.includes(required)) throw new AppError(400, 'csv_missing_column', `the CSV needs a "${required}" column`);
  const unknown = columns.filter((c) => !known.includes(c));
  if (unknown.length) throw new AppError(400, 'csv_unknown_column', `unknown column(s): ${unknown.join(', ')}; expected ${known.join(', ')}`);
}

/**
 * Reads a CSV body as it streams in, a slice at a time and yielding to the event loop every
 * ROWS_PER_TURN rows, so a large file never holds the loop for long. Column names are trimmed and
 * lower-cased; cell values lose the quote export put before formula characters (csv-cells.ts).
 */
export async function readCsvRows(body: ReadableStream<Uint8Array> | null, required: string, known: readonly string[]): Promise<CsvRow[]> {
  if (!body) throw new AppError(400, 'csv_empty', 'the CSV has no data rows');
  const parser = parse({ columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, info: true, bom: true });
  const reader = (body.pipeThrough(slices()).pipeThrough(parser) as ReadableStream<{ record: Record<string, string>; info: { lines: number } }>).getReader();
  const rows: CsvRow[] = [];
  try {
    for (;;) {
      let next;
      try {
        next = await reader.read();
      } catch (e) {
        if (!(e instanceof CsvError)) throw e;
        throw new AppError(400, 'csv_unreadable', `the CSV could not be read: ${(e as Error).message}`);
      }
      if (next.done) break;
      const { record, info } = next.value;
      if (!rows.length) checkColumns(Object.keys(record), required, known);
      if (rows.length === MAX_CSV_ROWS) throw new AppError(413, 'csv_too_large', `at most ${MAX_CSV_ROWS} rows per import`);
      for (const key in record) record[key] = unprotectCell(record[key]!);
      rows.push({ line: info.lines, row: record });
      if (rows.length % ROWS_PER_TURN === 0) await yieldToEventLoop();
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  }
  if (!rows.length) throw new AppError(400, 'csv_empty', 'the CSV has no data rows');
  return rows;
}

/** Runs `work` on every item, yielding to the event loop every ROWS_PER_TURN items. */
export async function inTurns<T>(items: ReadonlyArray<T>, work: (item: T) => void): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    work(items[i]!);
    if ((i + 1) % ROWS_PER_TURN === 0) await yieldToEventLoop();
  }
}
