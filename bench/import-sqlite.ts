/**
 * The import bench's reference: sqlite3's own CLI `.import` of the same rows as CSV into a plain table (every column
 * TEXT, no index, rollback journal: a floor for writing 50,000 rows to SQLite), and into one with a unique index on
 * the address in WAL mode (closer to what the server's hosts table has). A fresh database file each run; the whole
 * command is timed, process start included.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export interface SqliteVariant {
  name: string;
  ms: number[];
  rows: number;
}

const COLUMNS = 'ip TEXT, hostname TEXT, description TEXT, tags TEXT, notes TEXT, reserved TEXT';
const VARIANTS = [
  { name: 'plain table', setup: `CREATE TABLE hosts(${COLUMNS});` },
  { name: 'unique index on ip, journal_mode=WAL', setup: `PRAGMA journal_mode=WAL;\nCREATE TABLE hosts(${COLUMNS});\nCREATE UNIQUE INDEX hosts_ip ON hosts(ip);` },
];

export const sqliteVersion = () => execFileSync('sqlite3', ['--version'], { encoding: 'utf8' }).trim().split(' ')[0]!;

/** Runs each variant `runs` times, alternating; the CSV's first line is its header (skipped). */
export function sqliteImports(csvPath: string, dir: string, runs = 5): SqliteVariant[] {
  const out = VARIANTS.map((v) => ({ name: v.name, ms: [] as number[], rows: 0 }));
  for (let r = 0; r < runs; r++) {
    VARIANTS.forEach((v, i) => {
      const db = join(dir, `reference-${i}.sqlite`);
      rmSync(db, { force: true });
      rmSync(`${db}-wal`, { force: true });
      rmSync(`${db}-shm`, { force: true });
      const script = `${v.setup}\n.import --csv --skip 1 ${csvPath} hosts\nSELECT count(*) FROM hosts;\n`;
      const t0 = performance.now();
      const res = spawnSync('sqlite3', [db], { input: script, encoding: 'utf8' });
      const ms = performance.now() - t0;
      if (res.status !== 0 || res.stderr.trim()) throw new Error(`sqlite3 .import (${v.name}): ${res.status} ${res.stderr}`);
      out[i]!.ms.push(ms);
      out[i]!.rows = Number(res.stdout.trim().split('\n').at(-1));
    });
  }
  return out;
}
