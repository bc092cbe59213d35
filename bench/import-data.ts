/**
 * The import bench's files: a 50,000-row hosts workbook built with write-excel-file, read back into rows with
 * read-excel-file's universal `readSheet` as the import page does in the browser, the same rows as CSV for sqlite3's
 * `.import`, and a copy with a few bad rows. Addresses: 198.19.0.0/16 only (benchmarking space, no packet is sent).
 */
import { readSheet } from 'read-excel-file/universal';
import writeXlsxFile, { type SheetData } from 'write-excel-file/universal';
import { formatIp, parseCidr } from '../schema/ip/cidr.js';

export type Cell = string | number | boolean | null;

export const BLOCK = '198.19.0.0/16';
/** The subnets created before the import: the /16 as sixteen /20s, 3,125 hosts in each. */
export const SUBNETS = Array.from({ length: 16 }, (_, i) => `198.19.${i * 16}.0/20`);
export const ROWS = 50_000;
export const HEADER = ['ip', 'hostname', 'description', 'tags', 'notes', 'reserved'];
/** A warm-up list in a /24 of its own, so the measured rows are new to the server. */
export const WARM_CIDR = '198.18.254.0/24';

const PER_SUBNET = ROWS / SUBNETS.length;

/** Data row i: spread evenly over the /20s (from each one's .1), with every optional column filled. */
function hostRow(i: number): Cell[] {
  const subnet = parseCidr(SUBNETS[i % SUBNETS.length]!);
  const ip = formatIp(subnet.first + 1n + BigInt(Math.floor(i / SUBNETS.length)), 4);
  return [ip, `host-${i}`, `rack ${i % 40}, unit ${i % 42}`, `bench;rack-${i % 40}`, `imported from the bench, row ${i + 2}`, i % 7 === 0];
}

/** The sheet as write-excel-file takes it: a bold header row, the reserved column as booleans. */
export function sheetData(rows = ROWS): SheetData {
  if (rows > SUBNETS.length * PER_SUBNET) throw new Error(`at most ${SUBNETS.length * PER_SUBNET} rows`);
  const data: SheetData = [HEADER.map((value) => ({ value, fontWeight: 'bold' as const }))];
  for (let i = 0; i < rows; i++) data.push(hostRow(i));
  return data;
}

export async function buildWorkbook(data: SheetData): Promise<Blob> {
  return writeXlsxFile(data, { sheet: 'Hosts' }).toBlob();
}

/** What web/lib/workbook.js sends for a workbook: the first sheet's rows, a date as ISO text, a missing cell as null. */
export async function browserRows(file: Blob): Promise<Cell[][]> {
  const sheet = await readSheet(file);
  return sheet.map((row) => row.map((v) => (v instanceof Date ? v.toISOString() : v === undefined ? null : (v as Cell))));
}

/** A small list in WARM_CIDR, read the same way (the warm-up before each case). */
export async function warmRows(): Promise<Cell[][]> {
  const first = parseCidr(WARM_CIDR).first;
  const data: SheetData = [HEADER, ...Array.from({ length: 10 }, (_, i) => [formatIp(first + 1n + BigInt(i), 4), `warm-${i}`, 'warm-up', 'bench', null, false])];
  return browserRows(await buildWorkbook(data));
}

/** The bad rows of the second variant: the sheet line, what is wrong, and the row it becomes (from the row there). */
export const BAD_ROWS: { line: number; why: string; cells: (row: Cell[]) => Cell[] }[] = [
  { line: 2, why: 'not an address', cells: (r) => ['198.19.300.1', ...r.slice(1)] },
  { line: 12_500, why: 'inside no subnet', cells: (r) => ['198.18.253.7', ...r.slice(1)] },
  { line: 25_000, why: 'reserved neither yes nor no', cells: (r) => [...r.slice(0, 5), 'maybe'] },
  { line: 50_001, why: "line 3's address again", cells: (r) => [hostRow(1)[0]!, ...r.slice(1)] },
];

/** A copy of `rows` (header included) with BAD_ROWS in place of the rows at their lines. */
export function withBadRows(rows: Cell[][]): Cell[][] {
  const out = rows.slice();
  for (const b of BAD_ROWS) out[b.line - 1] = b.cells(rows[b.line - 1]!);
  return out;
}

const csvCell = (v: Cell) => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The rows as a CSV file (header first), for sqlite3's `.import`. */
export const toCsv = (rows: Cell[][]) => rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
