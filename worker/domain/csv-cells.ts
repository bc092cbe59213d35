/**
 * CSV formula injection (OWASP): a spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, tab or
 * carriage return as a formula. On export such a cell gets a leading single quote, which spreadsheets
 * show as text and do not display.
 *
 * On import the quote comes off again, but only where export put it: a cell of one or more quotes followed
 * by one of those characters loses exactly one quote. A value that itself begins with quotes before such a
 * character (`'=x`) gets one more quote on export (`''=x`), so export then import gives back every value
 * as it was. Any other leading quote (`'abc`, `'`) is data and stays. A file written by hand with `'=x`
 * meaning the text `'=x` imports as `=x`: write `''=x` for that.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** The cell as it goes into an exported CSV. */
export function protectCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The value of an imported cell: undoes protectCell. */
export function unprotectCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV record and its line break, as csv-stringify writes it (RFC 4180 quoting), at a fraction of the cost. */
export function csvLine(cells: ReadonlyArray<string | number>): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const v = String(cells[i]);
    if (i) line += ',';
    line += NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }
  return line + '\n';
}
