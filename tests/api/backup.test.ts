import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../schema/log.js';
import { tableRowCounts } from '../../worker/node/backup.js';
import { LOCK_FILE } from '../../worker/node/data-lock.js';
import { startServer } from '../../worker/node/server.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';

const HOSTS = 20;
const work = mkdtempSync(join(tmpdir(), 'eipam-backup-'));
const { DATABASE_URL: _ignored, ...baseEnv } = process.env;

/** `npm run <script> -- <args>` as a user types it, with DATA_DIR pointing at `dataDir`. */
function npmRun(script: 'backup' | 'restore', args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: process.cwd(), env: { ...baseEnv, DATA_DIR: dataDir }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function countsOf(file: string): Promise<Record<string, number>> {
  const c = createClient({ url: `file:${file}` });
  try {
    return await tableRowCounts(c);
  } finally {
    c.close();
  }
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const mode = (file: string) => statSync(file).mode & 0o777;

let server: Awaited<ReturnType<typeof startTestServer>>;
let probe: RawProbe;
let subnetId: number;
let batches = 0;
const backupFile = join(work, 'backup.db');

/** One complete sweep of the subnet: every host answers, one sample each. */
async function ingestOne() {
  batches++;
  const up = Array.from({ length: HOSTS }, (_, i) => ({ ip: `198.18.0.${i + 1}`, latencyMs: 0.3 + i / 10 }));
  probe.send({ type: 'results', batchId: `bk-${batches}`, sweeps: [{ subnetId, at: Date.now() - 3_600_000 + batches, durationMs: 5, complete: true, up, down: [] }] });
  const ack = await probe.next('ack', 10_000);
  expect(ack.duplicate).toBe(false);
}

beforeAll(async () => {
  server = await startTestServer();
  const api = client(server.url, await server.login());
  const enrolled = (await api('POST', '/api/probes', { name: 'backup-probe' })).body;
  subnetId = (await api('POST', '/api/subnets', { cidr: '198.18.0.0/24', probeId: enrolled.id })).body.id;
  probe = await RawProbe.connect(server.url, enrolled.token);
  await probe.next('assignment');
  for (let i = 0; i < 50; i++) await ingestOne();
});
afterAll(async () => {
  probe?.close();
  // let the server finish marking the probe offline before its database closes
  if (server) await waitFor('probe offline', async () => !(await client(server.url, await server.login())('GET', '/api/probes')).body.probes[0].connected, 5000);
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('npm run backup', () => {
  it('copies the database consistently while results are being ingested', async () => {
    let ingesting = true;
    const before = batches;
    const loop = (async () => {
      while (ingesting) await ingestOne();
    })();
    const res = await npmRun('backup', [backupFile], server.dataDir);
    ingesting = false;
    await loop;
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^backed up .*edge-ipam\.db to .*backup\.db \(\d+ bytes; rows: .*host_samples \d+/);
    expect(batches - before).toBeGreaterThan(5); // ingest went on while the backup ran

    const copy = await countsOf(backupFile);
    // one snapshot: every batch in the ledger has all its samples, and no sample lacks its batch
    expect(copy.ingest_ledger).toBeGreaterThanOrEqual(50);
    expect(copy.host_samples).toBe(copy.ingest_ledger! * HOSTS);
    expect(copy.hosts).toBe(HOSTS);
    expect(copy.__drizzle_migrations).toBeGreaterThan(0);
    expect(mode(backupFile)).toBe(0o600);
    expect(existsSync(`${backupFile}-wal`)).toBe(false);
  }, 60_000);

  it('refuses to overwrite an existing file unless --force', async () => {
    const hash = sha(backupFile);
    const res = await npmRun('backup', [backupFile], server.dataDir);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/exists; refusing to overwrite it \(pass --force/);
    expect(sha(backupFile)).toBe(hash);

    await ingestOne();
    const forced = await npmRun('backup', [join(work, 'forced.db')], server.dataDir);
    expect(forced.code).toBe(0);
    const again = await npmRun('backup', [join(work, 'forced.db'), '--force'], server.dataDir);
    expect(again.code).toBe(0);
    expect((await countsOf(join(work, 'forced.db'))).ingest_ledger).toBe(batches);
  }, 60_000);

  it('says so when there is no database', async () => {
    const res = await npmRun('backup', [join(work, 'none.db')], join(work, 'no-such-dir'));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no database at/);
    expect(existsSync(join(work, 'none.db'))).toBe(false);
  }, 30_000);
});

describe('npm run restore', () => {
  it('refuses while a server runs on the data directory, and leaves its database alone', async () => {
    const db = join(server.dataDir, 'edge-ipam.db');
    const size = statSync(db).size;
    const res = await npmRun('restore', [backupFile], server.dataDir);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`a server \\(pid ${process.pid} .*is running on .*; stop it before restoring`));
    expect(statSync(db).size).toBe(size);
    expect(existsSync(`${db}.restoring`)).toBe(false);
  }, 30_000);

  it('refuses a file that is not an edge-ipam database', async () => {
    const dataDir = join(work, 'refuse');
    const junk = join(work, 'junk.db');
    writeFileSync(junk, 'SQLite format 3\0 but not really '.repeat(200));
    const junkRes = await npmRun('restore', [junk], dataDir);
    expect(junkRes.code).toBe(1);
    expect(junkRes.stderr).toMatch(/not a valid edge-ipam database/);

    const other = join(work, 'other.db');
    const c = createClient({ url: `file:${other}` });
    await c.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    c.close();
    const otherRes = await npmRun('restore', [other], dataDir);
    expect(otherRes.code).toBe(1);
    expect(otherRes.stderr).toMatch(/no __drizzle_migrations table/);
    expect(existsSync(join(dataDir, 'edge-ipam.db'))).toBe(false);
  }, 30_000);

  it('restores into a fresh data directory: the same rows in every table, and a server starts on it', async () => {
    const dataDir = join(work, 'fresh', 'data');
    const res = await npmRun('restore', [backupFile], dataDir);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^restored .*backup\.db to .*edge-ipam\.db \(rows: /);
    const restoredFile = join(dataDir, 'edge-ipam.db');
    const expected = await countsOf(backupFile);
    expect(await countsOf(restoredFile)).toEqual(expected);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(restoredFile)).toBe(0o600);

    const restored = await startServer({ HOST: '127.0.0.1', PORT: 0, DATA_DIR: dataDir, ADMIN_PASSWORD: 'not the one in the backup', LOCAL_PROBE: false }, silentLogger, {});
    try {
      // logs in with the backup's admin password (the admin exists, so ADMIN_PASSWORD is not used)
      const api = client(restored.url, await login(restored.url));
      const summary = (await api('GET', '/api/summary')).body;
      expect(summary.hosts.total).toBe(expected.hosts);
      expect(summary.subnets.total).toBe(expected.subnets);
      expect((await api('GET', `/api/subnets/${subnetId}/hosts`)).body.rows.filter((r: any) => r.kind !== 'unused')).toHaveLength(HOSTS);
    } finally {
      await restored.close();
    }
  }, 60_000);

  it('keeps the database it replaces, removes stale -wal/-shm, and ignores the lock of a server that is gone', async () => {
    const dataDir = join(work, 'fresh', 'data');
    const target = join(dataDir, 'edge-ipam.db');
    const replaced = sha(target);
    writeFileSync(`${target}-shm`, 'stale');
    // a server that died without cleaning up: its pid no longer runs
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: dead.pid, host: (await import('node:os')).hostname(), startedAt: new Date().toISOString(), token: 'x' }));

    const res = await npmRun('restore', [backupFile], dataDir);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const kept = /the database it replaced is kept as (.+)$/m.exec(res.stdout)![1]!;
    expect(sha(kept)).toBe(replaced);
    expect(res.stdout).toMatch(/removed stale .*edge-ipam\.db-shm/);
    expect(existsSync(`${target}-shm`)).toBe(false);
    expect(await countsOf(target)).toEqual(await countsOf(backupFile));
  }, 30_000);
});
