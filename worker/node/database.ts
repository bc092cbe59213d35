import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { schema, type Db } from '../db.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../schema/migrations', import.meta.url));

/** Opens (creating if needed) a libSQL database — `file:` locally, `libsql://` for Turso — and migrates it. */
export async function openDatabase(url: string, authToken?: string): Promise<{ db: Db; client: Client }> {
  if (url.startsWith('file:')) mkdirSync(dirname(url.slice('file:'.length)), { recursive: true });
  // One connection for a file: PRAGMAs are per connection, and the app never holds interactive transactions.
  const client = createClient({ url, authToken, concurrency: url.startsWith('file:') ? 1 : undefined });
  if (url.startsWith('file:')) {
    // WAL lets the UI read while ingest writes; foreign keys are off by default in SQLite.
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA busy_timeout = 5000');
    await client.execute('PRAGMA synchronous = NORMAL');
  }
  await client.execute('PRAGMA foreign_keys = ON');
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db: db as unknown as Db, client };
}
