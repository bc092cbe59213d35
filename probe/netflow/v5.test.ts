import { describe, expect, it } from 'vitest';
import { FlowDecoder } from './decoder.js';
import { buildV5, type TestFlow } from './test-packets.js';

const from = { address: '198.18.0.9', port: 40_000 };
const SECS = 1_700_000_000;
const flow = (over: Partial<TestFlow> = {}): TestFlow => ({ src: '198.18.1.1', dst: '198.18.2.2', srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 1500, packets: 3, first: 90_000, last: 95_000, ...over });

describe('NetFlow v5', () => {
  it('decodes every field of the records the header counts', () => {
    const dec = new FlowDecoder();
    const packet = buildV5({ sysUptime: 100_000, unixSecs: SECS, unixNsecs: 250_000_000, sequence: 7 }, [flow(), flow({ src: '198.18.3.3', protocol: 17, dstPort: 53, bytes: 80, packets: 1 })]);
    expect(dec.decode(packet, from, 5)).toEqual([
      { exporter: '198.18.0.9', family: 4, src: '198.18.1.1', dst: '198.18.2.2', srcPort: 40_000, dstPort: 443, protocol: 6, bytes: 1500, packets: 3, startMs: SECS * 1000 + 250 - 10_000, endMs: SECS * 1000 + 250 - 5_000 },
      { exporter: '198.18.0.9', family: 4, src: '198.18.3.3', dst: '198.18.2.2', srcPort: 40_000, dstPort: 53, protocol: 17, bytes: 80, packets: 1, startMs: SECS * 1000 + 250 - 10_000, endMs: SECS * 1000 + 250 - 5_000 },
    ]);
    expect(dec.counters()).toEqual([
      { address: '198.18.0.9', packets: 1, flows: 2, drops: {}, templates: 0, sequenceGaps: 0, pending: 0, samplingRate: 1, versions: [5], firstSeenMs: 5, lastSeenMs: 5 },
    ]);
  });

  it.each<[string, { sysUptime: number; first: number; last: number }, number, number]>([
    ['uptime-relative', { sysUptime: 100_000, first: 90_000, last: 99_000 }, -10_000, -1_000],
    ['a flow that started before sysUptime wrapped', { sysUptime: 1_000, first: 4294967296 - 2_000, last: 500 }, -3_000, -500],
    ['both before the wrap', { sysUptime: 10, first: 4294967295, last: 4294967295 }, -11, -11],
    ['FIRST a little past sysUptime (exporter clock skew) is just after the export time', { sysUptime: 5_000, first: 5_020, last: 5_030 }, 20, 30],
    ['LAST before FIRST: start is clamped to end', { sysUptime: 10_000, first: 9_000, last: 8_000 }, -2_000, -2_000],
  ])('times: %s', (_, t, start, end) => {
    const [f] = new FlowDecoder().decode(buildV5({ sysUptime: t.sysUptime, unixSecs: SECS }, [flow({ first: t.first, last: t.last })]), from, 1);
    expect([f!.startMs - SECS * 1000, f!.endMs - SECS * 1000]).toEqual([start, end]);
  });

  it('a header without a clock (unix_secs 0) counts from the arrival time', () => {
    const [f] = new FlowDecoder().decode(buildV5({ sysUptime: 10_000, unixSecs: 0 }, [flow({ first: 4_000, last: 9_000 })]), from, 1_800_000_000_000);
    expect([f!.startMs, f!.endMs]).toEqual([1_800_000_000_000 - 6_000, 1_800_000_000_000 - 1_000]);
  });

  it.each<[string, { samplingInterval?: number; samplingMode?: number }, number]>([
    ['unsampled', {}, 1],
    ['1 in 100 (deterministic)', { samplingInterval: 100, samplingMode: 1 }, 100],
    ['1 in 16383 (the largest 14-bit interval), random', { samplingInterval: 16_383, samplingMode: 2 }, 16_383],
    ['interval 1 is unsampled', { samplingInterval: 1, samplingMode: 1 }, 1],
  ])('sampling from the header: %s', (_, sampling, rate) => {
    const dec = new FlowDecoder();
    const [f] = dec.decode(buildV5({ sysUptime: 1, unixSecs: SECS, ...sampling }, [flow({ bytes: 1000, packets: 2 })]), from, 1);
    expect([f!.bytes, f!.packets, dec.counters()[0]!.samplingRate]).toEqual([1000 * rate, 2 * rate, rate]);
  });

  it('a sampling override for the exporter wins over the header', () => {
    const dec = new FlowDecoder({ samplingOverrides: new Map([['198.18.0.9', 10]]) });
    const [f] = dec.decode(buildV5({ sysUptime: 1, unixSecs: SECS, samplingInterval: 100, samplingMode: 1 }, [flow({ bytes: 1000, packets: 2 })]), { address: '::ffff:198.18.0.9', port: 1 }, 1);
    expect([f!.exporter, f!.bytes, f!.packets]).toEqual(['198.18.0.9', 10_000, 20]);
  });

  it('ports are 0 for protocols without them (ICMP type/code in the port field is not a port)', () => {
    const [f] = new FlowDecoder().decode(buildV5({ sysUptime: 1, unixSecs: SECS }, [flow({ protocol: 1, srcPort: 0, dstPort: 0x0303 })]), from, 1);
    expect([f!.protocol, f!.srcPort, f!.dstPort]).toEqual([1, 0, 0]);
  });

  it.each<[string, Uint8Array]>([
    ['shorter than the header', buildV5({ sysUptime: 1, unixSecs: SECS }, []).subarray(0, 23)],
    ['a count beyond the records present', buildV5({ sysUptime: 1, unixSecs: SECS, count: 2 }, [flow()])],
    ['a count of 65535 in a one-record packet', buildV5({ sysUptime: 1, unixSecs: SECS, count: 65_535 }, [flow()])],
    ['a record cut short', buildV5({ sysUptime: 1, unixSecs: SECS }, [flow(), flow()]).subarray(0, 24 + 48 + 47)],
  ])('drops a packet with %s as truncated', (_, packet) => {
    const dec = new FlowDecoder();
    expect(dec.decode(packet, from, 1)).toEqual([]);
    expect(dec.counters()[0]!.drops).toEqual({ truncated: 1 });
  });

  it('counts lost flows from flow_sequence, per engine', () => {
    const dec = new FlowDecoder();
    const send = (sequence: number, engineId: number, n: number) => dec.decode(buildV5({ sysUptime: 1, unixSecs: SECS, sequence, engineId }, Array.from({ length: n }, () => flow())), from, 1);
    send(0, 0, 30);
    send(0, 1, 10); // another engine: its own sequence
    send(30, 0, 30);
    send(90, 0, 30); // 30 flows lost
    send(10, 1, 5);
    send(2_000_000_000, 0, 5); // a restart with a new counter: not billions of losses
    send(2_000_000_005, 0, 5);
    send(4294967280, 2, 10);
    send(4294967290, 2, 10); // the next one is 4, across the 32-bit wrap
    send(8, 2, 1); // 4 lost
    expect(dec.counters()[0]!.sequenceGaps).toBe(30 + 4);
  });
});
