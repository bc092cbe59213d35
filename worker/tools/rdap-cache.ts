import { and, eq, gt, lte } from 'drizzle-orm';
import { rdapCache, type RdapCacheRow } from '../../schema/tables/index.js';
import type { Db } from '../db.js';

/** The cached row for `key` while it is fresh at `now`, else null. */
export async function readCache(db: Db, key: string, now: number): Promise<RdapCacheRow | null> {
  const [row] = await db
    .select()
    .from(rdapCache)
    .where(and(eq(rdapCache.key, key), gt(rdapCache.expiresAt, new Date(now))))
    .limit(1);
  return row ?? null;
}

/** Stores (or replaces) one answer and drops the rows past their time, in one batch. */
export async function writeCache(db: Db, row: RdapCacheRow, now: number): Promise<void> {
  await db.batch([
    db.delete(rdapCache).where(lte(rdapCache.expiresAt, new Date(now))),
    db.insert(rdapCache).values(row).onConflictDoUpdate({ target: rdapCache.key, set: { server: row.server, url: row.url, body: row.body, fetchedAt: row.fetchedAt, expiresAt: row.expiresAt } }),
  ]);
}
