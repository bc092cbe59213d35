import { count } from 'drizzle-orm';
import { strFromU8, unzipSync, Zip, ZipDeflate } from 'fflate';
import writeXlsxFile from 'write-excel-file/universal';
import { findElement, sanitizeTextContent } from 'write-excel-file/utility';
import { hosts, subnets } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { rowsXml } from '../domain/xlsx-rows.js';
import { AppError } from '../errors.js';
import { yieldToEventLoop } from '../yield.js';
import { HOST_HEADER, hostPages, SUBNET_HEADER, subnetPages, type ExportRow, type NextPage } from './csv-export.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Rows made into sheet XML and compressed between two yields to the event loop: a few milliseconds. */
export const XLSX_ROWS_PER_TURN = 250;
/** The rows a worksheet holds (Excel's limit), the header's included. */
export const XLSX_MAX_ROWS = 1_048_576;
/** fflate's fastest level: half of level 6's time for a fifth more bytes (a 50,000-host sheet: 1.2 s, 2.3 MB; 2.5 s, 2.0 MB). */
const DEFLATE_LEVEL = 1;

const WIDTHS: Record<string, number> = { ip: 18, cidr: 22, hostname: 24, description: 28, name: 24, notes: 28, tags: 18, last_seen_at: 25 };
const SHEET_FILE = 'xl/worksheets/sheet1.xml';

interface Skeleton {
  /** Every file of the workbook but the sheet, as write-excel-file wrote it. */
  files: [name: string, data: Uint8Array][];
  /** The sheet's XML before and after its data rows. */
  before: string;
  after: string;
}

/**
 * The workbook with the header row alone, written by write-excel-file (styles, the bold header, its frozen pane, the
 * column widths) and opened again, so the data rows can go into its sheet a page at a time. write-excel-file builds a
 * whole sheet in one synchronous step (~3.5 s and the event loop held for 50,000 hosts), and its zip hands any file
 * over 160 kB to a Web Worker, which workerd does not have.
 */
async function skeleton(sheet: string, header: readonly string[]): Promise<Skeleton> {
  const headerRow = header.map((h) => ({ value: h, fontWeight: 'bold' as const }));
  const columns = header.map((h) => ({ width: WIDTHS[h] ?? 14 }));
  const blob = await writeXlsxFile([headerRow], { sheet, columns, stickyRowsCount: 1 }).toBlob();
  const files = unzipSync(new Uint8Array(await blob.arrayBuffer()));
  const xml = strFromU8(files[SHEET_FILE] ?? new Uint8Array());
  const sheetData = findElement(xml, 'sheetData');
  if (!sheetData || sheetData.selfClosingTag || sheetData.closingTagStartIndex === undefined) throw new Error(`write-excel-file wrote ${SHEET_FILE} without its header row`);
  return {
    files: Object.entries(files).filter(([name]) => name !== SHEET_FILE),
    before: xml.slice(0, sheetData.closingTagStartIndex),
    after: xml.slice(sheetData.closingTagStartIndex),
  };
}

/**
 * A one-sheet workbook as the client reads it: the rows of `next` (the CSV export's cells: the same columns,
 * formula-leading text with its leading quote) made into SpreadsheetML and compressed a slice at a time, yielding to
 * the event loop between slices, and sent as they are compressed (worker/domain/xlsx-rows.ts makes the XML). 413
 * `export_too_large` before anything is sent when `rows` is more than a worksheet holds.
 */
export async function exportWorkbook(sheet: string, header: readonly string[], next: NextPage, rows: number): Promise<ReadableStream<Uint8Array>> {
  if (rows + 1 > XLSX_MAX_ROWS) throw new AppError(413, 'export_too_large', `a worksheet holds ${XLSX_MAX_ROWS - 1} rows besides its header, not ${rows}: export CSV instead`);
  const parts = await skeleton(sheet, header);
  const encoder = new TextEncoder();
  const out: Uint8Array[] = [];
  let failed: Error | null = null;
  let ended = false;
  const zip = new Zip((err, data, final) => {
    if (err) failed = err;
    else out.push(data);
    if (final) ended = true;
  });
  for (const [name, data] of parts.files) {
    const file = new ZipDeflate(name, { level: DEFLATE_LEVEL });
    zip.add(file);
    file.push(data, true);
  }
  const sheetFile = new ZipDeflate(SHEET_FILE, { level: DEFLATE_LEVEL });
  zip.add(sheetFile);
  sheetFile.push(encoder.encode(parts.before));
  let written = 1;
  let page: ExportRow[] = [];
  let finished = false;

  /** Compresses the next slice of rows (reading a page when the last is used up); false when the sheet is complete. */
  async function step(): Promise<boolean> {
    if (!page.length) {
      const read = await next();
      if (read === null) {
        sheetFile.push(encoder.encode(parts.after), true);
        zip.end();
        return false;
      }
      page = read;
      if (!page.length) return true;
    }
    const slice = page.slice(0, XLSX_ROWS_PER_TURN);
    page = page.slice(XLSX_ROWS_PER_TURN);
    // rows written meanwhile (the pages are not one snapshot) must not run past the sheet's end
    const fits = slice.slice(0, Math.max(0, XLSX_MAX_ROWS - written));
    sheetFile.push(encoder.encode(rowsXml(fits, written + 1, sanitizeTextContent)));
    written += fits.length;
    return true;
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (failed) return controller.error(failed);
          if (out.length) {
            const chunks = out.splice(0);
            return controller.enqueue(chunks.length === 1 ? chunks[0]! : concat(chunks));
          }
          if (finished) {
            if (!ended) return controller.error(new Error('the workbook did not end'));
            return controller.close();
          }
          await yieldToEventLoop();
          finished = !(await step());
        }
      },
    },
    { highWaterMark: 0 },
  );
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) (all.set(c, at), (at += c.length));
  return all;
}

const countOf = async (deps: AppDeps, table: typeof hosts | typeof subnets) => (await deps.db.select({ n: count() }).from(table))[0]?.n ?? 0;

export const exportSubnetsXlsx = async (deps: AppDeps) => exportWorkbook('subnets', SUBNET_HEADER, subnetPages(deps), await countOf(deps, subnets));
export const exportHostsXlsx = async (deps: AppDeps) => exportWorkbook('hosts', HOST_HEADER, hostPages(deps), await countOf(deps, hosts));
