import { describe, expect, it } from 'vitest';
import { flowsItem, MAX_FLOW_EXPORTERS, MAX_FLOW_PORTS, MAX_FLOW_SEEN, MINUTE_MS, type FlowsItem } from '../../schema/kinds/flows.js';
import { FlowAggregator, MAX_FUTURE_MS, type ManagedSubnet } from './aggregate.js';
import { DAY_MS } from './seen.js';
import type { ExporterCounters, FlowRecord } from './types.js';

const T0 = Date.UTC(2026, 2, 1, 12, 0); // a whole minute
const subnets: ManagedSubnet[] = [
  { id: 1, cidr: '198.18.1.0/24' },
  { id: 2, cidr: '198.18.2.0/24' },
  { id: 3, cidr: 'fd00:3::/64' },
];

function flow(f: Partial<FlowRecord> = {}): FlowRecord {
  return {
    exporter: '198.18.0.254',
    family: 4,
    src: '198.18.1.10',
    dst: '198.18.2.20',
    srcPort: 40_000,
    dstPort: 443,
    protocol: 6,
    bytes: 1000,
    packets: 10,
    startMs: T0,
    endMs: T0 + 1000,
    ...f,
  };
}

function exporter(e: Partial<ExporterCounters> = {}): ExporterCounters {
  return {
    address: '198.18.0.254',
    packets: 1,
    flows: 1,
    drops: {},
    templates: 0,
    sequenceGaps: 0,
    pending: 0,
    samplingRate: 1,
    versions: [5],
    firstSeenMs: T0,
    lastSeenMs: T0 + 1000,
    ...e,
  };
}

const aggregator = (top = 100, more: Partial<ConstructorParameters<typeof FlowAggregator>[0]> = {}) => new FlowAggregator({ top, subnets, ...more });

/** Every item the aggregator makes must be one the server takes. */
function flush(a: FlowAggregator, beforeMs: number, exporters: ExporterCounters[] = []): FlowsItem[] {
  const items = a.flush(beforeMs, exporters);
  for (const item of items) expect(flowsItem.parse(item)).toEqual(item);
  return items;
}

