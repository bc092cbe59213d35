import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../schema/ip/cidr.js';
import type { FlowsItem } from '../../schema/kinds/flows.js';
import { DAY_MS, dayOf, flowPruneCutoffs, HOUR_MS, hourOf, listedFlowRows, planFlows, rollupDue, sightingsInside, unregisteredOf, type Sighting } from './flow-plan.js';

const MIN = 60_000;
const now = Date.UTC(2026, 10, 26, 12, 30);
const WEEK = 7 * DAY_MS;

const item = (at: number, over: Partial<FlowsItem> = {}): FlowsItem => ({
  kind: 'flows',
  at,
  totals: { bytes: 1000, packets: 10, flows: 2 },
  talkers: [],
  conversations: [],
  ports: [],
  matrix: [],
  seen: [],
  exporters: [],
  ...over,
});
const exporter = (address: string, packets: number, lastSeenAt: number) => ({
  address,
  packets,
  flows: packets * 2,
  drops: { truncated: 1 },
  templates: 3,
  sequenceGaps: 0,
  pending: 0,
  samplingRate: 1,
  versions: [9 as const],
  firstSeenAt: 0,
  lastSeenAt,
});

describe('hourOf / dayOf', () => {
  it.each([
    [Date.UTC(2026, 10, 26, 12, 0), Date.UTC(2026, 10, 26, 12)],
    [Date.UTC(2026, 10, 26, 12, 59, 59, 999), Date.UTC(2026, 10, 26, 12)],
    [Date.UTC(2026, 10, 26, 13), Date.UTC(2026, 10, 26, 13)],
  ])('hour of %i is %i', (at, hour) => expect(hourOf(at)).toBe(hour));

  it.each([
    [Date.UTC(2026, 10, 26, 23, 59), Date.UTC(2026, 10, 26)],
    [Date.UTC(2026, 10, 27, 0, 0), Date.UTC(2026, 10, 27)],
  ])('UTC day of %i is %i', (at, day) => expect(dayOf(at)).toBe(day));
});

