/**
 * A sheet as the import reads it (pure): cells as a workbook reader or a CSV parser gives them, turned into trimmed
 * text rows with the line the admin sees in the spreadsheet, and the header row found among the first rows.
 */
import { z } from 'zod';
import { unprotectCell } from '../domain/csv-cells.js';

/** A cell as a sheet or a CSV gives it (numbers stored as text arrive as strings). */
export type Cell = string | number | boolean | null;

/** Rows of one import, the header included, and cells of one row. */
export const MAX_IMPORT_ROWS = 50_001;
export const MAX_COLUMNS = 64;
/** Characters one cell may hold. */
export const MAX_CELL_LENGTH = 10_000;

/** One row as a request carries it. Checked a row at a time, in turns: 50,000 rows at once held the event loop ~0.5 s. */
export const CellsSchema = z.array(z.union([z.string().max(MAX_CELL_LENGTH), z.number(), z.boolean(), z.null()])).max(MAX_COLUMNS);

/** A row that holds something: its 1-based line in the sheet and its cells as text ('' for an empty one). */
export interface SheetRow {
  line: number;
  cells: string[];
}

/** Rows searched for the header. */
export const HEADER_SEARCH_ROWS = 10;

/**
 * One cell as text: trimmed, an integer without ".0" (Excel gives 24, not "24"), booleans as true/false, and without
 * the quote the CSV export put before a formula character (domain/csv-cells.ts).
 */
export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return '';
    // BigInt keeps large integers in full where String(1e21) gives "1e+21"
    return Number.isInteger(cell) ? BigInt(cell).toString() : String(cell);
  }
  return unprotectCell(String(cell).trim());
}

/** The row at `line` as text, or null when every cell is empty. A BOM goes with the trimming (U+FEFF is white space to trim). */
export function textRow(cells: readonly Cell[], line: number): SheetRow | null {
  const out = new Array<string>(cells.length);
  let any = false;
  for (let i = 0; i < cells.length; i++) {
    const text = cellText(cells[i]);
    out[i] = text;
    if (text) any = true;
  }
  return any ? { line, cells: out } : null;
}

/** A header as it is compared with the aliases: lower case, `_`, `-`, `.` and runs of spaces as one space, no trailing colon. */
export function headerKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s_\-.]+/g, ' ')
    .trim()
    .replace(/\s*[:*]+$/, '');
}

/** The header text of column `index`: an empty or merged cell is "column N" (1-based, as a person counts). */
export function columnHeader(cells: readonly string[] | undefined, index: number): string {
  return cells?.[index] || `column ${index + 1}`;
}

/**
 * The header row among the first HEADER_SEARCH_ROWS rows: the one `score` rates highest (the first of equals), so a
 * merged title row above the header is passed over. Null when none scores above 0.
 */
export function findHeaderRow(rows: readonly SheetRow[], score: (headers: string[]) => number): { row: SheetRow; score: number } | null {
  let best: { row: SheetRow; score: number } | null = null;
  for (const row of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const s = score(row.cells);
    if (s > 0 && (!best || s > best.score)) best = { row, score: s };
  }
  return best;
}
