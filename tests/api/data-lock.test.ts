/**
 * The data directory's lock against real processes: a live holder refuses a second server, a zombie holder (killed,
 * not yet reaped) does not. The zombie is made by a shell that starts `sleep 0` and then becomes `sleep 5`, which
 * never waits for its child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataLock, LOCK_FILE, lockHolder, procStat } from '../../worker/node/data-lock.js';
import { waitFor } from '../support/wait.js';

const work = mkdtempSync(join(tmpdir(), 'eipam-lock-'));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const stat = (pid: number) => procStat(pid)!;

/** A lock file naming `pid` as the server holding `dir`, as acquireDataLock writes it. */
function heldBy(dir: string, pid: number) {
  rmSync(dir, { recursive: true, force: true });
  acquireDataLock(dir).release();
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: new Date().toISOString(), procStart: stat(pid).start, token: 'other' }));
}

/** The shell's pid (it becomes `sleep 5`) and its child's, a zombie once `sleep 0` has ended. */
async function zombie(): Promise<{ parent: number; child: number }> {
  const sh = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(sh);
  const child = await new Promise<number>((resolve) => sh.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  await waitFor('the child is a zombie', () => stat(child).state === 'Z', 3_000, 20);
  return { parent: sh.pid!, child };
}

describe('the data directory lock', () => {
  it('refuses a second server while its holder runs', async () => {
    const { parent } = await zombie();
    const dir = join(work, 'live');
    heldBy(dir, parent);
    expect(lockHolder(dir)?.pid).toBe(parent);
    expect(() => acquireDataLock(dir)).toThrow(`another edge-ipam server (pid ${parent}`);
  });

  it('takes over from a holder that is a zombie: killed, its exit not yet collected', async () => {
    const { child } = await zombie();
    const dir = join(work, 'zombie');
    heldBy(dir, child);
    expect(stat(child).state).toBe('Z'); // kill(pid, 0) still succeeds on it
    expect(lockHolder(dir)).toBeNull();
    const lock = acquireDataLock(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});
