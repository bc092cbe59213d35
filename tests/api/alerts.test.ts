/**
 * The alert semantics end to end: results frames through the probe session into a real libSQL file, events and
 * deliveries written by ingest, the duties and the probe link, sent by the real delivery runner to a loopback
 * receiver that verifies every signature, and what GET /api/alerts records (muted or not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIp, parseCidr, usableRange } from '../../schema/ip/cidr.js';
import { MAX_FRAME_SAMPLES, type SweepResult } from '../../schema/protocol.js';
import { splitSweep } from '../../probe/split.js';
import { MAX_LISTED_HOSTS } from '../../worker/alerts/payload.js';
import { handleProbeFrame, probeConnected, probeDisconnected } from '../../worker/probe-link/session.js';
import { alertRig, kinds, listed, type AlertRig } from '../support/alert-kit.js';

const MIN = 60_000;
const ip = (third: number, n: number) => `198.18.${third}.${n}`;
const range = (third: number, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ip(third, from + i));
const without = (list: string[], ...gone: string[]) => list.filter((x) => !gone.includes(x));
const nothing = { sent: [], recorded: [] };

describe('a host flip', () => {
  let rig: AlertRig;
  let s: number;
  beforeAll(async () => {
    rig = await alertRig();
    s = await rig.subnet('198.18.0.0/24', { name: 'lab' });
    await rig.endpoint('/all');
  });
  afterAll(() => rig.close());

  it('is one signed host.down that verifies, sent once; its return one host.up', async () => {
    const hosts = range(0, 10, 12);
    await rig.sweep(s, hosts);
    expect(await rig.settle()).toEqual(nothing); // first seen up is no news
    await rig.sweep(s, without(hosts, ip(0, 11)));
    expect(await rig.settle()).toEqual(nothing); // one silent sweep of 2
    await rig.sweep(s, without(hosts, ip(0, 11)));
    const { sent, recorded } = await rig.settle();
    expect(kinds(sent)).toEqual(['host.down 198.18.0.11']);
    const ids = await rig.hostIds(s);
    expect(sent[0]!.event).toMatchObject({
      type: 'host.down',
      data: { host: { id: ids.get(ip(0, 11)), ip: ip(0, 11), tags: [] }, subnet: { id: s, cidr: '198.18.0.0/24', name: 'lab' }, probe: rig.probe, previous: 'up', current: 'down' },
    });
    expect(sent[0]!.event.data.reminder).toBeUndefined();
    expect(recorded).toEqual([{ event: sent[0]!.event, muted: false, mutedBy: null, deliveries: { total: 1, delivered: 1, pending: 0 } }]);

    // the runner again, the catch-up duty, more silent sweeps: nothing more
    expect(await rig.settle()).toEqual(nothing);
    await rig.catchUp();
    await rig.sweep(s, without(hosts, ip(0, 11)));
    expect(await rig.settle()).toEqual(nothing);
    expect(rig.rx.received).toHaveLength(1);

    await rig.sweep(s, hosts);
    const back = await rig.settle();
    expect(kinds(back.sent)).toEqual(['host.up 198.18.0.11']);
    expect(back.sent[0]!.event.data).toMatchObject({ previous: 'down', current: 'up' });
    expect(kinds(back.recorded)).toEqual(['host.up 198.18.0.11']);
  });
});

describe('subnet degraded', () => {
  let rig: AlertRig;
  beforeAll(async () => {
    rig = await alertRig();
    await rig.endpoint('/all');
  });
  afterAll(() => rig.close());

  it('4 of 6 down in one sweep: one subnet.degraded; 3 back: one subnet.recovered; the last back: its own host.up; 2 of 6: two host.down', async () => {
    const s = await rig.subnet('198.18.1.0/24', { name: 'rack' });
    const six = range(1, 10, 15);
    const four = range(1, 10, 13);
    await rig.sweep(s, six);
    await rig.sweep(s, without(six, ...four));
    expect(await rig.settle()).toEqual(nothing);
    await rig.sweep(s, without(six, ...four));
    const down = await rig.settle();
    expect(kinds(down.sent)).toEqual(['subnet.degraded']);
    const degraded = down.sent[0]!.event;
    expect(degraded.data).toMatchObject({ subnet: { id: s, name: 'rack' }, probe: rig.probe, host: null, previous: 'ok', current: 'degraded', hostsTotal: 4 });
    expect(listed(degraded)).toEqual(four);
    expect(kinds(down.recorded)).toEqual(['subnet.degraded']);

    // still down: nothing more
    await rig.sweep(s, without(six, ...four));
    expect(await rig.settle()).toEqual(nothing);

    await rig.sweep(s, without(six, ip(1, 13)));
    const recovered = await rig.settle();
    expect(kinds(recovered.sent)).toEqual(['subnet.recovered']);
    expect(recovered.sent[0]!.event.data).toMatchObject({ previous: 'degraded', current: 'ok', hostsTotal: 1 });
    expect(listed(recovered.sent[0]!.event)).toEqual([ip(1, 13)]);
    expect(kinds(recovered.recorded)).toEqual(['subnet.recovered']);

    await rig.sweep(s, six);
    const last = await rig.settle();
    expect(kinds(last.sent)).toEqual(['host.up 198.18.1.13']);
    expect(kinds(last.recorded)).toEqual(['host.up 198.18.1.13']);

    // the subnet is itself again: 2 of 6 are hosts of their own
    await rig.sweep(s, without(six, ip(1, 14), ip(1, 15)));
    await rig.sweep(s, without(six, ip(1, 14), ip(1, 15)));
    const two = await rig.settle();
    expect(kinds(two.sent).sort()).toEqual(['host.down 198.18.1.14', 'host.down 198.18.1.15']);
    expect(kinds(two.recorded).sort()).toEqual(['host.down 198.18.1.14', 'host.down 198.18.1.15']);
  });

  it('a host going down while the subnet is degraded is part of the incident, not an event of its own', async () => {
    const s = await rig.subnet('198.18.2.0/24');
    const seven = range(2, 10, 16);
    const four = range(2, 10, 13);
    await rig.sweep(s, seven);
    await rig.sweep(s, without(seven, ...four));
    await rig.sweep(s, without(seven, ...four));
    expect(kinds((await rig.settle()).sent)).toEqual(['subnet.degraded']);
    // .14 follows
    await rig.sweep(s, without(seven, ...four, ip(2, 14)));
    await rig.sweep(s, without(seven, ...four, ip(2, 14)));
    expect(await rig.settle()).toEqual(nothing);
    // 3 of the 5 back: too few still down to count as degraded
    await rig.sweep(s, without(seven, ip(2, 13), ip(2, 14)));
    const rec = await rig.settle();
    expect(kinds(rec.sent)).toEqual(['subnet.recovered']);
    expect(listed(rec.sent[0]!.event)).toEqual([ip(2, 13), ip(2, 14)]);
    await rig.sweep(s, seven);
    expect(kinds((await rig.settle()).sent).sort()).toEqual(['host.up 198.18.2.13', 'host.up 198.18.2.14']);
  });
});

describe('probe-aware', () => {
  let rig: AlertRig;
  let s: number;
  const hosts = range(3, 10, 14);
  const heartbeat = 15;
  const ping = async () => expect(await handleProbeFrame(rig.t.deps, rig.probe.id, JSON.stringify({ type: 'ping' }))).toEqual([{ type: 'pong' }]);
  beforeAll(async () => {
    rig = await alertRig({ heartbeatSeconds: heartbeat });
    s = await rig.subnet('198.18.3.0/24');
    await rig.endpoint('/all');
    await rig.sweep(s, hosts);
    await ping();
    expect(await rig.settle()).toEqual(nothing);
  });
  afterAll(() => rig.close());

  const statuses = async () => {
    const rows = await rig.t.client.execute({ sql: 'SELECT status FROM hosts WHERE subnet_id = ?', args: [s] });
    return [...new Set(rows.rows.map((r) => String(r.status)))];
  };

  it('a probe gone for three heartbeats is one probe.offline, no host.down; its return one probe.online; changes while away are their own', async () => {
    await probeDisconnected(rig.t.deps, rig.probe.id);
    expect(await statuses()).toEqual(['unknown']);
    rig.t.clock.advance(2 * heartbeat * 1000);
    await rig.offlineDuty();
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing); // within the grace

    rig.t.clock.advance(2 * heartbeat * 1000); // now more than three heartbeats since it was last seen
    await rig.offlineDuty();
    const off = await rig.settle();
    expect(kinds(off.sent)).toEqual(['probe.offline']);
    expect(off.sent[0]!.event.data).toMatchObject({ probe: rig.probe, host: null, previous: 'online', current: 'offline' });
    expect(kinds(off.recorded)).toEqual(['probe.offline']);

    rig.t.clock.advance(5 * MIN);
    await rig.offlineDuty();
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);

    await probeConnected(rig.t.deps, rig.probe);
    const on = await rig.settle();
    expect(kinds(on.sent)).toEqual(['probe.online']);
    expect(on.sent[0]!.event.data).toMatchObject({ probe: rig.probe, previous: 'offline', current: 'online' });
    expect(kinds(on.recorded)).toEqual(['probe.online']);

    // .11 was up before and is silent now: one "down" once the status machine says so; the others answer: nothing
    await rig.sweep(s, without(hosts, ip(3, 11)));
    expect(await rig.settle()).toEqual(nothing);
    await rig.sweep(s, without(hosts, ip(3, 11)));
    const after = await rig.settle();
    expect(kinds(after.sent)).toEqual(['host.down 198.18.3.11']);
    expect(kinds(after.recorded)).toEqual(['host.down 198.18.3.11']);
    await rig.sweep(s, hosts);
    expect(kinds((await rig.settle()).sent)).toEqual(['host.up 198.18.3.11']);
  });

  it('a disconnect followed by a reconnect within the grace says nothing at all', async () => {
    await ping();
    await probeDisconnected(rig.t.deps, rig.probe.id);
    expect(await statuses()).toEqual(['unknown']);
    rig.t.clock.advance(2 * heartbeat * 1000);
    await rig.offlineDuty();
    await probeConnected(rig.t.deps, rig.probe);
    await rig.sweep(s, hosts);
    await ping();
    rig.t.clock.advance(10 * heartbeat * 1000);
    await ping();
    await rig.offlineDuty();
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
  });

  it('a connected probe silent for three heartbeats: the duty takes it offline, one probe.offline, no host.down', async () => {
    await ping();
    rig.t.clock.advance(3 * heartbeat * 1000 + 1000);
    await rig.offlineDuty();
    expect(await statuses()).toEqual(['unknown']);
    const off = await rig.settle();
    expect(kinds(off.sent)).toEqual(['probe.offline']);
    expect(kinds(off.recorded)).toEqual(['probe.offline']);
    await rig.offlineDuty();
    expect(await rig.settle()).toEqual(nothing);
    await probeConnected(rig.t.deps, rig.probe);
    expect(kinds((await rig.settle()).sent)).toEqual(['probe.online']);
    await rig.sweep(s, hosts);
    expect(await rig.settle()).toEqual(nothing);
  });

  it('sweeps the probe spooled while away, re-sent on its return: a host that went down meanwhile is one host.down', async () => {
    const gone = rig.t.clock.now();
    await probeDisconnected(rig.t.deps, rig.probe.id);
    rig.t.clock.advance(5 * MIN);
    await rig.offlineDuty();
    expect(kinds((await rig.settle()).sent)).toEqual(['probe.offline']);
    await probeConnected(rig.t.deps, rig.probe);
    for (const k of [1, 2, 3, 4]) await rig.sweep(s, without(hosts, ip(3, 12)), { at: gone + k * MIN, advance: false });
    const { sent, recorded } = await rig.settle();
    expect(kinds(sent).sort()).toEqual(['host.down 198.18.3.12', 'probe.online']);
    expect(kinds(recorded).sort()).toEqual(['host.down 198.18.3.12', 'probe.online']);
    expect(sent.find((x) => x.event.type === 'host.down')!.event.timestamp).toBe(new Date(gone + 2 * MIN).toISOString());
    await rig.sweep(s, without(hosts, ip(3, 12)));
    expect(await rig.settle()).toEqual(nothing);
  });
});

describe('maintenance windows', () => {
  let rig: AlertRig;
  const window = async (fields: Record<string, unknown>, minutes = 10) => {
    const now = rig.t.clock.now();
    const res = await rig.t.call('POST', '/api/maintenance', { name: 'works', kind: 'once', startsAt: new Date(now - MIN).toISOString(), endsAt: new Date(now + minutes * MIN).toISOString(), ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id as number, endsAt: Date.parse(res.body.endsAt) };
  };
  beforeAll(async () => {
    rig = await alertRig();
    await rig.endpoint('/all');
  });
  afterAll(() => rig.close());

  it("a subnet's window records its events muted and sends nothing; what is still down when it ends is sent then", async () => {
    const s = await rig.subnet('198.18.4.0/24');
    const six = range(4, 10, 15);
    await rig.sweep(s, six);
    const w = await window({ scope: 'subnet', subnetId: s });
    // .10 goes down and stays down; .11 goes down and comes back, all inside the window
    await rig.sweep(s, without(six, ip(4, 10), ip(4, 11)));
    await rig.sweep(s, without(six, ip(4, 10), ip(4, 11)));
    await rig.sweep(s, without(six, ip(4, 10)));
    const inside = await rig.settle();
    expect(inside.sent).toEqual([]);
    expect(kinds(inside.recorded).sort()).toEqual(['host.down 198.18.4.10', 'host.down 198.18.4.11', 'host.up 198.18.4.11']);
    for (const r of inside.recorded) expect(r).toMatchObject({ muted: true, mutedBy: w.id, deliveries: { total: 0 } });
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);

    rig.t.clock.t = w.endsAt + 1000;
    await rig.catchUp();
    const after = await rig.settle();
    expect(kinds(after.sent)).toEqual(['host.down 198.18.4.10']);
    expect(after.sent[0]!.event.data).toMatchObject({ heldByMaintenance: true, previous: 'up', current: 'down' });
    expect(after.recorded).toEqual([{ event: after.sent[0]!.event, muted: false, mutedBy: null, deliveries: { total: 1, delivered: 1, pending: 0 } }]);
    await rig.catchUp();
    await rig.sweep(s, without(six, ip(4, 10)));
    expect(await rig.settle()).toEqual(nothing);
    await rig.sweep(s, six);
    expect(kinds((await rig.settle()).sent)).toEqual(['host.up 198.18.4.10']);
  });

  it('a host held down by a window that answers again after its end, before the catch-up ran: no lone host.up', async () => {
    const s = await rig.subnet('198.18.6.0/24');
    const six = range(6, 10, 15);
    await rig.sweep(s, six);
    const w = await window({ scope: 'subnet', subnetId: s }, 3);
    await rig.sweep(s, without(six, ip(6, 10)));
    await rig.sweep(s, without(six, ip(6, 10)));
    expect((await rig.settle()).sent).toEqual([]);
    rig.t.clock.t = w.endsAt + 1000;
    await rig.sweep(s, six);
    await rig.catchUp();
    const { sent, recorded } = await rig.settle();
    expect(kinds(sent)).toEqual([]);
    expect(recorded.filter((r) => !r.muted)).toEqual([]);
  });

  it('hosts still down when the window ends, enough to be degraded, are one subnet.degraded', async () => {
    const s = await rig.subnet('198.18.7.0/24');
    const six = range(7, 10, 15);
    const four = range(7, 10, 13);
    await rig.sweep(s, six);
    const w = await window({ scope: 'subnet', subnetId: s }, 3);
    await rig.sweep(s, without(six, ...four));
    await rig.sweep(s, without(six, ...four));
    expect((await rig.settle()).sent).toEqual([]);
    rig.t.clock.t = w.endsAt + 1000;
    await rig.catchUp();
    const { sent, recorded } = await rig.settle();
    expect(kinds(sent)).toEqual(['subnet.degraded']);
    expect(sent[0]!.event.data).toMatchObject({ heldByMaintenance: true, hostsTotal: 4, subnet: { id: s } });
    expect(listed(sent[0]!.event)).toEqual(four);
    expect(kinds(recorded)).toEqual(['subnet.degraded']);
    await rig.catchUp();
    await rig.sweep(s, without(six, ...four));
    expect(await rig.settle()).toEqual(nothing);
    // its recovery is one event too
    await rig.sweep(s, six);
    expect(kinds((await rig.settle()).sent)).toEqual(['subnet.recovered']);
  });

  it('held downs too few to be degraded are sent one by one when the window ends', async () => {
    const s = await rig.subnet('198.18.8.0/24');
    const six = range(8, 10, 15);
    await rig.sweep(s, six);
    const w = await window({ scope: 'subnet', subnetId: s }, 3);
    await rig.sweep(s, without(six, ip(8, 10), ip(8, 11)));
    await rig.sweep(s, without(six, ip(8, 10), ip(8, 11)));
    rig.t.clock.t = w.endsAt + 1000;
    await rig.catchUp();
    const { sent } = await rig.settle();
    expect(kinds(sent).sort()).toEqual(['host.down 198.18.8.10', 'host.down 198.18.8.11']);
  });

  it('a degraded subnet that recovers inside a window is sent one subnet.recovered when the window ends', async () => {
    const s = await rig.subnet('198.18.9.0/24');
    const six = range(9, 10, 15);
    const four = range(9, 10, 13);
    await rig.sweep(s, six);
    await rig.sweep(s, without(six, ...four));
    await rig.sweep(s, without(six, ...four));
    expect(kinds((await rig.settle()).sent)).toEqual(['subnet.degraded']);
    const w = await window({ scope: 'subnet', subnetId: s }, 3);
    await rig.sweep(s, six);
    const inside = await rig.settle();
    expect(inside.sent).toEqual([]);
    expect(inside.recorded.map((r) => `${r.event.type} ${r.muted}`)).toEqual(['subnet.recovered true']);
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
    rig.t.clock.t = w.endsAt + 1000;
    await rig.catchUp();
    const after = await rig.settle();
    expect(kinds(after.sent)).toEqual(['subnet.recovered']);
    expect(after.sent[0]!.event.data).toMatchObject({ heldByMaintenance: true, hostsTotal: 0, previous: 'degraded', current: 'ok' });
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
  });

  it('a tag window mutes only the hosts with that tag', async () => {
    const s = await rig.subnet('198.18.5.0/24');
    const six = range(5, 10, 15);
    await rig.sweep(s, six);
    const ids = await rig.hostIds(s);
    const patched = await rig.t.call('PATCH', `/api/hosts/${ids.get(ip(5, 10))}`, { tags: ['core'] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const w = await window({ scope: 'tag', tag: 'core' });
    await rig.sweep(s, without(six, ip(5, 10), ip(5, 11)));
    await rig.sweep(s, without(six, ip(5, 10), ip(5, 11)));
    const { sent, recorded } = await rig.settle();
    expect(kinds(sent)).toEqual(['host.down 198.18.5.11']);
    expect(recorded.map((r) => `${kinds([r])[0]} ${r.muted}`).sort()).toEqual(['host.down 198.18.5.10 true', 'host.down 198.18.5.11 false']);
    expect(recorded.find((r) => r.muted)!.mutedBy).toBe(w.id);
    rig.t.clock.t = w.endsAt + 1000;
    await rig.catchUp();
    const after = await rig.settle();
    expect(kinds(after.sent)).toEqual(['host.down 198.18.5.10']);
    expect(after.sent[0]!.event.data).toMatchObject({ heldByMaintenance: true, host: { tags: ['core'] } });
  });
});

describe('thresholds of a subnet', () => {
  let rig: AlertRig;
  beforeAll(async () => {
    rig = await alertRig();
    await rig.endpoint('/all');
  });
  afterAll(() => rig.close());

  /** A subnet of three hosts whose .10 has been reported down. */
  async function withDownHost(third: number, fields: Record<string, unknown>) {
    const s = await rig.subnet(`198.18.${third}.0/24`);
    const patched = await rig.patchSubnet(s, fields);
    expect(patched.alertOverrides).toMatchObject(fields);
    const hosts = range(third, 10, 12);
    await rig.sweep(s, hosts);
    await rig.sweep(s, without(hosts, ip(third, 10)));
    const downAt = await rig.sweep(s, without(hosts, ip(third, 10)));
    expect(kinds((await rig.settle()).sent)).toEqual([`host.down 198.18.${third}.10`]);
    return { s, hosts, downAt };
  }

  it('up after 3: a flapping host sends no host.up until its third answer in a row, then exactly one', async () => {
    const { s, hosts } = await withDownHost(6, { alertUpAfter: 3 });
    const flap = [true, true, false, true, true];
    for (const answers of flap) {
      await rig.sweep(s, answers ? hosts : without(hosts, ip(6, 10)));
      expect(await rig.settle()).toEqual(nothing);
    }
    await rig.sweep(s, hosts);
    const { sent, recorded } = await rig.settle();
    expect(kinds(sent)).toEqual(['host.up 198.18.6.10']);
    expect(kinds(recorded)).toEqual(['host.up 198.18.6.10']);
    await rig.sweep(s, hosts);
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
  });

  it('reminders every 30 minutes for a host that stays down, not before', async () => {
    const { s, hosts, downAt } = await withDownHost(7, { alertReminderMinutes: 30 });
    rig.t.clock.t = downAt + 30 * MIN - 1000;
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
    rig.t.clock.t = downAt + 30 * MIN;
    await rig.catchUp();
    const first = await rig.settle();
    expect(kinds(first.sent)).toEqual(['host.down 198.18.7.10']);
    expect(first.sent[0]!.event.data).toMatchObject({ reminder: true, previous: 'up', current: 'down' });
    expect(kinds(first.recorded)).toEqual(['host.down 198.18.7.10']);
    await rig.catchUp();
    rig.t.clock.t = downAt + 60 * MIN - 1000;
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
    rig.t.clock.t = downAt + 60 * MIN;
    await rig.catchUp();
    const second = await rig.settle();
    expect(kinds(second.sent)).toEqual(['host.down 198.18.7.10']);
    expect(second.sent[0]!.event.data.reminder).toBe(true);
    // back up: one host.up, and no reminders any more
    await rig.sweep(s, hosts);
    expect(kinds((await rig.settle()).sent)).toEqual(['host.up 198.18.7.10']);
    rig.t.clock.advance(120 * MIN);
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
  });

  it('send-on-resolved off: no host.up', async () => {
    const { s, hosts } = await withDownHost(8, { alertSendResolved: false });
    await rig.sweep(s, hosts);
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
    // and the next down is news again
    await rig.sweep(s, without(hosts, ip(8, 10)));
    await rig.sweep(s, without(hosts, ip(8, 10)));
    expect(kinds((await rig.settle()).sent)).toEqual(['host.down 198.18.8.10']);
  });

  it('send-on-resolved off: a degraded subnet coming back sends no subnet.recovered', async () => {
    const s = await rig.subnet('198.18.9.0/24');
    await rig.patchSubnet(s, { alertSendResolved: false });
    const six = range(9, 10, 15);
    const four = range(9, 10, 13);
    await rig.sweep(s, six);
    await rig.sweep(s, without(six, ...four));
    await rig.sweep(s, without(six, ...four));
    expect(kinds((await rig.settle()).sent)).toEqual(['subnet.degraded']);
    await rig.sweep(s, six);
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
    // the subnet is ok again: the next incident is news
    await rig.sweep(s, without(six, ...four));
    await rig.sweep(s, without(six, ...four));
    expect(kinds((await rig.settle()).sent)).toEqual(['subnet.degraded']);
  });

  it('no reminders while the probe is gone (its hosts are unknown); they resume when it is back and the host is still down', async () => {
    const { s, hosts, downAt } = await withDownHost(10, { alertReminderMinutes: 30 });
    await probeDisconnected(rig.t.deps, rig.probe.id);
    rig.t.clock.t = downAt + 5 * MIN;
    await rig.offlineDuty();
    expect(kinds((await rig.settle()).sent)).toEqual(['probe.offline']);
    rig.t.clock.t = downAt + 45 * MIN;
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
    await probeConnected(rig.t.deps, rig.probe);
    expect(kinds((await rig.settle()).sent)).toEqual(['probe.online']);
    await rig.sweep(s, without(hosts, ip(10, 10)));
    await rig.sweep(s, without(hosts, ip(10, 10)));
    await rig.catchUp();
    const back = await rig.settle();
    expect(kinds(back.sent)).toEqual(['host.down 198.18.10.10']);
    expect(back.sent[0]!.event.data.reminder).toBe(true);
  });
});

