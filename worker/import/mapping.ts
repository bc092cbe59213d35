/**
 * Which format a sheet is, where its header row is and which column fills which field (pure): headers matched by the
 * formats' aliases, the request's own choices on top, and, for a plain list, the address column found by its cells.
 */
import { AppError } from '../errors.js';
import { isAddress } from './fields.js';
import { IMPORT_FORMATS, importFormat, type ListedFormat } from './formats.js';
import { columnHeader, findHeaderRow, headerKey, MAX_COLUMNS, type SheetRow } from './sheet.js';

/** Data rows looked at to size the columns and to find an address column by its cells. */
export const SAMPLE_ROWS = 100;

export interface LayoutRequest {
  format: string;
  /** The header's line in the sheet; 0: the sheet has none. Unset: found among the first rows. */
  headerRow?: number;
  /** Column index (0-based, as text) → field, or null to leave the column out. */
  mapping?: Record<string, string | null>;
}

export interface Column {
  /** 0-based. */
  index: number;
  header: string;
  field: string | null;
}

export interface Layout {
  format: ListedFormat;
  /** The header's line; 0: none, every row is data. */
  headerRow: number;
  columns: Column[];
}

const bad = (code: string, message: string) => new AppError(400, code, message);

function candidates(format: string): readonly ListedFormat[] {
  if (format === 'auto') return IMPORT_FORMATS;
  const f = importFormat(format);
  if (!f) throw bad('import_unknown_format', `unknown format "${format}"; expected auto or ${IMPORT_FORMATS.map((x) => x.id).join(', ')}`);
  return [f];
}

/** The best format for one header row (the first listed of equals); undefined when none fits. */
function bestFor(formats: readonly ListedFormat[], headers: string[]): { format: ListedFormat; score: number } | undefined {
  let best: { format: ListedFormat; score: number } | undefined;
  for (const format of formats) {
    const score = format.detect(headers);
    if (score > 0 && (!best || score > best.score)) best = { format, score };
  }
  return best;
}

/** The header row and the format, as the request fixes them or as the first rows show them. */
function headerAndFormat(rows: readonly SheetRow[], req: LayoutRequest): { format: ListedFormat; header: SheetRow | null } {
  const formats = candidates(req.format);
  const fallback = formats.length === 1 ? formats[0]! : IMPORT_FORMATS[0];
  if (req.headerRow !== undefined) {
    if (req.headerRow === 0) return { format: fallback, header: null };
    const header = rows.find((r) => r.line === req.headerRow);
    if (!header) throw bad('import_bad_header_row', `line ${req.headerRow} is empty or past the end of the sheet`);
    return { format: bestFor(formats, header.cells)?.format ?? fallback, header };
  }
  let best: { format: ListedFormat; row: SheetRow; score: number } | undefined;
  for (const format of formats) {
    const found = findHeaderRow(rows, (h) => format.detect(h));
    if (found && (!best || found.score > best.score || (found.score === best.score && found.row.line < best.row.line))) best = { format, ...found };
  }
  if (best) return { format: best.format, header: best.row };
  // no known header: a plain list of addresses, with the first row as its header unless it holds an address itself
  const first = rows[0]!;
  return { format: fallback, header: first.cells.some(isAddress) ? null : first };
}

function checkedOverrides(format: ListedFormat, mapping: LayoutRequest['mapping']): Map<number, string | null> {
  const out = new Map<number, string | null>();
  const fields = new Set(format.fields.map((f) => f.field));
  const used = new Map<string, number>();
  for (const [key, field] of Object.entries(mapping ?? {})) {
    if (!/^\d{1,2}$/.test(key) || Number(key) >= MAX_COLUMNS) throw bad('import_bad_mapping', `mapping: "${key}" is not a column index from 0 to ${MAX_COLUMNS - 1}`);
    if (field !== null && !fields.has(field)) throw bad('import_unknown_field', `mapping: ${format.id} has no field "${field}"; it has ${[...fields].join(', ')}`);
    if (field !== null && used.has(field)) throw bad('import_bad_mapping', `mapping: columns ${used.get(field)} and ${key} both map to ${field}`);
    if (field !== null) used.set(field, Number(key));
    out.set(Number(key), field);
  }
  return out;
}

/** The first column left unmapped whose sampled cells are mostly addresses (at least one). */
function addressColumn(columns: readonly Column[], data: readonly SheetRow[], overridden: ReadonlyMap<number, unknown>): Column | undefined {
  return columns.find((c) => {
    if (c.field !== null || overridden.has(c.index)) return false;
    let filled = 0;
    let addresses = 0;
    for (const row of data) {
      const cell = row.cells[c.index];
      if (!cell) continue;
      filled++;
      if (isAddress(cell)) addresses++;
    }
    return addresses > 0 && addresses * 2 >= filled;
  });
}

/**
 * The sheet's layout: format, header row and each column's field. 400 when the request names an unknown format or
 * field, or when no column holds the format's address (`import_no_address_column`).
 */
export function layoutOf(rows: readonly SheetRow[], req: LayoutRequest): Layout {
  if (!rows.length) throw bad('import_empty', 'the sheet has no rows');
  const { format, header } = headerAndFormat(rows, req);
  const headerRow = header?.line ?? 0;
  const sample = rows.filter((r) => r.line > headerRow).slice(0, SAMPLE_ROWS);
  const overrides = checkedOverrides(format, req.mapping);
  const width = Math.min(MAX_COLUMNS, Math.max(header?.cells.length ?? 0, ...sample.map((r) => r.cells.length), ...[...overrides.keys()].map((i) => i + 1)));
  const taken = new Set([...overrides.values()].filter((f) => f !== null));
  const columns: Column[] = [];
  for (let index = 0; index < width; index++) {
    const text = columnHeader(header?.cells, index);
    let field = overrides.get(index);
    if (field === undefined) {
      const key = header?.cells[index] ? headerKey(text) : '';
      field = (key && format.fields.find((f) => !taken.has(f.field) && f.aliases.some((a) => headerKey(a) === key))?.field) || null;
      if (field) taken.add(field);
    }
    columns.push({ index, header: text, field });
  }
  for (const required of format.fields.filter((f) => f.required && !taken.has(f.field))) {
    const found = format.target === 'hosts' ? addressColumn(columns, sample, overrides) : undefined;
    if (!found) {
      throw bad('import_no_address_column', `no column holds the ${required.label.toLowerCase()} (${format.label}): name its header ${required.aliases.slice(0, 4).map((a) => `"${a}"`).join(', ')}, or choose the column in the mapping`);
    }
    found.field = required.field;
  }
  return { format, headerRow, columns };
}

/** One data row's cells keyed by field; empty cells are left out. */
export function cellsOf(row: SheetRow, columns: readonly Column[]): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  for (const c of columns) {
    const text = row.cells[c.index];
    if (c.field !== null && text) out[c.field] = text;
  }
  return out;
}
