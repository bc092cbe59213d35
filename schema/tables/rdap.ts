import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Answers fetched from the RDAP bootstrap registry and from RDAP servers (GET /api/tools/rdap), kept until
 * `expires_at`: a bootstrap file about a day, an answer RDAP_CACHE_SECONDS. Rows past their time are deleted
 * when the next answer is written.
 */
export const rdapCache = sqliteTable(
  'rdap_cache',
  {
    /** `bootstrap:<file URL>`, or the query: `domain:example.com`, `ip:198.51.100.7`, `autnum:64496`. */
    key: text('key').primaryKey(),
    /** The base URL of the RDAP server that answered (the bootstrap directory for a bootstrap file). */
    server: text('server').notNull(),
    /** The URL fetched. */
    url: text('url').notNull(),
    /** The JSON as received (bounded in size before it is stored). */
    body: text('body').notNull(),
    fetchedAt: integer('fetched_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('rdap_cache_expires_idx').on(t.expiresAt)],
);

export type RdapCacheRow = typeof rdapCache.$inferSelect;
