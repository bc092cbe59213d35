import { describe, expect, it } from 'vitest';
import type { HostStep } from './host-alerts.js';
import { stepHostAlert } from './host-alerts.js';
import { catchUp, heldDegraded } from './reconcile.js';
import { decideSubnet, type SubnetBatch } from './subnet-alerts.js';
import type { AlertPolicy, HostAlert } from './types.js';

const policy: AlertPolicy = { downAfter: 2, upAfter: 1, reminderMinutes: 0, sendResolved: true, degradedShare: 0.5, degradedMinHosts: 3 };
const up = (since = 0): HostAlert => ({ state: 'up', notified: 'up', ups: 0, since, lastSentAt: null });
const down = (since = 0): HostAlert => ({ state: 'down', notified: 'down', ups: 0, since, lastSentAt: since });
const goesDown: HostStep[] = [{ at: 10, answered: false, status: 'down' }];
const answers: HostStep[] = [{ at: 10, answered: true, status: 'up' }];
const steps = (...s: [boolean, 'up' | 'down' | 'unknown'][]): HostStep[] => s.map(([answered, status], i) => ({ at: (i + 1) * 10, answered, status }));

function batch(over: Partial<SubnetBatch>): SubnetBatch {
  return { subnetId: 1, probeId: 7, policy, mute: () => null, hosts: [], others: new Map(), subnet: null, ...over };
}

describe('stepHostAlert', () => {
  it.each([
    ['up host goes down', up(), steps([false, 'up'], [false, 'down']), ['down@20'], 'down'],
    ['down host answers (up after 1)', down(), steps([true, 'up']), ['up@10'], 'up'],
    ['unknown (probe gone) changes nothing', up(), steps([false, 'unknown'], [false, 'unknown']), [], 'up'],
    ['up, then down after the probe returns: one down', up(), steps([false, 'unknown'], [false, 'down']), ['down@20'], 'down'],
    ['never alerted, first seen up: no news', null, steps([true, 'up']), [], 'up'],
    ['never alerted, first seen down: news', null, steps([false, 'down']), ['down@10'], 'down'],
    ['never answered stays unalerted', null, steps([false, 'unknown']), [], null],
  ] as const)('%s', (_, prev, s, flips, state) => {
    const r = stepHostAlert(prev, s, { upAfter: 1 });
    expect(r.flips.map((f) => `${f.to}@${f.at}`)).toEqual(flips);
    expect(r.next?.state ?? null).toBe(state);
  });

  it('a flapping host with up-after 3 sends no "up" until 3 answers in a row', () => {
    const flap = steps([true, 'up'], [true, 'up'], [false, 'up'], [true, 'up'], [true, 'up'], [true, 'up']);
    const r = stepHostAlert(down(), flap, { upAfter: 3 });
    expect(r.flips).toEqual([{ at: 60, to: 'up' }]);
    expect(stepHostAlert(down(), flap.slice(0, 5), { upAfter: 3 }).next).toMatchObject({ state: 'down', ups: 2 });
  });
});

