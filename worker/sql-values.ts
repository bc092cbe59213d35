import { sql, type SQL } from 'drizzle-orm';

export type Literal = number | boolean | null | string;

// Bulk ingest inlines values instead of binding them: D1 allows only 100 bound parameters per
// statement, and thousands of placeholders cost more than the rows. Only values that cannot carry SQL
// are accepted: finite numbers, booleans, null, and strings from a closed alphabet (addresses, hex keys, enums).
const SAFE_TEXT = /^[0-9A-Za-z:._-]{0,64}$/;

export function literal(v: Literal): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`refusing to inline non-finite number ${v}`);
    return String(v);
  }
  if (!SAFE_TEXT.test(v)) throw new Error(`refusing to inline text ${JSON.stringify(v.slice(0, 40))}`);
  return `'${v}'`;
}

/** "(a, b), (c, d)" for a VALUES list. */
export function valuesList(rows: ReadonlyArray<ReadonlyArray<Literal>>): SQL {
  return sql.raw(rows.map((r) => `(${r.map(literal).join(', ')})`).join(', '));
}

export function chunks<T>(items: ReadonlyArray<T>, size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