describe('one minute of flows', () => {
  const a = aggregator();
  a.add(flow());
  a.add(flow({ src: '198.18.2.20', dst: '198.18.1.10', srcPort: 443, dstPort: 40_000, bytes: 5000, packets: 8 }));
  a.add(flow({ src: '198.18.1.10', dst: '203.0.113.5', srcPort: 5353, dstPort: 53, protocol: 17, bytes: 100, packets: 1 }));
  a.add(flow({ src: '203.0.113.5', dst: '198.18.1.11', srcPort: 0, dstPort: 0, protocol: 1, bytes: 84, packets: 1 }));
  a.add(flow({ family: 6, src: 'fd00:3::1', dst: 'fd00:3::2', srcPort: 9000, dstPort: 9001, protocol: 132, bytes: 1, packets: 1 }));
  a.add(flow({ family: 6, src: 'fd00:3::1', dst: '2001:db8::1', srcPort: 22, dstPort: 61_000, protocol: 6, bytes: 10, packets: 2, endMs: T0 + MINUTE_MS - 1 }));
  const [item, ...rest] = flush(a, T0 + MINUTE_MS, [exporter()]);

  it('is one item at the minute start, with every flow in the totals', () => {
    expect(rest).toEqual([]);
    expect(item!.at).toBe(T0);
    expect(item!.totals).toEqual({ bytes: 6195, packets: 23, flows: 6 });
  });
  it.each<[string, object]>([
    ['198.18.2.20', { subnetId: 2, bytesIn: 1000, bytesOut: 5000, packetsIn: 10, packetsOut: 8, flowsIn: 1, flowsOut: 1 }],
    ['198.18.1.10', { subnetId: 1, bytesIn: 5000, bytesOut: 1100, packetsIn: 8, packetsOut: 11, flowsIn: 1, flowsOut: 2 }],
    ['203.0.113.5', { subnetId: null, bytesIn: 100, bytesOut: 84, packetsIn: 1, packetsOut: 1, flowsIn: 1, flowsOut: 1 }],
    ['198.18.1.11', { subnetId: 1, bytesIn: 84, bytesOut: 0, flowsIn: 1, flowsOut: 0 }],
    ['fd00:3::1', { subnetId: 3, bytesIn: 0, bytesOut: 11, flowsOut: 2 }],
    ['2001:db8::1', { subnetId: null, bytesIn: 10, flowsIn: 1 }],
  ])('talker %s: out where it is the source, in where it is the destination', (ip, want) => {
    expect(item!.talkers.find((t) => t.ip === ip)).toMatchObject(want);
  });
  it('talkers by bytes in + out, largest first', () => {
    expect(item!.talkers.map((t) => t.ip)).toEqual(['198.18.1.10', '198.18.2.20', '203.0.113.5', '198.18.1.11', 'fd00:3::1', '2001:db8::1', 'fd00:3::2']);
  });
  it('conversations are directional', () => {
    expect(item!.conversations.slice(0, 3)).toEqual([
      { src: '198.18.2.20', dst: '198.18.1.10', srcSubnetId: 2, dstSubnetId: 1, bytes: 5000, packets: 8, flows: 1 },
      { src: '198.18.1.10', dst: '198.18.2.20', srcSubnetId: 1, dstSubnetId: 2, bytes: 1000, packets: 10, flows: 1 },
      { src: '198.18.1.10', dst: '203.0.113.5', srcSubnetId: 1, dstSubnetId: null, bytes: 100, packets: 1, flows: 1 },
    ]);
    expect(item!.conversations).toHaveLength(6);
  });
  it('ports: TCP, UDP and SCTP by their lower port, other protocols as port 0', () => {
    expect(item!.ports).toEqual([
      { protocol: 6, port: 443, bytes: 6000, packets: 18, flows: 2 },
      { protocol: 17, port: 53, bytes: 100, packets: 1, flows: 1 },
      { protocol: 1, port: 0, bytes: 84, packets: 1, flows: 1 },
      { protocol: 6, port: 22, bytes: 10, packets: 2, flows: 1 },
      { protocol: 132, port: 9000, bytes: 1, packets: 1, flows: 1 },
    ]);
  });
  it('the matrix: subnet to subnet, External as null', () => {
    expect(item!.matrix).toEqual([
      { from: 2, to: 1, bytes: 5000, packets: 8, flows: 1 },
      { from: 1, to: 2, bytes: 1000, packets: 10, flows: 1 },
      { from: 1, to: null, bytes: 100, packets: 1, flows: 1 },
      { from: null, to: 1, bytes: 84, packets: 1, flows: 1 },
      { from: 3, to: null, bytes: 10, packets: 2, flows: 1 },
      { from: 3, to: 3, bytes: 1, packets: 1, flows: 1 },
    ]);
  });
  it('seen: the managed addresses heard, each once', () => {
    expect(item!.seen.map((s) => `${s.ip}@${s.subnetId}`).sort()).toEqual(['198.18.1.10@1', '198.18.1.11@1', '198.18.2.20@2', 'fd00:3::1@3', 'fd00:3::2@3']);
  });
  it('the exporters as the decoder counts them', () => {
    expect(item!.exporters).toEqual([
      { address: '198.18.0.254', packets: 1, flows: 1, drops: {}, templates: 0, sequenceGaps: 0, pending: 0, samplingRate: 1, versions: [5], firstSeenAt: T0, lastSeenAt: T0 + 1000 },
    ]);
  });
});