describe('endpoint filters', () => {
  let rig: AlertRig;
  beforeAll(async () => {
    rig = await alertRig();
  });
  afterAll(() => rig.close());

  it('subnets, tags, event types and the enabled flag decide who gets what', async () => {
    const s1 = await rig.subnet('198.18.9.0/24');
    const s2 = await rig.subnet('198.18.10.0/24');
    await rig.endpoint('/all');
    await rig.endpoint('/other', { subnetIds: [s2] });
    await rig.endpoint('/core', { tags: ['core'] });
    await rig.endpoint('/ups', { eventTypes: ['host.up'] });
    await rig.endpoint('/off', { enabled: false });
    const s3 = await rig.subnet('198.18.11.0/24', { probeId: null });
    await rig.endpoint('/elsewhere', { subnetIds: [s3] });
    const late = await rig.endpoint('/late');
    const six = range(9, 10, 15);
    const three = range(10, 10, 12);
    await rig.sweep(s1, six);
    await rig.sweep(s2, three);
    const ids = await rig.hostIds(s1);
    expect((await rig.t.call('PATCH', `/api/hosts/${ids.get(ip(9, 10))}`, { tags: ['core', 'dc1'] })).status).toBe(200);

    await rig.sweep(s1, without(six, ip(9, 10), ip(9, 11)));
    await rig.sweep(s1, without(six, ip(9, 10), ip(9, 11)));
    // disabled after the events were written: its pending deliveries are never sent
    expect((await rig.t.call('PATCH', `/api/webhooks/${late}`, { enabled: false })).status).toBe(200);
    const byPath = (sent: { path: string; event: any }[]) => {
      const out: Record<string, string[]> = {};
      for (const x of sent) (out[x.path] ??= []).push(kinds([x])[0]!);
      for (const k of Object.keys(out)) out[k]!.sort();
      return out;
    };
    const downs = await rig.settle();
    expect(byPath(downs.sent)).toEqual({ '/all': ['host.down 198.18.9.10', 'host.down 198.18.9.11'], '/core': ['host.down 198.18.9.10'] });
    expect(kinds(downs.recorded).sort()).toEqual(['host.down 198.18.9.10', 'host.down 198.18.9.11']);

    await rig.sweep(s2, without(three, ip(10, 12)));
    await rig.sweep(s2, without(three, ip(10, 12)));
    expect(byPath((await rig.settle()).sent)).toEqual({ '/all': ['host.down 198.18.10.12'], '/other': ['host.down 198.18.10.12'] });

    await rig.sweep(s1, without(six, ip(9, 11)));
    expect(byPath((await rig.settle()).sent)).toEqual({ '/all': ['host.up 198.18.9.10'], '/core': ['host.up 198.18.9.10'], '/ups': ['host.up 198.18.9.10'] });

    // a probe event concerns the subnets the probe watches, and every tag
    await probeDisconnected(rig.t.deps, rig.probe.id);
    rig.t.clock.advance(5 * MIN);
    await rig.offlineDuty();
    expect(byPath((await rig.settle()).sent)).toEqual({ '/all': ['probe.offline'], '/other': ['probe.offline'], '/core': ['probe.offline'] });
    expect(rig.rx.received.some((r) => ['/off', '/late', '/elsewhere'].includes(r.path))).toBe(false);
  });
});

