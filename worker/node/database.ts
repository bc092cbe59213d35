import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { schema, type Db } from '../db.js';
import { DbThread, threadClient, threadDb, type DbClient } from './db-proxy.js';
import { FILE_PRAGMAS } from './db-wire.js';
import type { NodeEnv } from './env.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../schema/migrations', import.meta.url));
/** drizzle's bookkeeping table: present in every database this app has migrated. */
export const MIGRATIONS_TABLE = '__drizzle_migrations';
export const DATABASE_FILE = 'edge-ipam.db';

/** The database URL the Node host uses: DATABASE_URL, else the file in DATA_DIR (the server, backup and restore agree on it). */
export function databaseUrl(env: Pick<NodeEnv, 'DATA_DIR' | 'DATABASE_URL'>): string {
  return env.DATABASE_URL ?? `file:${join(env.DATA_DIR, DATABASE_FILE)}`;
}

/** The path of a `file:` URL's database, or null for a remote one (`libsql://`, `https://`). */
export function localDatabasePath(url: string): string | null {
  if (!url.startsWith('file:')) return null;
  const rest = url.slice('file:'.length).split('?')[0]!;
  if (rest === ':memory:') return null;
  return rest.startsWith('//') ? fileURLToPath(url.split('?')[0]!) : rest;
}

/** The database's side files: SQLite creates them next to it in WAL mode. */
export const sideFiles = (path: string) => [`${path}-wal`, `${path}-shm`];

/**
 * Creates the database file (and any missing folders) private to this user: it holds password and token
 * hashes. SQLite gives -wal/-shm the database file's mode when it creates them, so they follow; the chmods
 * make the modes independent of the umask and tighten files left by an older version.
 */
export function preparePrivateFile(path: string): void {
  const created = mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (created) chmodSync(dirname(path), 0o700);
  closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, ...sideFiles(path)]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Opens (creating if needed) a libSQL database — `file:` locally, `libsql://` for Turso — and migrates it.
 * A file's statements run synchronously in libSQL's local driver, so after migrating (at start-up, on this
 * thread) the file is served by a database thread (worker/node/db-thread.ts) and the event loop never runs SQLite.
 */
export async function openDatabase(url: string, authToken?: string): Promise<{ db: Db; client: DbClient }> {
  const local = url.startsWith('file:');
  const path = localDatabasePath(url);
  if (path) preparePrivateFile(path);
  // One connection for a file: PRAGMAs are per connection, and the app never holds interactive transactions.
  const client = createClient({ url, authToken, concurrency: local ? 1 : undefined });
  for (const pragma of local ? FILE_PRAGMAS : ['PRAGMA foreign_keys = ON']) await client.execute(pragma);
  const direct = drizzle(client, { schema });
  try {
    await migrate(direct, { migrationsFolder: MIGRATIONS_DIR });
  } catch (e) {
    client.close();
    throw e;
  }
  if (path) for (const f of sideFiles(path)) if (existsSync(f)) chmodSync(f, 0o600);
  // remote I/O is async already; `file::memory:` lives in this connection only
  if (!path) return { db: direct as unknown as Db, client };
  client.close();
  const thread = new DbThread(url);
  const threadClientApi = threadClient(thread);
  try {
    await threadClientApi.execute('SELECT 1'); // the thread opened the file and set its PRAGMAs
  } catch (e) {
    await thread.close();
    throw e;
  }
  return { db: threadDb(thread), client: threadClientApi };
}
