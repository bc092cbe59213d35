/**
 * GET /api/alerts paging on a real libSQL file: the events of one batch share their `at`, so a page ends at an
 * event (`next`: `<ms>:<event id>`), and paging on sees each event exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
