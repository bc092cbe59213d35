import { chunks } from '../chunks.js';
import { yieldToEventLoop } from '../yield.js';

/**
 * Bulk rows travel as one JSON parameter per statement, read with json_each (as ingest does): the SQL
 * stays short and within D1's 100 bound parameters. A value is capped in rows and in bytes, since a
 * row can hold kilobytes of notes and D1 refuses a value over 2 MB.
 */
export const ROWS_PER_STATEMENT = 2000;
export const BYTES_PER_STATEMENT = 1_000_000;

/** Rows as JSON arrays of at most ROWS_PER_STATEMENT, each one statement's json_each parameter (ingest's bounded batches). */
export function jsonRowChunks<T>(rows: ReadonlyArray<T>, toRow: (r: T) => unknown[]): string[] {
  return chunks(rows, ROWS_PER_STATEMENT).map((part) => JSON.stringify(part.map(toRow)));
}

/** UTF-8 length of a string, without encoding it. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 1 : 2; // a surrogate pair is 4 bytes: 2 per half
  }
  return n;
}

/** jsonArrays with a turn of the event loop after each array: 50,000 rows in one go held it ~110 ms. */
export async function jsonArraysInTurns(rows: ReadonlyArray<string>, maxRows = ROWS_PER_STATEMENT, maxBytes = BYTES_PER_STATEMENT): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += maxRows) {
    out.push(...jsonArrays(rows.slice(i, i + maxRows), maxRows, maxBytes));
    await yieldToEventLoop();
  }
  return out;
}

/** JSON arrays of the given row texts (each already JSON), at most `maxRows` rows and about `maxBytes` bytes each. */
export function jsonArrays(rows: ReadonlyArray<string>, maxRows = ROWS_PER_STATEMENT, maxBytes = BYTES_PER_STATEMENT): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const size = utf8Length(row) + 1;
    if (part.length && (part.length === maxRows || bytes + size > maxBytes)) {
      out.push(`[${part.join(',')}]`);
      part = [];
      bytes = 2;
    }
    part.push(row);
    bytes += size;
  }
  if (part.length) out.push(`[${part.join(',')}]`);
  return out;
}
