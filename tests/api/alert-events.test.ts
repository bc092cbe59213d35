/**
 * Alert events on a real libSQL file. GET /api/alerts paging: the events of one batch share their `at`, so a page
 * ends at an event (`next`: `<ms>:<event id>`), and paging on sees each event exactly once. The upgrade to 0003:
 * hosts `unknown` then (their probe offline) get the alert state of their last known status, so a host long
 * down is no news when the probe returns.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase } from '../../worker/node/database.js';
import { probeConnected, probeDisconnected } from '../../worker/probe-link/session.js';
import { alertRig, kinds, type AlertRig, type Recorded } from '../support/alert-kit.js';

const ip = (n: number) => `198.18.0.${n}`;
const HOSTS = [ip(10), ip(11), ip(12)];

describe('GET /api/alerts pages', () => {
  let rig: AlertRig;
  let s: number;
  beforeAll(async () => {
    rig = await alertRig();
    // down after one silent sweep; never one subnet.degraded: three host events per batch
    s = await rig.subnet('198.18.0.0/24', { downAfterFailures: 1, alertDegradedMinHosts: 100 });
    await rig.sweep(s, HOSTS); // first seen: no news
    await rig.sweep(s, []); // 3 × host.down, one `at`
    await rig.sweep(s, HOSTS); // 3 × host.up, one `at`
  });
  afterAll(() => rig.close());

  const page = async (q: string) => {
    const res = await rig.t.call('GET', `/api/alerts?${q}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { alerts: Recorded[]; next: string | null };
  };

  it('3 events with the same `at`, pages of 2: all 3 seen exactly once, newest first', async () => {
    const all = await page('limit=500');
    expect(all.next).toBeNull();
    const downs = all.alerts.filter((a) => a.event.type === 'host.down');
    expect(kinds(downs).sort()).toEqual(HOSTS.map((h) => `host.down ${h}`));
    expect(new Set(downs.map((a) => a.event.timestamp)).size).toBe(1);

    const seen: string[] = [];
    const sizes: number[] = [];
    let next: string | null = null;
    do {
      const p = await page(`limit=2${next ? `&before=${encodeURIComponent(next)}` : ''}`);
      seen.push(...p.alerts.map((a) => a.event.id));
      sizes.push(p.alerts.length);
      next = p.next;
    } while (next && sizes.length < 10);
    expect(sizes).toEqual([2, 2, 2]); // 3 ups and 3 downs: both batches are cut by a page's end
    expect(seen).toEqual(all.alerts.map((a) => a.event.id));
  });

  it('the same with one host: the last page says there is no more', async () => {
    const hostId = (await rig.hostIds(s)).get(ip(11))!;
    const first = await page(`hostId=${hostId}&limit=1`);
    expect(kinds(first.alerts)).toEqual([`host.up ${ip(11)}`]);
    const second = await page(`hostId=${hostId}&limit=1&before=${encodeURIComponent(first.next!)}`);
    expect(kinds(second.alerts)).toEqual([`host.down ${ip(11)}`]);
    expect(second.next).toBeNull();
  });

  it('a page of exactly the rest has no next; a `before` that is not a cursor is 400', async () => {
    expect((await page('limit=6')).next).toBeNull();
    expect((await page('limit=5')).next).not.toBeNull();
    for (const bad of [new Date().toISOString(), 'x:evt_1', '12']) {
      const res = await rig.t.call('GET', `/api/alerts?before=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });
});

/** The hand-written statement at the end of migration 0003 that seeds alert states from host_events. */
const seedStatement = (): string => {
  const sql = readFileSync(new URL('../../schema/migrations/0003_webhooks_alerts.sql', import.meta.url), 'utf8');
  const found = sql.split('--> statement-breakpoint').map((s) => s.trim()).filter((s) => /^(--[^\n]*\n\s*)*INSERT INTO [`"]?alert_states/.test(s));
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('the upgrade to 0003 with a probe offline', () => {
  let rig: AlertRig;
  let s: number;
  const [DEAD, ALIVE, KEPT, SILENT] = [ip(20), ip(21), ip(22), ip(23)];
  const row = async (hostId: number) =>
    (await rig.t.client.execute({ sql: 'SELECT subject, subnet_id AS subnetId, state, notified, ups, since, last_sent_at AS lastSentAt FROM alert_states WHERE host_id = ?', args: [hostId] })).rows.map((r) => ({ ...r }));

  beforeAll(async () => {
    rig = await alertRig();
    s = await rig.subnet('198.18.0.0/24', { downAfterFailures: 1, alertDegradedMinHosts: 100 });
    await rig.endpoint('/all');
  });
  afterAll(() => rig.close());

  it('seeds unknown hosts from their last up/down event; after the probe returns a host long down is no news', async () => {
    const firstAt = await rig.sweep(s, [DEAD, ALIVE, KEPT]);
    const downAt = await rig.sweep(s, [ALIVE, KEPT]); // DEAD down
    await rig.sweep(s, [ALIVE, KEPT]);
    expect((await rig.t.call('POST', '/api/hosts', { ip: SILENT, description: 'never answered' })).status).toBe(201);
    const ids = await rig.hostIds(s);
    const [dead, alive, kept, silent] = [ids.get(DEAD)!, ids.get(ALIVE)!, ids.get(KEPT)!, ids.get(SILENT)!];
    expect(kinds((await rig.settle()).sent)).toEqual([`host.down ${DEAD}`]);

    await probeDisconnected(rig.t.deps, rig.probe.id); // its hosts: unknown
    // as the upgrade finds them: no alert state (0002 had none), but for one row that is there already and stays
    await rig.t.client.execute('DELETE FROM alert_states');
    await rig.t.client.execute({ sql: "INSERT INTO alert_states (subject, host_id, subnet_id, state, notified, ups, since) VALUES (?, ?, ?, 'up', 'up', 7, 1)", args: [`host:${kept}`, kept, s] });
    const statuses = await rig.t.client.execute('SELECT status FROM hosts ORDER BY id');
    expect(statuses.rows.map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);

    await rig.t.client.execute(seedStatement());
    await rig.t.client.execute(seedStatement()); // a second run changes nothing
    expect(await row(dead)).toEqual([{ subject: `host:${dead}`, subnetId: s, state: 'down', notified: 'down', ups: 0, since: downAt, lastSentAt: downAt }]);
    // its last up/down event is its first answer; the disconnect's "unknown" is not a status to seed from
    expect(await row(alive)).toEqual([{ subject: `host:${alive}`, subnetId: s, state: 'up', notified: 'up', ups: 0, since: firstAt, lastSentAt: null }]);
    expect(await row(kept)).toMatchObject([{ state: 'up', ups: 7, since: 1 }]);
    expect(await row(silent)).toEqual([]); // never answered: nothing to seed

    // the probe returns: DEAD still silent, the others answering: no host event (without the seed: a false host.down)
    await probeConnected(rig.t.deps, rig.probe);
    await rig.sweep(s, [ALIVE, KEPT]);
    await rig.sweep(s, [ALIVE, KEPT]);
    await rig.catchUp();
    const { sent, recorded } = await rig.settle();
    expect(kinds(sent).filter((k) => !k.startsWith('probe.'))).toEqual([]);
    expect(kinds(recorded).filter((k) => !k.startsWith('probe.'))).toEqual([]);
    // and DEAD's return is one host.up
    await rig.sweep(s, [ALIVE, KEPT, DEAD]);
    expect(kinds((await rig.settle()).sent)).toEqual([`host.up ${DEAD}`]);
  });
});

describe('migrating a 0002 database to 0003', () => {
  it('unknown hosts get the state of their last up/down event; known hosts and never-answered ones get none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eipam-upgrade-'));
    try {
      const old = join(dir, 'migrations-0002');
      cpSync(MIGRATIONS_DIR, old, { recursive: true });
      const journal = JSON.parse(readFileSync(join(old, 'meta/_journal.json'), 'utf8'));
      const upTo = journal.entries.findIndex((e: { tag: string }) => e.tag.startsWith('0003'));
      expect(upTo).toBe(3);
      writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
      const url = `file:${join(dir, 'db')}`;
      const client = createClient({ url });
      await migrate(drizzle(client), { migrationsFolder: old });
      const [t1, t2, t3] = [1_700_000_000_000, 1_700_000_600_000, 1_700_001_200_000];
      await client.execute({ sql: "INSERT INTO subnets (id, cidr, family, range_start, range_end, created_at, updated_at) VALUES (1, '198.18.2.0/24', 4, 'a', 'b', ?, ?)", args: [t1, t1] });
      const hostsAt0002: [number, string, string][] = [
        [1, '198.18.2.1', 'unknown'], // up, then down, then its probe went
        [2, '198.18.2.2', 'unknown'], // up, then its probe went
        [3, '198.18.2.3', 'unknown'], // never answered
        [4, '198.18.2.4', 'down'], // known: the alerting assumes its state itself
      ];
      for (const [id, ip, status] of hostsAt0002) {
        await client.execute({ sql: 'INSERT INTO hosts (id, subnet_id, ip, ip_key, status, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, ?)', args: [id, ip, ip, status, t1, t1] });
      }
      const events: [number, number, string, string][] = [
        [1, t1, 'unknown', 'up'],
        [1, t2, 'up', 'down'],
        [1, t3, 'down', 'unknown'],
        [2, t1, 'unknown', 'up'],
        [2, t3, 'up', 'unknown'],
        [4, t1, 'unknown', 'up'],
        [4, t2, 'up', 'down'],
      ];
      for (const [hostId, at, from, to] of events) {
        await client.execute({ sql: 'INSERT INTO host_events (host_id, at, from_status, to_status) VALUES (?, ?, ?, ?)', args: [hostId, at, from, to] });
      }
      client.close();

      const { client: upgraded } = await openDatabase(url);
      const rows = await upgraded.execute('SELECT subject, host_id AS hostId, subnet_id AS subnetId, state, notified, ups, since, last_sent_at AS lastSentAt, detail, rev FROM alert_states ORDER BY subject');
      expect(rows.rows.map((r) => ({ ...r }))).toEqual([
        { subject: 'host:1', hostId: 1, subnetId: 1, state: 'down', notified: 'down', ups: 0, since: t2, lastSentAt: t2, detail: null, rev: 0 },
        { subject: 'host:2', hostId: 2, subnetId: 1, state: 'up', notified: 'up', ups: 0, since: t1, lastSentAt: null, detail: null, rev: 0 },
      ]);
      upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
