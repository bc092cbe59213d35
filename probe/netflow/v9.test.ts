import { describe, expect, it } from 'vitest';
import { FlowDecoder } from './decoder.js';
import { MAX_TEMPLATES } from './exporter.js';
import { buildV9, type SetDef, type TemplateDef, type TestFlow, V9_IPV4, V9_IPV6 } from './test-packets.js';

const from = { address: '198.18.0.9', port: 40_000 };
const SECS = 1_700_000_000;
const T0 = SECS * 1000;
const flow = (over: Partial<TestFlow> = {}): TestFlow => ({ src: '198.18.1.1', dst: '198.18.2.2', srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 1500, packets: 3, first: 90_000, last: 95_000, ...over });
const v9 = (sets: SetDef[], h: { sysUptime?: number; sequence?: number; sourceId?: number; unixSecs?: number } = {}) =>
  buildV9({ sysUptime: 100_000, unixSecs: SECS, ...h }, sets);
const withTemplate = (t: TemplateDef, flows: TestFlow[]): SetDef[] => [
  { kind: 'templates', templates: [t] },
  { kind: 'data', template: t, flows },
];
const t = (id: number, fields: [number, number][]): TemplateDef => ({ id, fields: fields.map(([fid, length]) => ({ id: fid, length })) });

