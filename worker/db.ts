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

/** Runs statements atomically; a no-op for an empty list. */
export async function runBatch(db: Db, items: BatchItem<'sqlite'>[]): Promise<void> {
  const [first, ...rest] = items;
  if (first) await db.batch([first, ...rest]);
}
