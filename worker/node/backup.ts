import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { localDatabasePath, MIGRATIONS_TABLE, sideFiles } from './database.js';
import { lockHolder } from './data-lock.js';

const REMOTE = 'DATABASE_URL is not a local file: back up a Turso/libSQL database with its own tooling (see README, "Backup and restore")';

/** Row count of every table of a database (sqlite_* tables aside), by name. */
export async function tableRowCounts(client: Client): Promise<Record<string, number>> {
  const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  const out: Record<string, number> = {};
  for (const row of tables.rows) {
    const name = String(row.name);
    out[name] = Number((await client.execute(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`)).rows[0]!.n);
  }
  return out;
}

async function withFile<T>(path: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = createClient({ url: `file:${path}`, concurrency: 1 });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Checks that `path` is an intact edge-ipam database, and leaves it as one self-contained file (rollback journal). */
async function validate(path: string): Promise<Record<string, number>> {
  return withFile(path, async (c) => {
    let problems: string[];
    try {
      problems = (await c.execute('PRAGMA integrity_check')).rows.map((r) => String(r[0])).filter((m) => m !== 'ok');
    } catch (e) {
      throw new Error(`not a valid edge-ipam database: ${(e as Error).message}`);
    }
    if (problems.length) throw new Error(`not a valid edge-ipam database: integrity check failed: ${problems.slice(0, 5).join('; ')}`);
    const migrations = await c.execute({ sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", args: [MIGRATIONS_TABLE] });
    if (!migrations.rows.length) throw new Error(`not a valid edge-ipam database: it has no ${MIGRATIONS_TABLE} table`);
    await c.execute('PRAGMA journal_mode = DELETE');
    return tableRowCounts(c);
  });
}

export interface BackupResult {
  source: string;
  target: string;
  bytes: number;
  tables: Record<string, number>;
}

/**
 * A consistent copy of the database while the server runs: `VACUUM INTO` reads one snapshot (WAL lets the
 * server keep writing meanwhile) and writes a compact, self-contained file. Refuses to overwrite unless `force`.
 */
export async function backupDatabase(url: string, targetPath: string, opts: { force?: boolean } = {}): Promise<BackupResult> {
  const path = localDatabasePath(url);
  if (!path) throw new Error(REMOTE);
  const source = resolve(path);
  const target = resolve(targetPath);
  if (!existsSync(source)) throw new Error(`no database at ${source} (check DATA_DIR / DATABASE_URL)`);
  if (target === source) throw new Error('the backup file cannot be the database itself');
  if (existsSync(target)) {
    if (!opts.force) throw new Error(`${target} exists; refusing to overwrite it (pass --force to replace it)`);
    rmSync(target);
  }
  // VACUUM INTO fills an empty file as well as a missing one: creating it first makes it private from the start
  closeSync(openSync(target, 'wx', 0o600));
  chmodSync(target, 0o600);
  try {
    await withFile(source, async (c) => {
      await c.execute('PRAGMA busy_timeout = 5000');
      await c.execute({ sql: 'VACUUM INTO ?', args: [target] });
    });
    const tables = await validate(target);
    return { source, target, bytes: statSync(target).size, tables };
  } catch (e) {
    rmSync(target, { force: true });
    throw e;
  }
}

export interface RestoreResult {
  target: string;
  /** Where the database that was there before went (with its -wal), if there was one. */
  previous: string | null;
  removed: string[];
  tables: Record<string, number>;
}

/**
 * Puts a backup in place of the database in DATA_DIR. Refuses while a server holds DATA_DIR, and refuses a
 * file that is not an intact edge-ipam database. The database it replaces is kept beside it as
 * `edge-ipam.db.before-restore-<time>`; stale -wal/-shm files go, so SQLite cannot replay them into the backup.
 */
export async function restoreDatabase(env: { DATA_DIR: string; url: string }, backupPath: string, now = new Date()): Promise<RestoreResult> {
  const path = localDatabasePath(env.url);
  if (!path) throw new Error(REMOTE.replace('back up', 'restore'));
  const target = resolve(path);
  const backup = resolve(backupPath);
  const holder = lockHolder(env.DATA_DIR);
  if (holder) throw new Error(`a server (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}) is running on ${resolve(env.DATA_DIR)}; stop it before restoring`);
  if (!existsSync(backup)) throw new Error(`no file at ${backup}`);
  if (backup === target) throw new Error('the backup file is the database itself');
  if (sideFiles(backup).some((f) => existsSync(f) && statSync(f).size > 0))
    throw new Error(`${backup} has a non-empty -wal beside it: it looks like a live database, not a backup (take one with npm run backup)`);

  const created = mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  if (created) chmodSync(dirname(target), 0o700);
  // work on a copy beside the target: the user's backup stays untouched, and the final rename is atomic
  const staging = `${target}.restoring`;
  const clean = (p: string) => [p, ...sideFiles(p)].forEach((f) => rmSync(f, { force: true }));
  clean(staging);
  copyFileSync(backup, staging);
  chmodSync(staging, 0o600);
  let tables: Record<string, number>;
  try {
    tables = await validate(staging);
  } catch (e) {
    clean(staging);
    throw e;
  }

  let previous: string | null = null;
  if (existsSync(target)) {
    previous = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, previous);
    if (existsSync(`${target}-wal`)) renameSync(`${target}-wal`, `${previous}-wal`); // the old database's last commits
  }
  const removed = sideFiles(target).filter((f) => existsSync(f));
  removed.forEach((f) => rmSync(f));
  renameSync(staging, target);
  chmodSync(target, 0o600);
  return { target, previous, removed, tables };
}
