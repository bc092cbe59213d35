import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, hosts, hostSamples, probes, subnets } from '../../schema/tables/index.js';
import { batchable, schema, type Db } from '../../worker/db.js';
import { MIGRATIONS_DIR, openDatabase } from '../../worker/node/database.js';
import type { DbClient } from '../../worker/node/db-proxy.js';

// The Node host's file database runs on a thread (worker/node/db-thread.ts). Every case runs the same work on
// it and on drizzle's libSQL driver over a second file, and expects the same answers.
const dir = mkdtempSync(join(tmpdir(), 'eipam-dbthread-'));
let thread: { db: Db; client: DbClient };
let direct: { db: Db; close(): void };

beforeAll(async () => {
  thread = await openDatabase(`file:${join(dir, 'thread.db')}`);
  const c = createClient({ url: `file:${join(dir, 'direct.db')}`, concurrency: 1 });
  await c.execute('PRAGMA foreign_keys = ON');
  const db = drizzle(c, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  direct = { db: db as unknown as Db, close: () => c.close() };
});
afterAll(async () => {
  await thread.client.close();
  direct.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = new Date(Date.UTC(2026, 10, 26, 12));
const both = async <T>(work: (db: Db) => Promise<T>) => ({ thread: await work(thread.db), direct: await work(direct.db) });
const errorText = (e: unknown) => String((e as { message?: unknown })?.message ?? e) + String((e as { cause?: unknown })?.cause ?? '');

describe('the database thread answers as the libSQL driver does', () => {
  it('round-trips timestamps, booleans, JSON, reals and nulls through inserts with returning() and selects', async () => {
    const r = await both(async (db) => {
      const [probe] = await db.insert(probes).values({ name: 'p', tokenHash: 'h'.repeat(64), isLocal: true, createdAt: at }).returning();
      const [subnet] = await db
        .insert(subnets)
        .values({ cidr: '198.18.0.0/24', family: 4, rangeStart: 'c6120000', rangeEnd: 'c61200ff', probeId: probe!.id, createdAt: at, updatedAt: at })
        .returning();
      await db.insert(hosts).values([
        { subnetId: subnet!.id, ip: '198.18.0.1', ipKey: 'c6120001', tags: ['a', 'b "c"'], reserved: true, latencyMs: 1.25, lastSeenAt: at, createdAt: at, updatedAt: at },
        { subnetId: subnet!.id, ip: '198.18.0.2', ipKey: 'c6120002', hostname: 'x', createdAt: at, updatedAt: at },
      ]);
      await db.insert(hostSamples).values({ hostId: 1, at, up: true, latencyMs: 2 });
      await db.insert(auditLog).values({ at, actor: 'admin', action: 'subnet.create', details: { n: 1, nested: { ok: true } } });
      return {
        probes: await db.select().from(probes),
        subnets: await db.select().from(subnets),
        hosts: await db.select().from(hosts).orderBy(hosts.ipKey),
        samples: await db.select().from(hostSamples),
        audit: await db.select().from(auditLog),
        one: await db.select({ ip: hosts.ip, up: hostSamples.up }).from(hosts).innerJoin(hostSamples, eq(hostSamples.hostId, hosts.id)).get(),
        none: await db.select().from(hosts).where(eq(hosts.ip, 'nowhere')).get(),
        relational: await db.query.hosts.findFirst({ where: eq(hosts.ip, '198.18.0.1') }),
        count: await db.$count(hosts),
      };
    });
    expect(r.thread).toEqual(r.direct);
    expect(r.thread.hosts[0]).toMatchObject({ tags: ['a', 'b "c"'], reserved: true, latencyMs: 1.25, lastSeenAt: at, hostname: null });
    expect(r.thread.samples[0]!.up).toBe(true);
    expect(r.thread.audit[0]!.details).toEqual({ n: 1, nested: { ok: true } });
    expect(r.thread.count).toBe(2);
  });

  it('gives raw SQL rows as objects by column name (all, get) and as arrays (values)', async () => {
    const q = sql`SELECT ip, reserved, tags, json_group_array(ip) OVER () AS part FROM hosts ORDER BY ip_key`;
    const r = await both(async (db) => ({
      all: await db.all(q),
      get: await db.get(sql`SELECT count(*) AS n, max(ip) AS ip FROM hosts`),
      values: (await db.values(q)).map((row) => Array.from(row as ArrayLike<unknown>)),
    }));
    expect(r.thread).toEqual(r.direct);
    expect(r.thread.all[0]).toEqual({ ip: '198.18.0.1', reserved: 1, tags: '["a","b \\"c\\""]', part: '["198.18.0.1","198.18.0.2"]' });
  });

  it('returns each batch item as its statement would alone, and applies the batch atomically', async () => {
    const r = await both(async (db) => {
      const [rows, , , inserted] = (await db.batch([
        db.select({ id: hosts.id, ip: hosts.ip, status: hosts.status }).from(hosts).orderBy(hosts.ipKey),
        db.update(hosts).set({ status: 'up', updatedAt: at }).where(eq(hosts.ip, '198.18.0.1')),
        batchable(db, sql`INSERT INTO host_events (host_id, at, from_status, to_status) SELECT id, ${at.getTime()}, 'unknown', 'up' FROM hosts WHERE ip = '198.18.0.1'`),
        db.insert(hosts).values({ subnetId: 1, ip: '198.18.0.3', ipKey: 'c6120003', createdAt: at, updatedAt: at }).returning({ id: hosts.id, tags: hosts.tags }),
      ])) as [unknown, unknown, unknown, unknown];
      let failure = '';
      try {
        await db.batch([db.update(hosts).set({ notes: 'half' }), db.insert(hosts).values({ subnetId: 1, ip: '198.18.0.1', ipKey: 'c6120001', createdAt: at, updatedAt: at })]);
      } catch (e) {
        failure = errorText(e);
      }
      const notes = await db.selectDistinct({ notes: hosts.notes }).from(hosts);
      return { rows, inserted, failure: /UNIQUE constraint failed: hosts\.ip/.test(failure), notes };
    });
    expect(r.thread).toEqual(r.direct);
    expect(r.thread.rows).toEqual([
      { id: 1, ip: '198.18.0.1', status: 'unknown' },
      { id: 2, ip: '198.18.0.2', status: 'unknown' },
    ]);
    expect(r.thread.inserted).toEqual([{ id: 3, tags: [] }]);
    expect(r.thread.failure).toBe(true);
    expect(r.thread.notes).toEqual([{ notes: '' }]);
  });

  it("keeps libSQL's error text (message and cause) for a failed query, as the app's conflict checks read it", async () => {
    const fail = async (db: Db) => {
      try {
        await db.insert(hosts).values({ subnetId: 1, ip: '198.18.0.2', ipKey: 'c6120002', createdAt: at, updatedAt: at });
        return 'no error';
      } catch (e) {
        return errorText(e);
      }
    };
    const r = await both(fail);
    expect(r.thread).toMatch(/UNIQUE constraint failed: hosts\.ip/);
    expect(r.thread).toMatch(/SQLITE_CONSTRAINT/);
    expect(/UNIQUE constraint failed: hosts\.ip/.test(r.direct)).toBe(true);
    const fk = await thread.client.execute({ sql: 'INSERT INTO hosts (subnet_id, ip, ip_key, created_at, updated_at) VALUES (?, ?, ?, 0, 0)', args: [999, '198.18.9.9', 'x'] }).catch(errorText);
    expect(fk).toMatch(/FOREIGN KEY constraint failed/); // foreign_keys is on in the thread's connection
  });

  it('answers the raw client as libSQL does: rows by name and by index, with string or {sql, args} and positional args', async () => {
    const c = thread.client;
    expect((await c.execute('SELECT count(*) AS n FROM hosts')).rows[0]!.n).toBe(3);
    expect((await c.execute('SELECT count(*) AS n FROM hosts')).rows[0]![0]).toBe(3);
    expect((await c.execute('SELECT ip FROM hosts WHERE ip_key > ? ORDER BY ip_key', ['c6120001'])).rows.map((r) => r.ip)).toEqual(['198.18.0.2', '198.18.0.3']);
    const { rows } = await c.execute({ sql: 'SELECT id, ip FROM hosts WHERE id = ?', args: [1] });
    expect({ ...rows[0] }).toEqual({ id: 1, ip: '198.18.0.1' });
    expect(JSON.stringify(rows)).toBe('[{"id":1,"ip":"198.18.0.1"}]');
    expect((await c.execute('PRAGMA journal_mode')).rows[0]![0]).toBe('wal');
  });
});

describe('the event loop while the database works', () => {
  it('keeps turning during a long atomic batch (SQLite runs on the thread)', async () => {
    const db = thread.db;
    // one write batch that holds SQLite for a while: about a million generated rows, counted
    const heavy = sql`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000) SELECT count(*) AS n FROM c`;
    // the longest time between two turns of a 5 ms timer is the longest the loop was held
    let last = performance.now();
    let longest = 0;
    const gap = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    };
    const timer = setInterval(gap, 5);
    const t0 = performance.now();
    const [, counted] = (await db.batch([db.update(probes).set({ lastSeenAt: at }), batchable(db, heavy)])) as [unknown, { rows: { n: number }[] }];
    const elapsed = performance.now() - t0;
    gap();
    clearInterval(timer);
    expect(counted.rows[0]!.n).toBe(1_500_000);
    expect(elapsed).toBeGreaterThan(150); // long enough that running it on the event loop would show
    expect(longest).toBeLessThan(100);
  });
});

describe('closing', () => {
  it('waits for the work sent before it, then ends the thread; later work is refused', async () => {
    const url = `file:${join(dir, 'close.db')}`;
    const first = await openDatabase(url);
    const writes = Array.from({ length: 20 }, (_, i) =>
      first.db.insert(probes).values({ name: `p${i}`, tokenHash: String(i).padStart(64, '0'), createdAt: at }).execute(),
    );
    const closed = first.client.close();
    await Promise.all(writes);
    await closed;
    await expect(first.client.execute('SELECT 1')).rejects.toThrow(/closed|exited/);
    const again = await openDatabase(url);
    expect((await again.client.execute('SELECT count(*) AS n FROM probes')).rows[0]!.n).toBe(20);
    await again.client.close();
  });
});
