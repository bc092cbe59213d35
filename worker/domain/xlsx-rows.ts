/**
 * Worksheet rows as SpreadsheetML (`<row>` elements of `xl/worksheets/sheetN.xml`, ECMA-376 §18.3.1), made a
 * page at a time so a large export can yield between pages. Text goes inline (`t="inlineStr"`): no shared
 * string table to keep for the whole sheet. `escapeText` is write-excel-file's own (passed in by the caller).
 */
export type XlsxCell = string | number;

/** Printable ASCII without `&`, `<`, `>`: written as it is (IPs, names, timestamps), the rest is escaped. */
const PLAIN = /^[\x20-\x25\x27-\x3b\x3d\x3f-\x7e]*$/;

/** `A`, `B`, … `Z`, `AA`, … for a 0-based column. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

export function cellXml(ref: string, value: XlsxCell, escapeText: (s: string) => string): string {
  if (typeof value === 'number') return Number.isFinite(value) ? `<c r="${ref}"><v>${value}</v></c>` : '';
  if (value === '') return '';
  const text = PLAIN.test(value) ? value : escapeText(value);
  const space = text.trim() === text ? '' : ' xml:space="preserve"';
  return `<c r="${ref}" t="inlineStr"><is><t${space}>${text}</t></is></c>`;
}

/**
 * `rows` as `<row>` elements, the first being sheet row `firstRow` (1-based). Joined from an array, so the
 * answer is one flat string: joining many of them later is a copy, not the walk of a tree of concatenations.
 */
export function rowsXml(rows: ReadonlyArray<ReadonlyArray<XlsxCell>>, firstRow: number, escapeText: (s: string) => string): string {
  const names: string[] = [];
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i]!;
    const r = firstRow + i;
    let row = '';
    for (let j = 0; j < cells.length; j++) row += cellXml((names[j] ??= columnName(j)) + r, cells[j]!, escapeText);
    if (row) out.push(`<row r="${r}">${row}</row>`);
  }
  return out.join('');
}
