import type { SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as tables from '../schema/tables/index.js';

export const schema = tables;
export type Schema = typeof tables;

/**
 * The database as the app sees it, on every host: drizzle over libSQL (Node, Turso) or D1.
 * Neither D1 nor libSQL over HTTP has interactive transactions, so atomic work is one `batch`.
 */
export type Db = BaseSQLiteDatabase<'async', unknown, Schema> & {
  batch(items: readonly [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]): Promise<unknown>;
};

/**
 * A raw SQL statement that can go into `db.batch` on every driver. drizzle's `db.run(sql)` works in a
 * libSQL batch but not in a D1 one (its D1 batch needs a prepared statement), so prepare it the same way
 * the query builders do.
 */
export function batchable(db: Db, query: SQL): BatchItem<'sqlite'> {
  const internals = db as unknown as {
    session: { prepareQuery(q: unknown, fields: undefined, method: 'run', arrayMode: boolean): unknown };
    dialect: { sqlToQuery(q: SQL): unknown };
  };
  return { _prepare: () => internals.session.prepareQuery(internals.dialect.sqlToQuery(query), undefined, 'run', false) } as unknown as BatchItem<'sqlite'>;
}

/** Runs raw statements as one atomic batch (nothing when there are none). */
export async function runStatements(db: Db, statements: readonly SQL[]): Promise<void> {
  const [first, ...rest] = statements.map((s) => batchable(db, s));
  if (first) await db.batch([first, ...rest]);
}

/** Whether a write failed on a UNIQUE index (of `target`, e.g. "hosts.ip", when given), on every driver: the text may sit in the error or its cause. */
export function isUniqueViolation(e: unknown, target = ''): boolean {
  const text = String((e as { message?: unknown })?.message ?? e) + String((e as { cause?: unknown })?.cause ?? '');
  return text.toLowerCase().includes(`unique constraint failed: ${target.toLowerCase()}`);
}