describe('NetFlow v9', () => {
  it('decodes softflowd\'s IPv4 and IPv6 templates, times from sysUptime', () => {
    const dec = new FlowDecoder();
    const out = dec.decode(
      v9([
        { kind: 'templates', templates: [V9_IPV4, V9_IPV6] },
        { kind: 'data', template: V9_IPV4, flows: [flow()] },
        { kind: 'data', template: V9_IPV6, flows: [flow({ src: 'fd00::1', dst: 'fd00:0:0:1::1', protocol: 17, dstPort: 53 })] },
      ]),
      from,
      1,
    );
    expect(out).toEqual([
      { exporter: '198.18.0.9', family: 4, src: '198.18.1.1', dst: '198.18.2.2', srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 1500, packets: 3, startMs: T0 - 10_000, endMs: T0 - 5_000 },
      { exporter: '198.18.0.9', family: 6, src: 'fd00::1', dst: 'fd00:0:0:1::1', srcPort: 40_000, dstPort: 53, protocol: 17, bytes: 1500, packets: 3, startMs: T0 - 10_000, endMs: T0 - 5_000 },
    ]);
    expect(dec.counters()[0]).toMatchObject({ packets: 1, flows: 2, templates: 2, versions: [9], drops: {} });
  });

  it.each<[string, number, number, number, number, number]>([
    ['uptime-relative', 100_000, 90_000, 95_000, -10_000, -5_000],
    ['FIRST before the sysUptime wrap, LAST after it', 2_000, 4294967296 - 3_000, 1_000, -5_000, -1_000],
    ['both just before the wrap', 100, 4294967290, 4294967295, -106, -101],
  ])('times: %s', (_, sysUptime, first, last, start, end) => {
    const [f] = new FlowDecoder().decode(v9(withTemplate(V9_IPV4, [flow({ first, last })]), { sysUptime }), from, 1);
    expect([f!.startMs - T0, f!.endMs - T0]).toEqual([start, end]);
  });

  it('absolute flowStart/EndMilliseconds (152/153) win over uptime fields in the same template', () => {
    const tpl = t(260, [[8, 4], [12, 4], [22, 4], [21, 4], [152, 8], [153, 8], [1, 4], [2, 4]]);
    const [f] = new FlowDecoder().decode(v9(withTemplate(tpl, [flow({ startMs: T0 - 777, endMs: T0 - 7 })])), from, 1);
    expect([f!.startMs, f!.endMs]).toEqual([T0 - 777, T0 - 7]);
  });

  it('a template without times gives the arrival time', () => {
    const [f] = new FlowDecoder().decode(v9(withTemplate(t(260, [[8, 4], [12, 4], [1, 4], [2, 4]]), [flow()])), from, 1_234);
    expect([f!.startMs, f!.endMs, f!.protocol, f!.srcPort, f!.dstPort]).toEqual([1_234, 1_234, 0, 0, 0]);
  });

  it.each<[string, [number, number][], Partial<TestFlow>, Partial<{ bytes: number; packets: number; srcPort: number; dstPort: number }>]>([
    ['1-byte packets, 2-byte octets', [[8, 4], [12, 4], [4, 1], [1, 2], [2, 1]], { bytes: 65_000, packets: 200 }, { bytes: 65_000, packets: 200 }],
    ['3-byte octets, 8-byte packets', [[8, 4], [12, 4], [4, 1], [1, 3], [2, 8]], { bytes: 16_000_000, packets: 2 ** 40 }, { bytes: 16_000_000, packets: 2 ** 40 }],
    ['8-byte octets', [[8, 4], [12, 4], [4, 1], [1, 8], [2, 4]], { bytes: 2 ** 50 + 3, packets: 9 }, { bytes: 2 ** 50 + 3, packets: 9 }],
    ['1-byte ports', [[8, 4], [12, 4], [4, 1], [7, 1], [11, 1], [1, 4], [2, 4]], { srcPort: 200, dstPort: 53 }, { srcPort: 200, dstPort: 53 }],
    ['OUT_BYTES/OUT_PKTS (23/24) when there are no IN counters', [[8, 4], [12, 4], [4, 1], [23, 4], [24, 4]], { bytes: 321, packets: 4 }, { bytes: 321, packets: 4 }],
  ])('reduced-size and alternative counters: %s', (_, fields, values, want) => {
    const [f] = new FlowDecoder().decode(v9(withTemplate(t(260, fields), [flow(values)])), from, 1);
    expect(f).toMatchObject(want);
  });

  it('IN_BYTES (1) wins over octetTotalCount (85), which wins over OUT_BYTES (23)', () => {
    const rec = (fields: [number, number][], row: (number | string)[]) => {
      const tpl = t(260, fields);
      return new FlowDecoder().decode(v9([{ kind: 'templates', templates: [tpl] }, { kind: 'data', template: tpl, records: [row] }]), from, 1)[0]!;
    };
    expect(rec([[8, 4], [12, 4], [23, 4], [85, 4], [1, 4], [24, 4], [86, 4], [2, 4]], ['198.18.1.1', '198.18.1.2', 3, 2, 1, 30, 20, 10])).toMatchObject({ bytes: 1, packets: 10 });
    expect(rec([[8, 4], [12, 4], [23, 4], [85, 4], [24, 4], [86, 4]], ['198.18.1.1', '198.18.1.2', 3, 2, 30, 20])).toMatchObject({ bytes: 2, packets: 20 });
  });

  it('fields of a length their type cannot have are skipped: a 3-byte address makes no flow', () => {
    const dec = new FlowDecoder();
    const tpl = t(260, [[8, 3], [12, 4], [1, 4]]);
    expect(dec.decode(v9([{ kind: 'templates', templates: [tpl] }, { kind: 'data', template: tpl, records: [[1, '198.18.1.2', 5]] }]), from, 1)).toEqual([]);
    expect(dec.counters()[0]).toMatchObject({ flows: 0, templates: 1, drops: {} });
  });

  it('vendor field types (32768 and up, no enterprise numbers in v9) are skipped, not read as their low 15 bits', () => {
    const tpl = t(260, [[8, 4], [12, 4], [0x8001, 4], [0x8002, 4], [1, 4], [2, 4]]);
    const [f] = new FlowDecoder().decode(v9([{ kind: 'templates', templates: [tpl] }, { kind: 'data', template: tpl, records: [['198.18.1.1', '198.18.1.2', 777, 888, 10, 1]] }]), from, 1);
    expect([f!.bytes, f!.packets]).toEqual([10, 1]);
  });

  it('a template with both address families reads the pair that is set', () => {
    const tpl = t(260, [[8, 4], [12, 4], [27, 16], [28, 16], [1, 4], [2, 4]]);
    const out = new FlowDecoder().decode(
      v9([{ kind: 'templates', templates: [tpl] }, { kind: 'data', template: tpl, records: [['0.0.0.0', '0.0.0.0', 'fd00::5', 'fd00::6', 10, 1], ['198.18.0.5', '198.18.0.6', '::', '::', 20, 2]] }]),
      from,
      1,
    );
    expect(out.map((f) => [f.family, f.src, f.dst, f.bytes])).toEqual([
      [6, 'fd00::5', 'fd00::6', 10],
      [4, '198.18.0.5', '198.18.0.6', 20],
    ]);
  });

  it('padding after the last record is not a record', () => {
    const tpl = t(260, [[8, 4], [12, 4], [4, 1]]); // 9-byte records: a set of 2 is padded by 2
    const dec = new FlowDecoder();
    expect(dec.decode(v9([{ kind: 'templates', templates: [tpl] }, { kind: 'data', template: tpl, flows: [flow(), flow()] }]), from, 1)).toHaveLength(2);
    expect(dec.counters()[0]!.drops).toEqual({});
  });

  it('sampling stated in the flow records themselves (34) applies per record', () => {
    const tpl = t(260, [[8, 4], [12, 4], [1, 4], [2, 4], [34, 2]]);
    const out = new FlowDecoder().decode(v9(withTemplate(tpl, [flow({ bytes: 10, packets: 1, samplingInterval: 50 }), flow({ bytes: 10, packets: 1, samplingInterval: 0 })])), from, 1);
    expect(out.map((f) => [f.bytes, f.packets])).toEqual([
      [500, 50],
      [10, 1],
    ]);
  });

  it('FLOW_SAMPLER_RANDOM_INTERVAL (50) in options data sets the rate', () => {
    const opt: TemplateDef = { id: 270, scopeCount: 1, fields: [{ id: 1, length: 4 }, { id: 48, length: 1 }, { id: 49, length: 1 }, { id: 50, length: 4 }] };
    const dec = new FlowDecoder();
    const out = dec.decode(v9([{ kind: 'templates', templates: [opt] }, { kind: 'data', template: opt, records: [[0, 1, 2, 64]] }, ...withTemplate(V9_IPV4, [flow({ bytes: 10, packets: 1 })])]), from, 1);
    expect(out.map((f) => [f.bytes, f.packets])).toEqual([[640, 64]]);
    expect(dec.counters()[0]!.samplingRate).toBe(64);
  });

  it.each<[string, SetDef[], Record<string, number>, number]>([
    ['a reserved flowset id (2..255) is skipped', [{ kind: 'raw', setId: 7, body: [1, 2, 3, 4] }, ...withTemplate(V9_IPV4, [flow()])], { bad_set: 1 }, 1],
    ['a flowset length below 4 ends the packet', [...withTemplate(V9_IPV4, [flow()]), { kind: 'raw', setId: 300, body: [0, 0, 0, 0], length: 2 }], { bad_length: 1 }, 1],
    ['a flowset longer than the packet ends it', [...withTemplate(V9_IPV4, [flow()]), { kind: 'raw', setId: 1024, body: [0, 0, 0, 0], length: 65_535 }], { truncated: 1 }, 1],
    ['a template id below 256', [{ kind: 'templates', templates: [{ ...V9_IPV4, id: 255 }] }], { bad_template: 1 }, 0],
    ['a template claiming 65535 fields in a short flowset', [{ kind: 'raw', setId: 0, body: [4, 0, 0xff, 0xff, 0, 8, 0, 4] }], { bad_template: 1 }, 0],
    ['a template with no fields', [{ kind: 'raw', setId: 0, body: [4, 0, 0, 0] }], { bad_template: 1 }, 0],
    ['an options template whose scope length is not a whole number of fields', [{ kind: 'raw', setId: 1, body: [4, 0, 0, 3, 0, 4, 0, 1, 0, 4, 0, 34, 0, 4] }], { bad_template: 1 }, 0],
    ['a v9 field of length 65535 (no variable length in v9) makes a record too long', [{ kind: 'templates', templates: [t(260, [[8, 4], [12, 4], [1, 65_535]])] }], { bad_template: 1 }, 0],
  ])('%s', (_, sets, drops, flows) => {
    const dec = new FlowDecoder();
    expect(dec.decode(v9(sets), from, 1)).toHaveLength(flows);
    expect(dec.counters()[0]).toMatchObject({ drops, templates: flows > 0 ? 1 : 0 });
    expect(dec.faults).toBe(0);
  });

  it('a packet shorter than its header is truncated', () => {
    const dec = new FlowDecoder();
    expect(dec.decode(v9([]).subarray(0, 19), from, 1)).toEqual([]);
    expect(dec.counters()[0]!.drops).toEqual({ truncated: 1 });
  });

  it('counts lost export packets per source id, across the 32-bit wrap', () => {
    const dec = new FlowDecoder();
    for (const [sequence, sourceId] of [[4294967294, 1], [4294967295, 1], [1, 1], [7, 2], [8, 2], [2, 1], [10, 2]]) dec.decode(v9([], { sequence, sourceId }), from, 1);
    expect(dec.counters()[0]!.sequenceGaps).toBe(1 + 1);
  });

  it(`keeps at most ${MAX_TEMPLATES} templates per exporter; a resend of a known one still replaces it`, () => {
    const dec = new FlowDecoder();
    const many = Array.from({ length: MAX_TEMPLATES + 1 }, (_, i) => ({ ...V9_IPV4, id: 256 + i }));
    for (let i = 0; i < many.length; i += 50) dec.decode(v9([{ kind: 'templates', templates: many.slice(i, i + 50) }]), from, 1);
    expect(dec.counters()[0]).toMatchObject({ templates: MAX_TEMPLATES, drops: { bad_template: 1 } });
    const changed = { ...V9_IPV6, id: 256 };
    expect(dec.decode(v9(withTemplate(changed, [flow({ src: 'fd00::7', dst: 'fd00::8' })])), from, 2).map((f) => f.src)).toEqual(['fd00::7']);
    expect(dec.counters()[0]!.templates).toBe(MAX_TEMPLATES);
  });
});
