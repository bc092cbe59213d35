// @ts-check
/**
 * A chosen file as the import API takes it: an .xlsx workbook is read here, in the browser, with read-excel-file
 * (vendored, loaded only when a workbook is chosen) and sent as the rows of its first sheet; a .csv file is sent as
 * its text. The Worker has neither the memory nor the CPU time to unzip a large workbook, so both hosts get rows.
 */
import { MAX_BYTES, MAX_ROWS } from './imports.js';

/** @typedef {string | number | boolean | null} Cell */

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** 'xlsx', 'csv' or null, from the file's name (browsers give .csv files several MIME types, or none). */
export function kindOf(name) {
  const n = String(name).toLowerCase();
  if (n.endsWith('.xlsx')) return 'xlsx';
  if (n.endsWith('.csv')) return 'csv';
  return null;
}

/** A cell as read-excel-file gives it, as the API takes it: a date as ISO text, anything missing as null. */
export function cellOf(v) {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return null;
  return /** @type {Cell} */ (v);
}

/** Cells a row may carry (the server's limit, worker/import/sheet.ts MAX_COLUMNS). */
export const MAX_COLUMNS = 64;

/**
 * The row without its empty cells at the end: read-excel-file pads every row to the sheet's rightmost used
 * column, so one stray value far to the right would otherwise widen every row past what the server takes.
 */
export function trimRow(row) {
  let end = row.length;
  while (end > 0 && (row[end - 1] === null || row[end - 1] === '')) end--;
  return end === row.length ? row : row.slice(0, end);
}

/** Why these rows cannot be sent in one request ('' when they can): too many, or too large as JSON. */
export function rowsProblem(rows) {
  if (rows.length === 0) return 'The first sheet is empty.';
  if (rows.length > MAX_ROWS) return `The first sheet has ${rows.length.toLocaleString('en')} rows; one import takes at most ${(MAX_ROWS - 1).toLocaleString('en')} rows and a header: split the file.`;
  const wide = rows.findIndex((r) => r.length > MAX_COLUMNS);
  if (wide >= 0) return `Row ${wide + 1} has ${rows[wide].length} filled columns; an import reads at most ${MAX_COLUMNS}: delete the columns you do not import.`;
  const bytes = new Blob([JSON.stringify(rows)]).size;
  if (bytes > MAX_BYTES - 64 * 1024) return `The first sheet's cells come to ${mib(bytes)}, more than one import can send (8 MiB): split the file.`;
  return '';
}

/**
 * Reads a chosen file. Throws an Error whose message says what is wrong with the file (size, kind, not a workbook).
 * @param {File} file
 * @returns {Promise<{ name: string, rows: Cell[][] } | { name: string, csv: string }>}
 */
export async function readWorkbook(file) {
  const kind = kindOf(file.name);
  if (!kind) throw new Error(`${file.name}: choose an .xlsx workbook or a .csv file (an old .xls workbook: save it as .xlsx first).`);
  if (file.size > MAX_BYTES) throw new Error(`${file.name} is ${mib(file.size)}: one import takes at most 8 MiB.`);
  if (kind === 'csv') {
    const csv = await file.text();
    if (!csv.trim()) throw new Error(`${file.name} is empty.`);
    return { name: file.name, csv };
  }
  const { readSheet } = await import('../vendor/read-excel-file.mjs');
  let sheet;
  try {
    sheet = await readSheet(file);
  } catch (err) {
    throw new Error(`${file.name} could not be read as an .xlsx workbook (${/** @type {Error} */ (err).message}).`);
  }
  const rows = sheet.map((row) => trimRow(row.map(cellOf)));
  const problem = rowsProblem(rows);
  if (problem) throw new Error(`${file.name}: ${problem}`);
  return { name: file.name, rows };
}
