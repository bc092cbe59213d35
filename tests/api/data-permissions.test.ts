import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../schema/log.js';
import { LOCK_FILE } from '../../worker/node/data-lock.js';
import { startServer } from '../../worker/node/server.js';
import { ADMIN_PASSWORD } from '../support/app.js';

const work = mkdtempSync(join(tmpdir(), 'eipam-perm-'));
const mode = (file: string) => statSync(file).mode & 0o777;
const start = (dataDir: string) => startServer({ HOST: '127.0.0.1', PORT: 0, DATA_DIR: dataDir, ADMIN_PASSWORD, LOCAL_PROBE: false }, silentLogger, {});

let umask: number;
beforeAll(() => {
  umask = process.umask(0); // the most permissive umask: the modes below must not depend on it
});
afterAll(() => {
  process.umask(umask);
  rmSync(work, { recursive: true, force: true });
});

describe('the Node host’s data directory', () => {
  it('is created 0700, with the database, its -wal/-shm and the lock file 0600', async () => {
    const dataDir = join(work, 'new', 'data');
    const server = await start(dataDir);
    try {
      const db = join(dataDir, 'edge-ipam.db');
      expect(mode(dataDir)).toBe(0o700);
      for (const f of [db, `${db}-wal`, `${db}-shm`, join(dataDir, LOCK_FILE)]) {
        expect(existsSync(f), f).toBe(true);
        expect(mode(f), f).toBe(0o600);
      }
    } finally {
      await server.close();
    }
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('is tightened when an older version left it readable to others', async () => {
    const dataDir = join(work, 'old');
    await (await start(dataDir)).close();
    const db = join(dataDir, 'edge-ipam.db');
    chmodSync(dataDir, 0o755);
    chmodSync(db, 0o644);
    const server = await start(dataDir);
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(db)).toBe(0o600);
      expect(mode(`${db}-wal`)).toBe(0o600);
    } finally {
      await server.close();
    }
  });

  it('is not shared: a second server on it refuses to start while the first runs', async () => {
    const dataDir = join(work, 'shared');
    const server = await start(dataDir);
    try {
      const { DATABASE_URL: _ignored, ...env } = process.env;
      const second = spawn(process.execPath, ['--import', 'tsx', 'worker/node/main.ts', '--no-probe'], {
        cwd: process.cwd(),
        env: { ...env, DATA_DIR: dataDir, PORT: '0', ADMIN_PASSWORD },
        stdio: 'pipe',
      });
      let out = '';
      second.stdout.on('data', (d) => (out += d));
      second.stderr.on('data', (d) => (out += d));
      const code = await new Promise((r) => second.once('exit', r));
      expect(code).toBe(1);
      expect(out).toMatch(new RegExp(`another edge-ipam server \\(pid ${process.pid} `));
    } finally {
      await server.close();
    }
  }, 30_000);
});