describe('minutes', () => {
  it('a flow counts in the minute of its end (UTC); flush gives the minutes ended before the time, oldest first', () => {
    const a = aggregator();
    a.add(flow({ endMs: T0 + 2 * MINUTE_MS + 5 }));
    a.add(flow({ endMs: T0 + 59_999 }));
    a.add(flow({ endMs: T0 + MINUTE_MS }));
    a.add(flow({ endMs: T0 }));
    expect(flush(a, T0 + MINUTE_MS - 1)).toEqual([]);
    expect(flush(a, T0 + 2 * MINUTE_MS).map((i) => [i.at, i.totals.flows])).toEqual([
      [T0, 2],
      [T0 + MINUTE_MS, 1],
    ]);
    expect(a.openMinutes).toBe(1);
    expect(flush(a, T0 + 3 * MINUTE_MS).map((i) => [i.at, i.totals.flows])).toEqual([[T0 + 2 * MINUTE_MS, 1]]);
    expect(flush(a, T0 + 4 * MINUTE_MS)).toEqual([]);
  });

  it('late flows of a minute already sent go out again in an item of their own minute at the next minute (the server adds them)', () => {
    const a = aggregator();
    a.add(flow({ endMs: T0 + 10 }));
    expect(flush(a, T0 + MINUTE_MS + 5_000).map((i) => i.totals)).toEqual([{ bytes: 1000, packets: 10, flows: 1 }]);
    a.add(flow({ endMs: T0 + 20, bytes: 7, packets: 1 }), T0 + MINUTE_MS + 30_000);
    expect(flush(a, T0 + MINUTE_MS + 31_000)).toEqual([]); // not one item a flush (a second) for a trickle of late flows
    a.add(flow({ endMs: T0 + 30, bytes: 3, packets: 1 }), T0 + MINUTE_MS + 50_000);
    a.add(flow({ endMs: T0 + MINUTE_MS + 40_000, bytes: 1, packets: 1 }), T0 + MINUTE_MS + 50_000);
    expect(flush(a, T0 + 2 * MINUTE_MS - 1)).toEqual([]);
    const items = flush(a, T0 + 2 * MINUTE_MS);
    expect(items.map((i) => [i.at, i.totals.bytes])).toEqual([
      [T0, 10],
      [T0 + MINUTE_MS, 1],
    ]);
    expect(items[0]!.seen).toEqual([]); // its addresses were reported with the first item
  });

  const arrival = T0 + 5_000;
  it.each<[string, number, number]>([
    ['ended a day and more before it arrived', arrival - DAY_MS - 1, T0],
    ['ends more than two minutes after it arrived', arrival + MAX_FUTURE_MS + 1, T0],
    ['has no usable end time', Number.NaN, T0],
    ['ended just under a day before', arrival - DAY_MS + 1, T0 - DAY_MS],
    ['ends within the allowed skew', arrival + MAX_FUTURE_MS, T0 + MAX_FUTURE_MS],
  ])('a flow that %s counts in the minute of %s', (_, endMs, bucket) => {
    const a = aggregator();
    a.add(flow({ endMs }), arrival);
    expect(flush(a, T0 + 10 * MINUTE_MS).map((i) => i.at)).toEqual([bucket]);
  });

  it('without an arrival time the end is trusted; an unusable one is dropped and counted', () => {
    const a = aggregator();
    a.add(flow({ endMs: T0 - 3 * DAY_MS }));
    a.add(flow({ endMs: Number.NaN }));
    expect(flush(a, T0).map((i) => i.at)).toEqual([T0 - 3 * DAY_MS]);
    expect(a.stats().badTime).toBe(1);
  });

  it('minutes open at once are bounded: a flow for one more goes to its arrival minute', () => {
    const a = aggregator(100, { maxOpenMinutes: 3 });
    for (let i = 0; i < 5; i++) a.add(flow({ endMs: T0 - (i + 1) * MINUTE_MS }), T0 + 1);
    expect(a.openMinutes).toBe(4); // three late minutes and the arrival minute
    expect(flush(a, T0 + MINUTE_MS).map((i) => [i.at, i.totals.flows])).toEqual([
      [T0 - 3 * MINUTE_MS, 1],
      [T0 - 2 * MINUTE_MS, 1],
      [T0 - MINUTE_MS, 1],
      [T0, 2],
    ]);
    expect(a.stats().rebucketed).toBe(2);
  });
});