describe('port events', () => {
  let rig: AlertRig;
  let s: number;
  const spec = (p: string) => {
    const [port, protocol, service, product, version] = p.split('/');
    return { port: Number(port), protocol, state: 'open', service: service || null, product: product || null, version: version || null };
  };
  const scan = async (ports: string[], host = ip(11, 10)) => {
    await rig.results([{ kind: 'port_scan', subnetId: s, at: rig.t.clock.now(), durationMs: 900, hosts: [{ ip: host, responsive: true, ports: ports.map(spec) }] }]);
    rig.t.clock.advance(MIN);
  };
  const services = (e: any) => e.data.services.map((x: any) => `${x.port}/${x.protocol} ${x.service}${x.previousService !== undefined ? ` was ${x.previousService}` : ''}`).sort();
  beforeAll(async () => {
    rig = await alertRig();
    s = await rig.subnet('198.18.11.0/24');
    await rig.endpoint('/all');
    await rig.sweep(s, range(11, 10, 12));
  });
  afterAll(() => rig.close());

  it("a host's first scan is its baseline; later opens, closes and service changes are one event each", async () => {
    await scan(['22/tcp/ssh/OpenSSH/9.2p1']);
    expect(await rig.settle()).toEqual(nothing);

    await scan(['22/tcp/ssh/OpenSSH/9.2p1', '80/tcp/http/nginx/1.24.0', '443/tcp/https/nginx/1.24.0']);
    const opened = await rig.settle();
    expect(kinds(opened.sent)).toEqual(['port.opened 198.18.11.10']);
    expect(services(opened.sent[0]!.event)).toEqual(['443/tcp https', '80/tcp http']);
    expect(opened.sent[0]!.event.data).toMatchObject({ previous: 'closed', current: 'open', subnet: { id: s } });
    expect(kinds(opened.recorded)).toEqual(['port.opened 198.18.11.10']);

    await scan(['22/tcp/ssh/OpenSSH/9.2p1', '80/tcp/http/nginx/1.24.0']);
    const closed = await rig.settle();
    expect(kinds(closed.sent)).toEqual(['port.closed 198.18.11.10']);
    expect(services(closed.sent[0]!.event)).toEqual(['443/tcp https']);

    await scan(['22/tcp/ssh/OpenSSH/9.2p1', '80/tcp/http-proxy/squid/6.6']);
    const changed = await rig.settle();
    expect(kinds(changed.sent)).toEqual(['service.changed 198.18.11.10']);
    expect(services(changed.sent[0]!.event)).toEqual(['80/tcp http-proxy was http']);

    // the same ports again: nothing
    await scan(['22/tcp/ssh/OpenSSH/9.2p1', '80/tcp/http-proxy/squid/6.6']);
    expect(await rig.settle()).toEqual(nothing);
  });

  it('a first scan with no open ports is a baseline too', async () => {
    await scan([], ip(11, 11));
    expect(await rig.settle()).toEqual(nothing);
    await scan(['8080/tcp/http-proxy'], ip(11, 11));
    expect(kinds((await rig.settle()).sent)).toEqual(['port.opened 198.18.11.11']);
  });
});