describe('planFlows', () => {
  it('counts every row an item names: lists, totals, exporters, seen', () => {
    const i = item(now - 5 * MIN, {
      talkers: [{ ip: '198.18.0.1', subnetId: 1, bytesIn: 1, bytesOut: 2, packetsIn: 1, packetsOut: 1, flowsIn: 1, flowsOut: 1 }],
      ports: [{ protocol: 6, port: 22, bytes: 1, packets: 1, flows: 1 }],
      seen: [{ ip: '198.18.0.1', subnetId: 1 }],
      exporters: [exporter('198.18.0.254', 5, now)],
    });
    expect(listedFlowRows(i)).toBe(5);
    expect(planFlows([i], now, WEEK).rowCount).toBe(5);
  });

  it.each([
    ['a minute ago', now - MIN, null],
    ['at the spool limit', now - WEEK, null],
    ['older than a spool keeps it', now - WEEK - MIN, 'too_old'],
    ['4 minutes ahead', now + 4 * MIN, null],
    ['6 minutes ahead', now + 6 * MIN, 'in_future'],
  ])('an item %s: %s', (_name, at, reason) => {
    const plan = planFlows([item(at)], now, WEEK);
    expect(plan.rejected).toEqual(reason ? [{ at, reason }] : []);
    expect(plan.accepted).toEqual(reason ? [] : [at]);
    expect(plan.rows.totals.length).toBe(reason ? 0 : 1);
  });

  it('refuses an item older than the minute rows are kept, when that is shorter than the spool', () => {
    expect(planFlows([item(now - 2 * DAY_MS)], now, DAY_MS).rejected).toEqual([{ at: now - 2 * DAY_MS, reason: 'too_old' }]);
  });

  it('marks each hour its minutes fall in once, oldest first', () => {
    const h = Date.UTC(2026, 10, 26, 11);
    const plan = planFlows([item(h + 59 * MIN), item(h + 2 * MIN), item(h - 60 * MIN)], now, WEEK);
    expect(plan.hours).toEqual([h - HOUR_MS, h]);
    expect(plan.accepted).toEqual([h - 60 * MIN, h + 2 * MIN, h + 59 * MIN]);
  });

  it('stores addresses canonically and leaves out a row with text that is no address', () => {
    const plan = planFlows(
      [
        item(now - MIN, {
          talkers: [
            { ip: '2001:DB8:0:0::1', subnetId: null, bytesIn: 1, bytesOut: 0, packetsIn: 1, packetsOut: 0, flowsIn: 1, flowsOut: 0 },
            { ip: 'not-an-ip', subnetId: null, bytesIn: 1, bytesOut: 0, packetsIn: 1, packetsOut: 0, flowsIn: 1, flowsOut: 0 },
          ],
          conversations: [{ src: '198.18.0.1', dst: '10.1', srcSubnetId: 1, dstSubnetId: null, bytes: 1, packets: 1, flows: 1 }],
          matrix: [{ from: null, to: 4, bytes: 9, packets: 1, flows: 1 }],
        }),
      ],
      now,
      WEEK,
    );
    expect(plan.rows.talkers.map((t) => t[1])).toEqual(['2001:db8::1']);
    expect(plan.rows.conversations).toEqual([]);
    expect(plan.ignored).toEqual(['not-an-ip', '10.1']);
    // External is 0 in the matrix
    expect(plan.rows.matrix).toEqual([[now - MIN, 0, 4, 9, 1, 1]]);
  });

  it("keeps each exporter's counters from the newest item that reports it, whatever the order", () => {
    const older = item(now - 3 * MIN, { exporters: [exporter('198.18.0.254', 5, now - 3 * MIN), exporter('198.18.0.253', 7, now - 3 * MIN)] });
    const newer = item(now - MIN, { exporters: [exporter('198.18.0.254', 9, now - MIN)] });
    const plan = planFlows([newer, older], now, WEEK);
    expect(plan.exporters.map((e) => [e.address, e.packets])).toEqual([
      ['198.18.0.254', 9],
      ['198.18.0.253', 7],
    ]);
  });

  it('makes one sighting per subnet, address and UTC day, with the first and last minute heard', () => {
    const late = Date.UTC(2026, 10, 25, 23, 58);
    const plan = planFlows(
      [
        item(late, { seen: [{ ip: '198.18.0.9', subnetId: 1 }] }),
        item(late + MIN, { seen: [{ ip: '198.18.0.9', subnetId: 1 }, { ip: '198.18.0.10', subnetId: 1 }] }),
        item(late + 3 * MIN, { seen: [{ ip: '198.18.0.9', subnetId: 1 }] }),
      ],
      now,
      WEEK,
    );
    expect(plan.sightings).toEqual([
      { subnetId: 1, ip: '198.18.0.9', day: Date.UTC(2026, 10, 25), firstSeenAt: late, lastSeenAt: late + MIN },
      { subnetId: 1, ip: '198.18.0.10', day: Date.UTC(2026, 10, 25), firstSeenAt: late + MIN, lastSeenAt: late + MIN },
      { subnetId: 1, ip: '198.18.0.9', day: Date.UTC(2026, 10, 26), firstSeenAt: late + 3 * MIN, lastSeenAt: late + 3 * MIN },
    ]);
  });

  it("files a queued address under the day it was heard (its own `at`), not the day of the item carrying it", () => {
    const late = Date.UTC(2026, 10, 25, 23, 58);
    const plan = planFlows(
      [
        item(late + 2 * MIN, {
          seen: [
            { ip: '198.18.0.7', subnetId: 1, at: late },
            { ip: '198.18.0.8', subnetId: 1 },
            { ip: '198.18.0.9', subnetId: 1, at: late + 2 * MIN - 2 * 86_400_000 }, // more than a day off: the item's minute
          ],
        }),
      ],
      now,
      WEEK,
    );
    expect(plan.sightings).toEqual([
      { subnetId: 1, ip: '198.18.0.7', day: Date.UTC(2026, 10, 25), firstSeenAt: late, lastSeenAt: late },
      { subnetId: 1, ip: '198.18.0.8', day: Date.UTC(2026, 10, 26), firstSeenAt: late + 2 * MIN, lastSeenAt: late + 2 * MIN },
      { subnetId: 1, ip: '198.18.0.9', day: Date.UTC(2026, 10, 26), firstSeenAt: late + 2 * MIN, lastSeenAt: late + 2 * MIN },
    ]);
  });
});

