import { describe, expect, it } from 'vitest';
import { FlowDecoder } from './decoder.js';
import { buildIpfix, IPFIX_IPV4_MS, IPFIX_IPV6_MS, type SetDef, type TemplateDef, type TestFlow, type Value, VARIABLE } from './test-packets.js';

const from = { address: '198.18.0.10', port: 4739 };
const SECS = 1_700_000_000;
const T0 = SECS * 1000;
const flow = (over: Partial<TestFlow> = {}): TestFlow => ({ src: '198.18.1.1', dst: '198.18.2.2', srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 1500, packets: 3, startMs: T0 - 2_000, endMs: T0 - 1_000, ...over });
const ipfix = (sets: SetDef[], h: { sequence?: number; domain?: number; exportSecs?: number; length?: number } = {}) => buildIpfix({ exportSecs: SECS, ...h }, sets);
const t = (id: number, fields: [number, number][], scopeCount?: number): TemplateDef => ({ id, fields: fields.map(([fid, length]) => ({ id: fid, length })), scopeCount });
const withTemplate = (tpl: TemplateDef, flows: TestFlow[]): SetDef[] => [
  { kind: 'templates', templates: [tpl] },
  { kind: 'data', template: tpl, flows },
];
const rows = (tpl: TemplateDef, records: Value[][]): SetDef[] => [
  { kind: 'templates', templates: [tpl] },
  { kind: 'data', template: tpl, records },
];
const addr: [number, number][] = [[8, 4], [12, 4], [1, 4], [2, 4]];