describe('bounds', () => {
  it('top N talkers and conversations by bytes (ties by address), ports at most MAX_FLOW_PORTS', () => {
    const a = aggregator(10);
    for (let i = 0; i < 200; i++) a.add(flow({ src: `198.18.1.${i}`, dst: '203.0.113.1', dstPort: 1000 + i, srcPort: 60_000, bytes: i % 50, packets: 1 }));
    const [item] = flush(a, T0 + MINUTE_MS);
    expect(item!.talkers).toHaveLength(10);
    expect(item!.talkers[0]!.ip).toBe('203.0.113.1');
    // bytes 49 from .49, .99, .149, .199, then 48 …; equal bytes in address text order
    expect(item!.talkers.slice(1, 6).map((t) => t.ip)).toEqual(['198.18.1.149', '198.18.1.199', '198.18.1.49', '198.18.1.99', '198.18.1.148']);
    expect(item!.conversations).toHaveLength(10);
    expect(item!.conversations[0]).toMatchObject({ src: '198.18.1.149', bytes: 49 });
    expect(item!.ports).toHaveLength(10);
    const wide = aggregator(100);
    for (let i = 0; i < 200; i++) wide.add(flow({ dstPort: 1000 + i, srcPort: 60_000, bytes: 1 }));
    expect(flush(wide, T0 + MINUTE_MS)[0]!.ports).toHaveLength(MAX_FLOW_PORTS);
    expect(flush(aggregator(500), T0)).toEqual([]); // a top above the schema's bound is held to it
  });

  it('beyond maxEntries distinct talkers, conversations, ports or cells a flow counts in the totals only (and is counted)', () => {
    const a = aggregator(100, { maxEntries: 4 });
    for (let i = 0; i < 6; i++) a.add(flow({ src: `198.18.1.${i}`, dst: `198.18.2.${i}`, dstPort: 1000 + i, srcPort: 60_000 }));
    a.add(flow({ src: '203.0.113.1', dst: '198.18.1.0', dstPort: 1000, srcPort: 60_000 }));
    const [item] = flush(a, T0 + MINUTE_MS);
    expect(item!.totals.flows).toBe(7);
    expect(item!.talkers).toHaveLength(4);
    expect(item!.conversations).toHaveLength(4);
    expect(item!.ports).toHaveLength(4);
    expect(item!.matrix).toHaveLength(2); // 1→2 and External→1
    expect(a.stats().overflow).toEqual({ talkers: 9, conversations: 3, ports: 2, matrix: 0 });
    // an address beyond the talkers' bound is still reported as seen
    expect(item!.seen.map((s) => s.ip)).toContain('198.18.2.5');
  });

  it('the bound is shared by the open minutes (late minutes cannot multiply it) and freed when a minute is flushed', () => {
    const a = aggregator(100, { maxEntries: 4 });
    a.add(flow({ src: '198.18.1.1', dst: '198.18.2.1', endMs: T0 }));
    a.add(flow({ src: '198.18.1.2', dst: '198.18.2.2', endMs: T0 + MINUTE_MS }));
    a.add(flow({ src: '198.18.1.3', dst: '198.18.2.3', endMs: T0 + MINUTE_MS }));
    expect(a.stats().overflow.talkers).toBe(2);
    const [first, second] = flush(a, T0 + 2 * MINUTE_MS);
    expect(first!.talkers).toHaveLength(2);
    expect(second!.talkers).toHaveLength(2);
    a.add(flow({ src: '198.18.1.4', dst: '198.18.2.4', endMs: T0 + 2 * MINUTE_MS }));
    a.add(flow({ src: '198.18.1.5', dst: '198.18.2.5', endMs: T0 + 2 * MINUTE_MS }));
    expect(flush(a, T0 + 3 * MINUTE_MS)[0]!.talkers).toHaveLength(4);
  });

  it('sums beyond Number.MAX_SAFE_INTEGER are held to it', () => {
    const a = aggregator();
    a.add(flow({ bytes: Number.MAX_SAFE_INTEGER - 1 }));
    a.add(flow({ bytes: 10 }));
    expect(flush(a, T0 + MINUTE_MS)[0]!.totals.bytes).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('seen addresses', () => {
  it('once per UTC day; more than MAX_FLOW_SEEN wait for the next items', () => {
    const a = aggregator();
    for (let i = 0; i < 400; i++) a.add(flow({ src: `198.18.1.${i % 250}`, dst: `198.18.2.${i % 200}` }));
    const [first] = flush(a, T0 + MINUTE_MS);
    expect(first!.seen).toHaveLength(MAX_FLOW_SEEN);
    // the next minute: 198.18.1.x again (already reported today), one new address
    a.add(flow({ src: '198.18.1.1', dst: '198.18.2.250', endMs: T0 + MINUTE_MS + 1 }));
    const [second] = flush(a, T0 + 2 * MINUTE_MS);
    const all = [...first!.seen, ...second!.seen].map((s) => s.ip);
    expect(all).toHaveLength(250 + 200 + 1);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('198.18.2.250');
    // the next day: reported again
    a.add(flow({ endMs: T0 + DAY_MS }));
    expect(flush(a, T0 + DAY_MS + MINUTE_MS)[0]!.seen.map((s) => s.ip).sort()).toEqual(['198.18.1.10', '198.18.2.20']);
  });

  it('what did not fit goes out in an item without flows once a minute has passed and none is open', () => {
    const a = aggregator();
    for (let i = 0; i < 350; i++) a.add(flow({ src: `198.18.1.${i % 250}`, dst: `198.18.2.${i % 200}`, endMs: T0 + 5 }));
    expect(flush(a, T0 + MINUTE_MS)[0]!.seen).toHaveLength(MAX_FLOW_SEEN);
    expect(flush(a, T0 + MINUTE_MS + 500)).toEqual([]); // the same minute: nothing more
    const [rest] = flush(a, T0 + 2 * MINUTE_MS);
    expect(rest).toMatchObject({ at: T0 + MINUTE_MS, totals: { bytes: 0, packets: 0, flows: 0 }, talkers: [], matrix: [] });
    expect(rest!.seen).toHaveLength(450 - MAX_FLOW_SEEN);
    expect(flush(a, T0 + 3 * MINUTE_MS)).toEqual([]);
  });

  it('only addresses of managed subnets', () => {
    const a = aggregator(100, { subnets: [] });
    a.add(flow());
    expect(flush(a, T0 + MINUTE_MS)[0]!.seen).toEqual([]);
  });
});

describe('subnets', () => {
  it('setSubnets labels the flows that follow', () => {
    const a = aggregator(100, { subnets: [] });
    a.add(flow({ endMs: T0 }));
    a.setSubnets([{ id: 9, cidr: '198.18.0.0/16' }]);
    a.add(flow({ endMs: T0 + MINUTE_MS }));
    const [before, after] = flush(a, T0 + 2 * MINUTE_MS);
    expect(before!.matrix).toEqual([{ from: null, to: null, bytes: 1000, packets: 10, flows: 1 }]);
    expect(after!.matrix).toEqual([{ from: 9, to: 9, bytes: 1000, packets: 10, flows: 1 }]);
    expect(after!.talkers.map((t) => t.subnetId)).toEqual([9, 9]);
  });
  it('a subnet that is not a CIDR is left out and named', () => {
    const a = aggregator(100, { subnets: [{ id: 1, cidr: '198.18.1.0/33' }, ...subnets] });
    expect(a.subnets).toEqual({ size: 3, skipped: ['198.18.1.0/33'] });
  });
});

describe('exporters', () => {
  it(`at most ${MAX_FLOW_EXPORTERS}, the most recently heard first; versions and rates as the schema takes them`, () => {
    const a = aggregator();
    a.add(flow());
    const many = Array.from({ length: 40 }, (_, i) => exporter({ address: `198.18.0.${i + 1}`, lastSeenMs: T0 + i, versions: [10, 9, 10], samplingRate: i === 39 ? 0 : 100 }));
    const [item] = flush(a, T0 + MINUTE_MS, many);
    expect(item!.exporters).toHaveLength(MAX_FLOW_EXPORTERS);
    expect(item!.exporters[0]).toMatchObject({ address: '198.18.0.40', versions: [9, 10], samplingRate: 1 });
    expect(item!.exporters.at(-1)!.address).toBe('198.18.0.9');
  });

  it('exporters heard without flows (templates only, or every packet dropped) still reach the server, once a minute', () => {
    const a = aggregator();
    const e1 = exporter({ flows: 0, packets: 3, drops: { no_template: 3 }, lastSeenMs: T0 + 1000 });
    expect(flush(a, T0 + 2000, [e1])).toEqual([]); // the minute has not ended
    const [item] = flush(a, T0 + MINUTE_MS, [e1]);
    expect(item).toMatchObject({ at: T0, totals: { flows: 0 }, exporters: [{ packets: 3, drops: { no_template: 3 } }] });
    expect(flush(a, T0 + 2 * MINUTE_MS, [e1])).toEqual([]); // nothing new
    const e2 = { ...e1, packets: 4, lastSeenMs: T0 + 2 * MINUTE_MS + 5 };
    expect(flush(a, T0 + 2 * MINUTE_MS + 500, [e2])).toEqual([]); // the same minute as the last flush
    expect(flush(a, T0 + 3 * MINUTE_MS, [e2]).map((i) => [i.at, i.exporters[0]!.packets])).toEqual([[T0 + 2 * MINUTE_MS, 4]]);
  });

  it('flush(Infinity) (stop) gives the open minute too', () => {
    const a = aggregator();
    a.add(flow({ endMs: T0 + 5 * MINUTE_MS }));
    expect(flush(a, Infinity, [exporter()]).map((i) => i.at)).toEqual([T0 + 5 * MINUTE_MS]);
    expect(flush(a, Infinity, [exporter()])).toEqual([]);
  });
});