describe('unregistered talkers', () => {
  const subnets = new Map([
    [1, parseCidr('198.18.0.0/24')],
    [2, parseCidr('fd00:1::/64')],
    [3, parseCidr('198.18.9.4/31')],
  ]);
  const s = (subnetId: number, ip: string): Sighting => ({ subnetId, ip, day: 0, firstSeenAt: 0, lastSeenAt: 0 });

  it.each([
    ['an address of the subnet', s(1, '198.18.0.7'), true],
    ['its network address', s(1, '198.18.0.0'), false],
    ['its broadcast address', s(1, '198.18.0.255'), false],
    ['an address of another subnet', s(1, '198.18.1.7'), false],
    ['an IPv6 address of an IPv6 subnet', s(2, 'fd00:1::7'), true],
    ['an IPv6 address named with an IPv4 subnet', s(1, 'fd00:1::7'), false],
    ['both addresses of a /31', s(3, '198.18.9.4'), true],
    ['a subnet that does not exist', s(9, '198.18.0.7'), false],
  ])('%s counts: %s', (_name, sighting, inside) => {
    const out = sightingsInside([sighting], subnets);
    expect(out.inside.length).toBe(inside ? 1 : 0);
    expect(out.outside).toEqual(inside ? [] : [{ subnetId: sighting.subnetId, addresses: [sighting.ip] }]);
  });

  it('leaves out addresses with a host record, and raises events only for those not recorded that day', () => {
    const a = s(1, '198.18.0.7');
    const b = s(1, '198.18.0.8');
    const c = s(1, '198.18.0.9');
    const known = new Map([
      ['1|198.18.0.7|0', { registered: true, recorded: false }],
      ['1|198.18.0.8|0', { registered: false, recorded: true }],
      ['1|198.18.0.9|0', { registered: false, recorded: false }],
    ]);
    expect(unregisteredOf([a, b, c], known)).toEqual({ unregistered: [b, c], fresh: [c] });
  });
});

describe('roll-up and retention times', () => {
  const h = Date.UTC(2026, 10, 26, 11);
  it.each([
    [h + HOUR_MS + 4 * MIN, false],
    [h + HOUR_MS + 5 * MIN, true],
  ])('the hour of 11:00 is due at %i: %s', (at, due) => expect(rollupDue(h, at)).toBe(due));

  it('prunes minutes of whole hours before the retention, never of an hour waiting for its roll-up', () => {
    const c = flowPruneCutoffs(now, WEEK, 400 * DAY_MS, null);
    expect(c).toEqual({
      minutesBefore: Date.UTC(2026, 10, 19, 12),
      hoursBefore: hourOf(now - 400 * DAY_MS),
      daysBefore: dayOf(now - 400 * DAY_MS),
      cleanMarksBefore: Date.UTC(2026, 10, 19, 12),
    });
    expect(flowPruneCutoffs(now, WEEK, 400 * DAY_MS, Date.UTC(2026, 10, 19, 9)).minutesBefore).toBe(Date.UTC(2026, 10, 19, 9));
    expect(flowPruneCutoffs(now, WEEK, 400 * DAY_MS, Date.UTC(2026, 10, 26, 9)).minutesBefore).toBe(Date.UTC(2026, 10, 19, 12));
  });
});
