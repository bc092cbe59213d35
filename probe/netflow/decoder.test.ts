import { describe, expect, it } from 'vitest';
import { FlowDecoder } from './decoder.js';
import { MAX_DOMAINS, MAX_TEMPLATE_COST } from './exporter.js';
import { buildIpfix, buildV5, buildV9, V9_IPV4, VARIABLE } from './test-packets.js';

const SECS = 1_700_000_000;
const v5 = (engineId = 0) => buildV5({ sysUptime: 1, unixSecs: SECS, engineId }, [{ src: '198.18.0.1', dst: '198.18.0.2', bytes: 1, packets: 1 }]);

describe('FlowDecoder', () => {
  it(`tracks at most maxExporters; packets from others are dropped and counted apart`, () => {
    const dec = new FlowDecoder({ maxExporters: 2 });
    for (const address of ['198.18.0.1', '198.18.0.2', '198.18.0.3', '198.18.0.1']) dec.decode(v5(), { address, port: 1 }, 1);
    expect(dec.counters().map((c) => [c.address, c.packets, c.flows])).toEqual([
      ['198.18.0.1', 2, 2],
      ['198.18.0.2', 1, 1],
    ]);
    expect(dec.untrackedPackets).toBe(1);
  });

  it('an exporter silent for a template lifetime that holds nothing is forgotten by expire(), freeing its slot', () => {
    const dec = new FlowDecoder({ maxExporters: 1, templateLifetimeMs: 60_000 });
    dec.decode(v5(), { address: '198.18.0.1', port: 1 }, 0);
    dec.decode(buildV9({ sysUptime: 1, unixSecs: SECS }, [{ kind: 'templates', templates: [V9_IPV4] }]), { address: '198.18.0.1', port: 1 }, 30_000);
    dec.expire(80_000);
    expect(dec.counters()).toHaveLength(1); // its template is 50 s old
    expect(dec.retiredPackets).toBe(0);
    dec.expire(90_001);
    expect(dec.counters()).toEqual([]);
    // its two datagrams stay counted, apart
    expect(dec.retiredPackets).toBe(2);
    dec.decode(v5(), { address: '198.18.0.2', port: 1 }, 90_002);
    expect(dec.counters().map((c) => c.address)).toEqual(['198.18.0.2']);
  });

  it('counts every datagram, bad versions and empty ones too, and the versions seen', () => {
    const dec = new FlowDecoder();
    const from = { address: 'fd00::5', port: 9 };
    dec.decode(new Uint8Array([0, 7, 0, 0]), from, 5);
    dec.decode(new Uint8Array([0]), from, 6);
    dec.decode(v5(), from, 7);
    dec.decode(buildIpfix({ exportSecs: SECS }, []), from, 8);
    expect(dec.counters()).toEqual([
      { address: 'fd00::5', packets: 4, flows: 1, drops: { bad_version: 1, truncated: 1 }, templates: 0, sequenceGaps: 0, pending: 0, samplingRate: 1, versions: [5, 10], firstSeenMs: 5, lastSeenMs: 8 },
    ]);
  });

  it(`keeps at most ${MAX_DOMAINS} template scopes per exporter, evicting idle ones that hold nothing`, () => {
    const dec = new FlowDecoder();
    const from = { address: '198.18.0.1', port: 1 };
    for (let id = 0; id < MAX_DOMAINS; id++) dec.decode(buildV9({ sysUptime: 1, unixSecs: SECS, sourceId: id }, [{ kind: 'templates', templates: [V9_IPV4] }]), from, id);
    // all scopes hold a template: a new one has no room
    dec.decode(buildV9({ sysUptime: 1, unixSecs: SECS, sourceId: 9999 }, [{ kind: 'templates', templates: [V9_IPV4] }]), from, 1000);
    expect(dec.counters()[0]).toMatchObject({ templates: MAX_DOMAINS, drops: { bad_template: 1 } });
    // v5 engines hold no templates: they take turns in the last slots
    const dec5 = new FlowDecoder();
    for (let e = 0; e < MAX_DOMAINS + 10; e++) dec5.decode(v5(e), from, e);
    expect(dec5.counters()[0]).toMatchObject({ flows: MAX_DOMAINS + 10, drops: {} });
  });

  it('bounds the memory of variable-length templates per exporter', () => {
    const dec = new FlowDecoder();
    const big = (id: number) => ({ id, fields: Array.from({ length: 6_000 }, () => ({ id: 96, length: VARIABLE })) });
    for (let id = 256; id < 260; id++) dec.decode(buildIpfix({ exportSecs: SECS }, [{ kind: 'templates', templates: [big(id)] }]), { address: '198.18.0.1', port: 1 }, 1);
    const templates = Math.floor(MAX_TEMPLATE_COST / 6_001);
    expect(dec.counters()[0]).toMatchObject({ templates, drops: { bad_template: 4 - templates } });
  });
});

describe('held data', () => {
  it('is a copy: a Buffer datagram reused by its owner afterwards does not change it', () => {
    const dec = new FlowDecoder();
    const from = { address: '198.18.0.1', port: 1 };
    const data = Buffer.from(buildV9({ sysUptime: 1, unixSecs: SECS }, [{ kind: 'data', template: V9_IPV4, flows: [{ src: '198.18.5.1', dst: '198.18.5.2', bytes: 9, packets: 1 }] }]));
    dec.decode(data, from, 1);
    data.fill(0xff);
    const out = dec.decode(buildV9({ sysUptime: 1, unixSecs: SECS }, [{ kind: 'templates', templates: [V9_IPV4] }]), from, 2);
    expect(out.map((f) => [f.src, f.dst, f.bytes])).toEqual([['198.18.5.1', '198.18.5.2', 9]]);
  });
});
