import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * A running server's claim on its DATA_DIR, so `npm run restore` never swaps the database under it.
 *
 * Why a pid file rather than probing SQLite's locks: in WAL mode an idle server holds no lock on the database
 * file that another process could test without taking part in the locking itself, POSIX locks are invisible
 * within one process, and DATABASE_URL may not be a file at all. The file names the process (pid, host, and on
 * Linux its start time from /proc), so one left by a crashed server is recognised as stale: the process is
 * gone, or its pid now belongs to a process that started at another time.
 */
export const LOCK_FILE = 'server.lock';

const holderSchema = z.object({ pid: z.number().int().positive(), host: z.string(), startedAt: z.string(), procStart: z.string().optional(), token: z.string() });
export type LockHolder = z.infer<typeof holderSchema>;

export interface DataLock {
  path: string;
  release(): void;
}

/** State (R, S, D, Z, …) and start time in clock ticks since boot of a process (fields 3 and 22 of /proc/<pid>/stat), where /proc exists. */
export function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: fields[19]! };
  } catch {
    return undefined;
  }
}

function alive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true; // another machine's process (shared storage): we cannot tell, assume it runs
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  const now = procStat(h.pid);
  // a zombie (killed, not yet reaped by its parent or init) still answers kill(pid, 0) but holds nothing any more
  if (now?.state === 'Z' || now?.state === 'X') return false;
  return !(h.procStart && now && now.start !== h.procStart);
}

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The live server holding DATA_DIR, or null when there is none (no lock file, or a stale one). */
export function lockHolder(dataDir: string): LockHolder | null {
  const h = readHolder(join(dataDir, LOCK_FILE));
  return h && alive(h) ? h : null;
}

/**
 * Creates DATA_DIR private to this user (0700, also tightening an existing one) and claims it for this process.
 * Throws if another live process holds it; replaces a stale claim. The claim goes on `release()` or at exit.
 */
export function acquireDataLock(dataDir: string): DataLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const path = join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), procStart: procStat(process.pid)?.start, token: randomUUID() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      chmodSync(path, 0o600);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const other = readHolder(path);
      if (other && other.pid !== process.pid && alive(other))
        throw new Error(`another edge-ipam server (pid ${other.pid} on ${other.host}, since ${other.startedAt}) is using ${dataDir}; stop it first, or delete ${path} if none is running`);
      rmSync(path, { force: true });
    }
  }
  const release = () => {
    process.off('exit', release);
    if (readHolder(path)?.token === me.token) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { path, release };
}