describe('alert state survives a restart', () => {
  let rig: AlertRig;
  beforeAll(async () => {
    rig = await alertRig({}, { restartable: true });
    await rig.endpoint('/all');
  });
  afterAll(() => rig.close());

  it('a pending delivery is sent after the restart with the same event id; what was sent is never sent again', async () => {
    const s = await rig.subnet('198.18.12.0/24');
    const hosts = range(12, 10, 12);
    await rig.sweep(s, hosts);
    await rig.sweep(s, without(hosts, ip(12, 11)));
    await rig.sweep(s, without(hosts, ip(12, 11)));
    // written, not yet sent
    const before = (await rig.t.call('GET', '/api/alerts')).body.alerts;
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ event: { type: 'host.down' }, deliveries: { total: 1, pending: 1 } });

    await rig.restart();
    const { sent } = await rig.settle();
    expect(kinds(sent)).toEqual(['host.down 198.18.12.11']);
    expect(sent[0]!.event.id).toBe(before[0].event.id);

    await rig.restart();
    await rig.catchUp();
    await rig.sweep(s, without(hosts, ip(12, 11)));
    expect(await rig.settle()).toEqual(nothing);
    // it remembers the down: the return is one host.up
    await rig.sweep(s, hosts);
    expect(kinds((await rig.settle()).sent)).toEqual(['host.up 198.18.12.11']);
  });

  it('a degraded subnet is remembered: the recovery after a restart is one subnet.recovered', async () => {
    const s = await rig.subnet('198.18.13.0/24');
    const six = range(13, 10, 15);
    const four = range(13, 10, 13);
    await rig.sweep(s, six);
    await rig.sweep(s, without(six, ...four));
    await rig.sweep(s, without(six, ...four));
    expect(kinds((await rig.settle()).sent)).toEqual(['subnet.degraded']);
    await rig.restart();
    await rig.sweep(s, six);
    const rec = await rig.settle();
    expect(kinds(rec.sent)).toEqual(['subnet.recovered']);
    expect(rec.sent[0]!.event.data.hostsTotal).toBe(0);
  });
});