describe('decideSubnet', () => {
  const six = (downIds: number[]) =>
    [1, 2, 3, 4, 5, 6].map((hostId) => ({ hostId, prev: up(), steps: downIds.includes(hostId) ? goesDown : answers }));

  it('4 of 6 hosts down at once: one "subnet degraded", no host events', () => {
    const d = decideSubnet(batch({ hosts: six([1, 2, 3, 4]) }));
    expect(d.drafts.map((x) => x.type)).toEqual(['subnet.degraded']);
    expect(d.drafts[0]).toMatchObject({ hostIds: [1, 2, 3, 4], previous: 'ok', current: 'degraded', subnetId: 1, probeId: 7 });
    expect(d.subnet).toMatchObject({ state: 'degraded', hostIds: [1, 2, 3, 4] });
    expect(d.hosts.get(1)).toMatchObject({ state: 'down', notified: 'down' });
  });

  it.each([
    ['2 of 6: below the minimum of 3', [1, 2], ['host.down', 'host.down']],
    ['3 of 6: not more than half', [1, 2, 3], ['host.down', 'host.down', 'host.down']],
  ])('%s: host events', (_, ids, types) => {
    expect(decideSubnet(batch({ hosts: six(ids) })).drafts.map((x) => x.type)).toEqual(types);
  });

  it('while degraded, more downs and comebacks are part of the incident; recovery lists who is still down', () => {
    const subnet = { state: 'degraded' as const, notified: 'degraded' as const, since: 0, hostIds: [1, 2, 3, 4] };
    const others = new Map([[1, down()], [2, down()], [3, down()], [4, down()]]);
    const worse = decideSubnet(batch({ subnet, others, hosts: [{ hostId: 5, prev: up(), steps: goesDown }] }));
    expect(worse.drafts).toEqual([]);
    expect(worse.subnet?.hostIds).toEqual([1, 2, 3, 4, 5]);
    const better = decideSubnet(
      batch({ subnet: worse.subnet, others: new Map([...others, [5, down()]]), hosts: [1, 2, 3].map((hostId) => ({ hostId, prev: down(), steps: answers })) }),
    );
    expect(better.drafts.map((x) => [x.type, x.hostIds])).toEqual([['subnet.recovered', [4, 5]]]);
    expect(better.subnet?.state).toBe('ok');
    expect(better.hosts.get(1)).toMatchObject({ state: 'up', notified: 'up' });
  });

  it('a part of a split sweep: recovery waits while a member still down is pending in a later part', () => {
    const subnet = { state: 'degraded' as const, notified: 'degraded' as const, since: 0, hostIds: [1, 2, 3, 4, 5, 6] };
    const others = new Map([1, 2, 3, 4, 5, 6].map((id) => [id, down()] as const));
    const first = decideSubnet(batch({ subnet, others, pending: new Set([5, 6]), hosts: [1, 2, 3, 4].map((hostId) => ({ hostId, prev: down(), steps: answers })) }));
    expect(first.drafts).toEqual([]);
    const rest = new Map([...others, ...first.hosts]);
    const last = decideSubnet(batch({ subnet, others: rest, hosts: [5, 6].map((hostId) => ({ hostId, prev: down(), steps: answers })) }));
    expect(last.drafts.map((x) => [x.type, x.hostIds])).toEqual([['subnet.recovered', []]]);
  });

  it('a muted flip is recorded muted and leaves notified as it was; muted downs never make a subnet degraded', () => {
    const d = decideSubnet(batch({ hosts: six([1, 2, 3, 4]), mute: (t) => (t.hostId === 1 || t.hostId === 2 ? 9 : null) }));
    expect(d.drafts.map((x) => [x.type, x.hostId, x.mutedBy])).toEqual([
      ['host.down', 1, 9],
      ['host.down', 2, 9],
      ['host.down', 3, null],
      ['host.down', 4, null],
    ]);
    expect(d.hosts.get(1)).toMatchObject({ state: 'down', notified: 'up' });
    expect(d.hosts.get(3)).toMatchObject({ state: 'down', notified: 'down', lastSentAt: 10 });
  });

  it('an "up" whose "down" a window held and nobody was told (the window ended before the catch-up): nothing', () => {
    const held: HostAlert = { state: 'down', notified: 'up', ups: 0, since: 0, lastSentAt: null };
    const d = decideSubnet(batch({ hosts: [{ hostId: 1, prev: held, steps: answers }] }));
    expect(d.drafts).toEqual([]);
    expect(d.hosts.get(1)).toMatchObject({ state: 'up', notified: 'up' });
  });

  it('a recovery inside a window is recorded muted and owed (the catch-up sends it); the members\' flips are the incident\'s', () => {
    const subnet = { state: 'degraded' as const, notified: 'degraded' as const, since: 0, hostIds: [1, 2, 3, 4] };
    const d = decideSubnet(batch({ subnet, mute: () => 9, hosts: [1, 2, 3, 4].map((hostId) => ({ hostId, prev: down(), steps: answers })) }));
    expect(d.drafts.map((x) => [x.type, x.mutedBy])).toEqual([['subnet.recovered', 9]]);
    expect(d.subnet).toMatchObject({ state: 'ok', notified: 'degraded' });
    expect(d.hosts.get(1)).toMatchObject({ state: 'up', notified: 'up' });
  });

  it('send-on-resolved off: a recovery is no event, but the subnet is ok again', () => {
    const subnet = { state: 'degraded' as const, notified: 'degraded' as const, since: 0, hostIds: [1, 2, 3, 4] };
    const d = decideSubnet(batch({ policy: { ...policy, sendResolved: false }, subnet, hosts: [1, 2, 3, 4].map((hostId) => ({ hostId, prev: down(), steps: answers })) }));
    expect(d.drafts).toEqual([]);
    expect(d.subnet?.state).toBe('ok');
  });

  it('send-on-resolved off: no "up", but the host is no longer owed one', () => {
    const d = decideSubnet(batch({ policy: { ...policy, sendResolved: false }, hosts: [{ hostId: 1, prev: down(), steps: answers }] }));
    expect(d.drafts).toEqual([]);
    expect(d.hosts.get(1)).toMatchObject({ state: 'up', notified: 'up' });
  });
});

describe('catchUp', () => {
  const held: HostAlert = { state: 'down', notified: 'up', ups: 0, since: 0, lastSentAt: null };
  it.each([
    ['still muted: nothing', held, 0, true, false, null],
    ['window over, still down: sent then, marked held', held, 0, false, false, { to: 'down', reminder: false, held: true }],
    ['down and back inside the window: nothing', up(), 0, false, false, null],
    ['part of a degraded subnet: nothing', held, 0, false, true, null],
    ['reminders off', down(0), 0, false, false, null],
  ] as const)('%s', (_, h, reminderMinutes, muted, inIncident, send) => {
    expect(catchUp(h, { reminderMinutes, sendResolved: true }, 3_600_000, muted, inIncident)?.send ?? null).toEqual(send);
  });

  it.each([
    ['4 held of 6', 4, 2, true],
    ['3 held of 6: not more than half', 3, 3, false],
    ['2 held of 2: below the minimum of 3', 2, 0, false],
  ] as const)('held downs as one degraded subnet: %s', (_, held, upNow, degraded) => {
    expect(heldDegraded(held, upNow, policy)).toBe(degraded);
  });

  it('reminds every interval while down', () => {
    const p = { reminderMinutes: 30, sendResolved: true };
    expect(catchUp(down(0), p, 29 * 60_000, false, false)).toBeNull();
    const r = catchUp(down(0), p, 30 * 60_000, false, false)!;
    expect(r.send).toEqual({ to: 'down', reminder: true, held: false });
    expect(catchUp(r.next, p, 59 * 60_000, false, false)).toBeNull();
  });
});
