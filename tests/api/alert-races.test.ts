/**
 * Alert states under writers that nothing serialises (worker/alerts/store.ts): ingest, the catch-up and offline duties
 * (overlapping Node timers, Workers crons in other isolates) and a probe's connect. Each race is arranged, not waited
 * for: one writer's first batch is held after it has read and decided (the real database underneath, only the
 * timing is arranged), another writer commits, then the first one goes on. And the catch-up's reads: bounded, and
 * never stuck behind hosts it cannot act on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatIp, ipKey, parseIp } from '../../schema/ip/cidr.js';
import { catchUpAlerts } from '../../worker/alerts/catch-up.js';
import type { AppDeps } from '../../worker/deps.js';
import { offlineProbes } from '../../worker/duties.js';
import { handleProbeFrame, probeConnected, probeDisconnected } from '../../worker/probe-link/session.js';
import { alertRig, kinds, type AlertRig } from '../support/alert-kit.js';

const MIN = 60_000;
const ip = (n: number) => `198.18.0.${n}`;

/** `deps` whose first db.batch waits for `release()`; `reached` resolves when it is called. */
function holdFirstBatch(deps: AppDeps) {
  let release!: () => void;
  let reach!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (reach = r));
  let held = false;
  const db = new Proxy(deps.db, {
    get(target, key) {
      if (key === 'batch') {
        return async (items: Parameters<AppDeps['db']['batch']>[0]) => {
          if (!held) {
            held = true;
            reach();
            await released;
          }
          return target.batch(items);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { deps: { ...deps, db } as AppDeps, reached, release };
}

let rig: AlertRig;
afterEach(() => rig?.close());

const stateOf = async (subject: string) =>
  (await rig.t.client.execute({ sql: 'SELECT state, notified FROM alert_states WHERE subject = ?', args: [subject] })).rows.map((r) => ({ ...r }))[0];

async function sweepVia(deps: AppDeps, subnetId: number, up: string[], batchId: string) {
  const results = [{ kind: 'sweep', subnetId, at: rig.t.clock.now(), durationMs: 5, complete: true, up: up.map((a) => ({ ip: a, latencyMs: 1 })), down: [] }];
  const [ack] = await handleProbeFrame(deps, rig.probe.id, JSON.stringify({ type: 'results', batchId, results }));
  expect(ack).toMatchObject({ type: 'ack', duplicate: false });
  rig.t.clock.advance(MIN);
}

describe('a host between a sweep and the catch-up', () => {
  it('a reminder decided before a sweep brings the host back is not sent after it, and the host stays up', async () => {
    rig = await alertRig({ downAfterFailures: 1, alertReminderMinutes: 1 });
    await rig.endpoint('/all');
    const s = await rig.subnet('198.18.0.0/24');
    await rig.sweep(s, [ip(10), ip(11)]);
    await rig.sweep(s, [ip(11)]);
    expect(kinds((await rig.settle()).sent)).toEqual(['host.down 198.18.0.10']);
    rig.t.clock.advance(2 * MIN);
    const held = holdFirstBatch(rig.t.deps);
    const catchUp = catchUpAlerts(held.deps);
    await held.reached; // it has decided: "still down"
    await rig.sweep(s, [ip(10), ip(11)]);
    held.release();
    await catchUp;
    expect(kinds((await rig.settle()).sent)).toEqual(['host.up 198.18.0.10']);
    const id = (await rig.hostIds(s)).get(ip(10));
    expect(await stateOf(`host:${id}`)).toEqual({ state: 'up', notified: 'up' });
    await rig.sweep(s, [ip(10), ip(11)]);
    await rig.catchUp();
    expect((await rig.settle()).sent).toEqual([]);
  });

  it('a sweep planned before the catch-up sends a held host.down is planned again: the host.up follows it', async () => {
    rig = await alertRig({ downAfterFailures: 1 });
    await rig.endpoint('/all');
    const s = await rig.subnet('198.18.0.0/24');
    await rig.sweep(s, [ip(10), ip(11)]);
    const hostId = (await rig.hostIds(s)).get(ip(10))!;
    const now = rig.t.clock.now();
    const w = await rig.t.call('POST', '/api/maintenance', { name: 'works', kind: 'once', scope: 'host', hostId, startsAt: new Date(now - MIN).toISOString(), endsAt: new Date(now + 3 * MIN).toISOString() });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    await rig.sweep(s, [ip(11)]); // down inside the window: recorded muted, owed
    expect((await rig.settle()).sent).toEqual([]);
    rig.t.clock.t = Date.parse(w.body.endsAt) + 1000;
    const held = holdFirstBatch(rig.t.deps);
    const sweep = sweepVia(held.deps, s, [ip(10), ip(11)], 'held'); // it has decided: an "up" of a "down" never told, no news
    await held.reached;
    await rig.catchUp(); // the window is over: the held "down" is sent
    held.release();
    await sweep;
    expect(kinds((await rig.settle()).sent)).toEqual(['host.down 198.18.0.10', 'host.up 198.18.0.10']);
    expect(await stateOf(`host:${hostId}`)).toEqual({ state: 'up', notified: 'up' });
  });

  it('two overlapping catch-up runs send a reminder once', async () => {
    rig = await alertRig({ downAfterFailures: 1, alertReminderMinutes: 1 });
    await rig.endpoint('/all');
    const s = await rig.subnet('198.18.0.0/24');
    await rig.sweep(s, [ip(10), ip(11)]);
    await rig.sweep(s, [ip(11)]);
    await rig.settle();
    rig.t.clock.advance(2 * MIN);
    const held = holdFirstBatch(rig.t.deps);
    const first = catchUpAlerts(held.deps);
    await held.reached;
    await catchUpAlerts(rig.t.deps);
    held.release();
    await first;
    const { sent } = await rig.settle();
    expect(kinds(sent)).toEqual(['host.down 198.18.0.10']);
    expect(sent[0]!.event.data).toMatchObject({ reminder: true });
  });
});

describe('a probe between its connect and the offline duty', () => {
  const gone = async () => {
    rig = await alertRig();
    await rig.endpoint('/all');
    await probeDisconnected(rig.t.deps, rig.probe.id);
    rig.t.clock.advance(5 * MIN); // three heartbeats and more
  };

  it('connecting while the duty decides: no probe.offline, and it stays online', async () => {
    await gone();
    const held = holdFirstBatch(rig.t.deps);
    const duty = offlineProbes.run(held.deps);
    await held.reached; // it has decided: "probe offline"
    await probeConnected(rig.t.deps, rig.probe);
    held.release();
    await duty;
    expect(kinds((await rig.settle()).sent)).toEqual([]);
    expect(await stateOf(`probe:${rig.probe.id}`)).toEqual({ state: 'online', notified: 'online' });
  });

  it('reported offline while its connect decides: the connect says probe.online', async () => {
    await gone();
    const held = holdFirstBatch(rig.t.deps);
    const connect = probeConnected(held.deps, rig.probe);
    await held.reached; // it has decided: never reported offline, nothing to say
    await rig.offlineDuty();
    held.release();
    await connect;
    expect(kinds((await rig.settle()).sent)).toEqual(['probe.offline', 'probe.online']);
    expect(await stateOf(`probe:${rig.probe.id}`)).toEqual({ state: 'online', notified: 'online' });
  });

  it('two overlapping duty runs report it offline once', async () => {
    await gone();
    const held = holdFirstBatch(rig.t.deps);
    const first = offlineProbes.run(held.deps);
    await held.reached;
    await rig.offlineDuty();
    held.release();
    await first;
    expect(kinds((await rig.settle()).sent)).toEqual(['probe.offline']);
  });
});

describe("the catch-up's reads", () => {
  /** `n` hosts from `first` in subnet `subnetId`, status down, alert state down as given. */
  async function downHosts(subnetId: number, first: string, n: number, state: { notified: 'up' | 'down'; lastSentAt: number | null }) {
    const base = parseIp(first).value;
    const rows = Array.from({ length: n }, (_, i) => [formatIp(base + BigInt(i), 4), ipKey(base + BigInt(i), 4)]);
    const now = rig.t.clock.now();
    await rig.t.client.execute({
      sql: `INSERT INTO hosts (subnet_id, ip, ip_key, status, created_at, updated_at) SELECT ?, value->>0, value->>1, 'down', ?, ? FROM json_each(?)`,
      args: [subnetId, now, now, JSON.stringify(rows)],
    });
    await rig.t.client.execute({
      sql: `INSERT INTO alert_states (subject, host_id, subnet_id, state, notified, ups, since, last_sent_at)
        SELECT 'host:' || id, id, subnet_id, 'down', ?, 0, ?, ? FROM hosts WHERE subnet_id = ? ORDER BY id`,
      args: [state.notified, now - 60 * MIN, state.lastSentAt, subnetId],
    });
  }
  const events = async () => Number((await rig.t.client.execute(`SELECT count(*) AS n FROM alert_events`)).rows[0]!.n);

  it('a held-back down behind 6,000 hosts still muted is sent', async () => {
    rig = await alertRig();
    await rig.endpoint('/all');
    const muted = await rig.subnet('198.18.32.0/19');
    const open = await rig.subnet('198.18.64.0/24');
    const now = rig.t.clock.now();
    const w = await rig.t.call('POST', '/api/maintenance', { name: 'long works', kind: 'once', scope: 'subnet', subnetId: muted, startsAt: new Date(now - MIN).toISOString(), endsAt: new Date(now + 600 * MIN).toISOString() });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    await downHosts(muted, '198.18.32.1', 6000, { notified: 'up', lastSentAt: null });
    await downHosts(open, '198.18.64.10', 1, { notified: 'up', lastSentAt: null });
    await rig.catchUp();
    expect(kinds((await rig.settle()).sent)).toEqual(['host.down 198.18.64.10']);
  });

  it('with 30,000 hosts down and no reminders, a run reads no host state', async () => {
    rig = await alertRig();
    const s = await rig.subnet('198.18.0.0/17');
    await downHosts(s, '198.18.0.1', 30_000, { notified: 'down', lastSentAt: rig.t.clock.now() - 60 * MIN });
    let read = 0;
    const db = new Proxy(rig.t.deps.db, {
      get(target, key) {
        if (key === 'all') return async (q: Parameters<AppDeps['db']['all']>[0]) => {
          const rows = await target.all(q);
          read += (rows as unknown[]).length;
          return rows;
        };
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const t0 = performance.now();
    expect(await catchUpAlerts({ ...rig.t.deps, db } as AppDeps)).toBe(0);
    const ms = performance.now() - t0;
    expect(read).toBe(0);
    expect(await events()).toBe(0);
    console.log(`catch-up with 30,000 hosts down, reminders off: ${ms.toFixed(1)} ms`);
  });

  it('1,200 reminders due go out 500 a run, the rest at the next runs', async () => {
    rig = await alertRig({ alertReminderMinutes: 30 });
    const s = await rig.subnet('198.18.0.0/20');
    await downHosts(s, '198.18.0.1', 1200, { notified: 'down', lastSentAt: rig.t.clock.now() - 31 * MIN });
    const sent: number[] = [];
    for (let run = 0; run < 4; run++) {
      const before = await events();
      await catchUpAlerts(rig.t.deps);
      sent.push((await events()) - before);
      rig.t.clock.advance(MIN);
    }
    expect(sent).toEqual([500, 500, 200, 0]);
  });
});