describe('IPFIX', () => {
  it('decodes IPv4 and IPv6 records with millisecond times and 8-byte counters', () => {
    const dec = new FlowDecoder();
    const out = dec.decode(
      ipfix([
        { kind: 'templates', templates: [IPFIX_IPV4_MS, IPFIX_IPV6_MS] },
        { kind: 'data', template: IPFIX_IPV4_MS, flows: [flow({ bytes: 2 ** 40, packets: 2 ** 33 })] },
        { kind: 'data', template: IPFIX_IPV6_MS, flows: [flow({ src: 'fd00::a', dst: 'fd00::1:0:0:b', protocol: 17, dstPort: 4789 })] },
      ]),
      from,
      1,
    );
    expect(out).toEqual([
      { exporter: '198.18.0.10', family: 4, src: '198.18.1.1', dst: '198.18.2.2', srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 2 ** 40, packets: 2 ** 33, startMs: T0 - 2_000, endMs: T0 - 1_000 },
      { exporter: '198.18.0.10', family: 6, src: 'fd00::a', dst: 'fd00::1:0:0:b', srcPort: 40_000, dstPort: 4789, protocol: 17, bytes: 1500, packets: 3, startMs: T0 - 2_000, endMs: T0 - 1_000 },
    ]);
    expect(dec.counters()[0]).toMatchObject({ flows: 2, templates: 2, versions: [10], drops: {} });
  });

  it('Cisco ASA NSEL style: initiatorOctets/initiatorPackets (231/298) when there is no octetDeltaCount', () => {
    const tpl = t(262, [[8, 4], [12, 4], [4, 1], [231, 4], [232, 4], [298, 4], [299, 4]]);
    const [f] = new FlowDecoder().decode(ipfix(rows(tpl, [['198.18.1.1', '198.18.2.2', 6, 5_000, 90_000, 7, 60]])), from, 42);
    expect(f).toMatchObject({ src: '198.18.1.1', dst: '198.18.2.2', protocol: 6, bytes: 5_000, packets: 7 });
  });

  const timed = (fields: [number, number][]) => t(260, [...addr, ...fields]);
  it.each<[string, TemplateDef, Partial<TestFlow>, number, number]>([
    ['flowStart/EndSeconds (150/151)', timed([[150, 4], [151, 4]]), { startMs: T0 - 5_500, endMs: T0 - 1_200 }, T0 - 6_000, T0 - 2_000],
    ['flowStart/EndMilliseconds (152/153)', timed([[152, 8], [153, 8]]), { startMs: T0 - 5_500, endMs: T0 - 1_200 }, T0 - 5_500, T0 - 1_200],
    ['flowStart/EndMicroseconds (154/155, NTP)', timed([[154, 8], [155, 8]]), { startMs: T0 - 5_500, endMs: T0 - 1_201 }, T0 - 5_500, T0 - 1_201],
    ['flowStart/EndNanoseconds (156/157, NTP)', timed([[156, 8], [157, 8]]), { startMs: T0 - 5_500, endMs: T0 - 1_201 }, T0 - 5_500, T0 - 1_201],
    ['NTP seconds after 2036 (era 1)', timed([[156, 8], [157, 8]]), { startMs: 2_200_000_000_000, endMs: 2_200_000_000_500 }, 2_200_000_000_000, 2_200_000_000_500],
    ['flowStart/EndDeltaMicroseconds (158/159) before the export time', timed([[158, 4], [159, 4]]), { startDeltaUs: 3_000_000, endDeltaUs: 250_000 }, T0 - 3_000, T0 - 250],
    ['flowStart/EndSysUpTime (22/21) with systemInitTimeMilliseconds (160) in the record', timed([[160, 8], [22, 4], [21, 4]]), { sysInitMs: T0 - 86_400_000, first: 1_000, last: 2_000 }, T0 - 86_399_000, T0 - 86_398_000],
    ['flowStart/EndSysUpTime without an init time fall back to the arrival time', timed([[22, 4], [21, 4]]), { first: 1_000, last: 2_000 }, 42, 42],
    ['no time fields: the arrival time', t(260, addr), {}, 42, 42],
    ['only an end: start is the end', timed([[153, 8]]), { endMs: T0 - 9 }, T0 - 9, T0 - 9],
    ['zero times are absent', timed([[152, 8], [153, 8]]), { startMs: 0, endMs: 0 }, 42, 42],
  ])('times: %s', (_, tpl, values, start, end) => {
    const [f] = new FlowDecoder().decode(ipfix(withTemplate(tpl, [flow(values)])), from, 42);
    expect([f!.startMs, f!.endMs]).toEqual([start, end]);
  });

  it('flowStart/EndSysUpTime count from systemInitTimeMilliseconds in options data, across the 32-bit uptime wrap', () => {
    const opt = t(400, [[144, 4], [160, 8]], 1); // scope exportingProcessId
    const init = T0 - 60 * 86_400_000; // up 60 days: the 32-bit ms uptime wrapped once (49.7 days)
    const up = (ms: number) => (ms - init) % 2 ** 32;
    const tpl = t(260, [...addr, [22, 4], [21, 4]]);
    const [f] = new FlowDecoder().decode(
      ipfix([...rows(opt, [[1, init]]), ...withTemplate(tpl, [flow({ first: up(T0 - 4_000), last: up(T0 - 1_000) })])]),
      from,
      1,
    );
    expect([f!.startMs, f!.endMs]).toEqual([T0 - 4_000, T0 - 1_000]);
  });

  it('skips variable-length fields (short and 255 + 2-byte length) and enterprise fields with their PEN', () => {
    const tpl: TemplateDef = {
      id: 270,
      fields: [
        { id: 96, length: VARIABLE }, // applicationName
        { id: 8, length: 4 },
        { id: 8, length: 4, enterprise: 29_305 }, // an enterprise field with the id of an address: not an address
        { id: 12, length: 4 },
        { id: 1, length: VARIABLE, enterprise: 9 },
        { id: 1, length: 4 },
        { id: 2, length: 4 },
        { id: 94, length: VARIABLE }, // applicationDescription
      ],
    };
    const long = 'x'.repeat(300);
    const dec = new FlowDecoder();
    const out = dec.decode(
      ipfix(
        rows(tpl, [
          ['', '198.18.1.1', '198.18.9.9', '198.18.2.2', new Uint8Array([1, 2, 3]), 100, 1, long],
          [long, '198.18.1.3', '198.18.9.9', '198.18.2.4', new Uint8Array(0), 200, 2, 'y'],
        ]),
      ),
      from,
      1,
    );
    expect(out.map((f) => [f.src, f.dst, f.bytes, f.packets])).toEqual([
      ['198.18.1.1', '198.18.2.2', 100, 1],
      ['198.18.1.3', '198.18.2.4', 200, 2],
    ]);
    expect(dec.counters()[0]!.drops).toEqual({});
  });

  it('a variable-length record running past its set is bad_record; zero padding after records is not', () => {
    const tpl: TemplateDef = { id: 271, fields: [{ id: 8, length: 4 }, { id: 12, length: 4 }, { id: 96, length: VARIABLE }] };
    const dec = new FlowDecoder();
    const good = dec.decode(ipfix(rows(tpl, [['198.18.1.1', '198.18.2.2', 'ab']])), from, 1); // 11 bytes + 1 of padding
    expect(good).toHaveLength(1);
    expect(dec.counters()[0]!.drops).toEqual({});
    // a second record whose length byte claims 200 bytes
    const body = [198, 18, 1, 1, 198, 18, 2, 2, 1, 0x61, 198, 18, 1, 3, 198, 18, 2, 4, 200, 0x61, 0x62];
    expect(dec.decode(ipfix([{ kind: 'raw', setId: 271, body }]), from, 2).map((f) => f.src)).toEqual(['198.18.1.1']);
    expect(dec.counters()[0]!.drops).toEqual({ bad_record: 1 });
  });

  it.each<[string, SetDef[], Record<string, unknown>, number]>([
    ['samplingInterval (34)', rows(t(400, [[302, 4], [34, 4]], 1), [[1, 10]]), {}, 10],
    ['samplerRandomInterval (50)', rows(t(400, [[48, 1], [50, 4]], 1), [[1, 20]]), {}, 20],
    ['samplingPacketInterval/Space (305/306): (1 + 49) / 1', rows(t(400, [[302, 4], [305, 4], [306, 4]], 1), [[1, 1, 49]]), {}, 50],
    ['samplingPacketInterval/Space 2 of 5: 5 / 2 = 2.5', rows(t(400, [[302, 4], [305, 4], [306, 4]], 1), [[1, 2, 3]]), {}, 2.5],
    ['an interval of 0 states nothing', rows(t(400, [[302, 4], [34, 4]], 1), [[1, 0]]), {}, 1],
  ])('sampling from options data: %s', (_, sets, _drops, rate) => {
    const dec = new FlowDecoder();
    const [f] = dec.decode(ipfix([...sets, ...withTemplate(IPFIX_IPV4_MS, [flow({ bytes: 1000, packets: 4 })])]), from, 1);
    expect([f!.bytes, f!.packets]).toEqual([Math.round(1000 * rate), Math.round(4 * rate)]);
    expect(dec.counters()[0]!.samplingRate).toBe(Math.round(rate));
  });

  it.each<[string, Uint8Array, Record<string, number>]>([
    ['a message length beyond the datagram', ipfix(withTemplate(IPFIX_IPV4_MS, [flow()]), { length: 2_000 }), { truncated: 1 }],
    ['a message length below the header', ipfix([], { length: 15 }), { bad_length: 1 }],
    ['a datagram shorter than the header', ipfix([]).subarray(0, 15), { truncated: 1 }],
    ['a set id 0, 1 or 4..255 is reserved', ipfix([{ kind: 'raw', setId: 1, body: [0, 0, 0, 0] }, { kind: 'raw', setId: 4, body: [] }]), { bad_set: 2 }],
    ['a set length of 65535 in a short message', ipfix([{ kind: 'raw', setId: 2, body: [1, 0, 0, 1, 0, 8, 0, 4], length: 65_535 }]), { truncated: 1 }],
    ['a template claiming 65535 fields', ipfix([{ kind: 'raw', setId: 2, body: [1, 0, 0xff, 0xff, 0, 8, 0, 4] }]), { bad_template: 1 }],
    ['an enterprise field cut before its PEN', ipfix([{ kind: 'raw', setId: 2, body: [1, 0, 0, 1, 0x80, 8, 0, 4] }]), { bad_template: 1 }],
    ['an options template with more scope fields than fields', ipfix([{ kind: 'raw', setId: 3, body: [1, 0, 0, 1, 0, 2, 0, 8, 0, 4] }]), { bad_template: 1 }],
    ['a template of only zero-length fields', ipfix([{ kind: 'raw', setId: 2, body: [1, 0, 0, 2, 0, 8, 0, 0, 0, 12, 0, 0] }]), { bad_template: 1 }],
  ])('drops %s', (_, packet, drops) => {
    const dec = new FlowDecoder();
    expect(dec.decode(packet, from, 1)).toEqual([]);
    expect(dec.counters()[0]).toMatchObject({ drops, templates: 0 });
    expect(dec.faults).toBe(0);
  });

  it('bytes after the message length are not read', () => {
    const packet = ipfix(withTemplate(IPFIX_IPV4_MS, [flow()]));
    const longer = new Uint8Array(packet.length + 50).fill(0xee);
    longer.set(packet);
    const dec = new FlowDecoder();
    expect(dec.decode(longer, from, 1)).toHaveLength(1);
    expect(dec.counters()[0]!.drops).toEqual({});
  });

  it('counts lost data records from the sequence number (records before this message), options records included', () => {
    const dec = new FlowDecoder();
    const opt = t(400, [[302, 4], [305, 4], [306, 4]], 1);
    const three = [flow(), flow(), flow()];
    dec.decode(ipfix([...rows(opt, [[1, 1, 0]]), ...withTemplate(IPFIX_IPV4_MS, three)], { sequence: 100 }), from, 1); // 4 records
    dec.decode(ipfix([{ kind: 'data', template: IPFIX_IPV4_MS, flows: three }], { sequence: 104 }), from, 2);
    dec.decode(ipfix([{ kind: 'data', template: IPFIX_IPV4_MS, flows: three }], { sequence: 112 }), from, 3); // 5 lost
    dec.decode(ipfix([{ kind: 'data', template: IPFIX_IPV4_MS, flows: three }], { sequence: 115, domain: 9 }), from, 4); // another domain
    expect(dec.counters()[0]!.sequenceGaps).toBe(5);
  });

  it('a message with data held for its template is not counted, so the next one is no false loss', () => {
    const dec = new FlowDecoder();
    dec.decode(ipfix([{ kind: 'data', template: IPFIX_IPV4_MS, flows: [flow(), flow()] }], { sequence: 0 }), from, 1);
    dec.decode(ipfix(withTemplate(IPFIX_IPV4_MS, [flow()]), { sequence: 2 }), from, 2);
    dec.decode(ipfix([{ kind: 'data', template: IPFIX_IPV4_MS, flows: [flow()] }], { sequence: 3 }), from, 3);
    expect(dec.counters()[0]).toMatchObject({ flows: 4, sequenceGaps: 0 });
  });
});