describe('1,000 simultaneous flips', () => {
  let rig: AlertRig;
  beforeAll(async () => {
    rig = await alertRig();
    await rig.endpoint('/all');
  });
  afterAll(() => rig.close());

  /** The first `n` usable addresses of the block, skipping those `skip` says. */
  const addresses = (cidr: string, n: number, skip: (i: number) => boolean = () => false) => {
    const { first, last } = usableRange(parseCidr(cidr));
    const out: string[] = [];
    for (let v = first, i = 0; v <= last && out.length < n; v++, i++) if (!skip(i)) out.push(formatIp(v, 4));
    return out;
  };

  it('a /22 with 1,000 up hosts going silent together is one subnet.degraded', async () => {
    const cidr = '198.18.4.0/22';
    const s = await rig.subnet(cidr);
    const all = addresses(cidr, 1000);
    expect(all.length).toBeLessThanOrEqual(MAX_FRAME_SAMPLES);
    await rig.sweep(s, all);
    await rig.sweep(s, []);
    expect(await rig.settle()).toEqual(nothing);
    await rig.sweep(s, []);
    const { sent, recorded } = await rig.settle();
    expect(kinds(sent)).toEqual(['subnet.degraded']);
    expect(sent[0]!.event.data.hostsTotal).toBe(1000);
    expect(sent[0]!.event.data.hosts).toHaveLength(MAX_LISTED_HOSTS);
    expect(kinds(recorded)).toEqual(['subnet.degraded']);
    await rig.sweep(s, []);
    await rig.catchUp();
    expect(await rig.settle()).toEqual(nothing);
    // all back: one subnet.recovered, no host.up
    await rig.sweep(s, all);
    const back = await rig.settle();
    expect(kinds(back.sent)).toEqual(['subnet.recovered']);
    expect(back.sent[0]!.event.data.hostsTotal).toBe(0);
  });

  it('the same as the probe sends it, split into parts of at most MAX_FRAME_SAMPLES addresses: still one event each way', async () => {
    const cidr = '198.18.8.0/22';
    const s = await rig.subnet(cidr);
    // 1,022 usable addresses: the probe sends parts of 1,000 and 22; hosts in both
    const all = addresses(cidr, 1000, (i) => i < 1000 && i % 45 === 44);
    expect(all).toHaveLength(1000);
    const parts = (up: string[]) => {
      const sweep: SweepResult = { subnetId: s, at: rig.t.clock.now(), durationMs: 5, complete: true, up: up.map((x) => ({ ip: x, latencyMs: 1 })), down: [] };
      return splitSweep(sweep, parseCidr(cidr)).map((p) => ({ kind: 'sweep', ...p }));
    };
    const sweep = async (up: string[]) => {
      const list = parts(up);
      expect(list).toHaveLength(2);
      for (const p of list) await rig.results([p]);
      rig.t.clock.advance(MIN);
    };
    await sweep(all);
    await sweep([]);
    expect(await rig.settle()).toEqual(nothing);
    await sweep([]);
    const down = await rig.settle();
    expect(kinds(down.sent)).toEqual(['subnet.degraded']);
    expect(kinds(down.recorded)).toEqual(['subnet.degraded']);
    await sweep(all);
    const back = await rig.settle();
    expect(kinds(back.sent)).toEqual(['subnet.recovered']);
    expect(kinds(back.recorded)).toEqual(['subnet.recovered']);
  });
});
