/**
 * The template cases of issue 13 as one table, each run against NetFlow v9 and IPFIX: what every packet of a
 * sequence returns, and the exporters' counters at the end.
 */
import { describe, expect, it } from 'vitest';
import { type DecoderOptions, FlowDecoder } from './decoder.js';
import { buildIpfix, buildV9, type SetDef, type TemplateDef, type TestFlow } from './test-packets.js';
import type { ExporterCounters, FlowRecord } from './types.js';

const SECS = 1_700_000_000;
const R1 = { address: '198.18.0.101', port: 5000 };
const R2 = { address: '198.18.0.102', port: 5000 };

/** Layout A: src, dst, octets, packets. */
const A: TemplateDef = { id: 300, fields: [{ id: 8, length: 4 }, { id: 12, length: 4 }, { id: 1, length: 4 }, { id: 2, length: 4 }] };
/** Layout B, the same id: dst first, packets before octets, 2-byte packets. */
const B: TemplateDef = { id: 300, fields: [{ id: 12, length: 4 }, { id: 8, length: 4 }, { id: 2, length: 2 }, { id: 1, length: 4 }] };

const f1: TestFlow = { src: '198.18.1.1', dst: '198.18.2.2', bytes: 1000, packets: 10 };
const f2: TestFlow = { src: '198.18.3.3', dst: '198.18.4.4', bytes: 500, packets: 5 };

type Version = 9 | 10;

/** Options template for sampling 1 in 100: v9 SAMPLING_INTERVAL (34); IPFIX samplingPacketInterval/Space (305/306). */
function sampling(v: Version): SetDef[] {
  const t: TemplateDef =
    v === 9
      ? { id: 400, scopeCount: 1, fields: [{ id: 1, length: 4 }, { id: 34, length: 4 }, { id: 35, length: 1 }] }
      : { id: 400, scopeCount: 1, fields: [{ id: 302, length: 4 }, { id: 305, length: 4 }, { id: 306, length: 4 }] };
  return [
    { kind: 'templates', templates: [t] },
    { kind: 'data', template: t, records: [v === 9 ? [0, 100, 2] : [1, 1, 99]] },
  ];
}

interface Packet {
  at: number;
  from?: { address: string; port: number };
  /** v9 source id / IPFIX observation domain. */
  source?: number;
  sets: (v: Version) => SetDef[];
}
type Step = Packet | { at: number; expire: true };

interface Case {
  name: string;
  versions?: Version[];
  opts?: Partial<DecoderOptions>;
  steps: Step[];
  /** What each step returned, as "src>dst bytes/packets" (an expire step returns nothing). */
  flows: string[][];
  counters: Partial<ExporterCounters>[];
}

const templates = (...ts: TemplateDef[]) => (): SetDef[] => [{ kind: 'templates', templates: ts }];
const data = (t: TemplateDef, ...flows: TestFlow[]) => (): SetDef[] => [{ kind: 'data', template: t, flows }];

const CASES: Case[] = [
  {
    name: 'data before its template is held, then decoded by the packet that brings the template',
    steps: [
      { at: 0, sets: data(A, f1) },
      { at: 100, sets: data(A, f2) },
      { at: 200, sets: templates(A) },
    ],
    flows: [[], [], ['198.18.1.1>198.18.2.2 1000/10', '198.18.3.3>198.18.4.4 500/5']],
    counters: [{ address: R1.address, flows: 2, pending: 0, templates: 1, drops: {} }],
  },
  {
    name: 'data after its template in the same packet is decoded; data before it in the packet is held and released by it',
    steps: [{ at: 0, sets: () => [...data(A, f1)(), ...templates(A)(), ...data(A, f2)()] }],
    flows: [['198.18.1.1>198.18.2.2 1000/10', '198.18.3.3>198.18.4.4 500/5']],
    counters: [{ flows: 2, pending: 0, drops: {} }],
  },
  {
    name: 'data held longer than pendingMaxAgeMs is dropped as no_template when its template comes',
    steps: [
      { at: 0, sets: data(A, f1) },
      { at: 10_001, sets: templates(A) },
      { at: 10_002, sets: data(A, f2) },
    ],
    flows: [[], [], ['198.18.3.3>198.18.4.4 500/5']],
    counters: [{ flows: 1, pending: 0, drops: { no_template: 1 } }],
  },
  {
    name: 'data held too long is dropped as no_template by expire()',
    steps: [
      { at: 0, sets: data(A, f1) },
      { at: 5_000, expire: true },
      { at: 10_001, expire: true },
    ],
    flows: [[], [], []],
    counters: [{ flows: 0, pending: 0, drops: { no_template: 1 } }],
  },
  {
    name: 'held data beyond pendingMaxSets drops the oldest (pending_overflow)',
    opts: { pendingMaxSets: 2 },
    steps: [
      { at: 0, sets: data(A, f1) },
      { at: 1, sets: data(A, f2) },
      { at: 2, sets: data(A, f2) },
      { at: 3, sets: templates(A) },
    ],
    flows: [[], [], [], ['198.18.3.3>198.18.4.4 500/5', '198.18.3.3>198.18.4.4 500/5']],
    counters: [{ flows: 2, pending: 0, drops: { pending_overflow: 1 } }],
  },
  {
    name: 'held data beyond pendingMaxBytes drops the oldest; a set larger than it is not held at all',
    opts: { pendingMaxBytes: 20 },
    steps: [
      { at: 0, sets: data(A, f1) }, // 16 bytes
      { at: 1, sets: data(A, f2) }, // 16 more: the first goes
      { at: 2, sets: data(A, f1, f2) }, // 32 bytes: never held
      { at: 3, sets: templates(A) },
    ],
    flows: [[], [], [], ['198.18.3.3>198.18.4.4 500/5']],
    counters: [{ flows: 1, pending: 0, drops: { pending_overflow: 2 } }],
  },
  {
    name: 'a template resent with a changed layout replaces the old one',
    steps: [
      { at: 0, sets: () => [...templates(A)(), ...data(A, f1)()] },
      { at: 1, sets: () => [...templates(B)(), ...data(B, f2)()] },
      // a record written in layout A now reads through B: the addresses swap, packets are A's octets' top half
      { at: 2, sets: data(A, f1) },
    ],
    flows: [['198.18.1.1>198.18.2.2 1000/10'], ['198.18.3.3>198.18.4.4 500/5'], ['198.18.2.2>198.18.1.1 65536000/0']],
    counters: [{ flows: 3, templates: 1, drops: {} }],
  },
  {
    name: 'two exporters with the same template id keep their own layouts',
    steps: [
      { at: 0, from: R1, sets: templates(A) },
      { at: 1, from: R2, sets: templates(B) },
      { at: 2, from: R1, sets: data(A, f1) },
      { at: 3, from: R2, sets: data(B, f2) },
    ],
    flows: [[], [], ['198.18.1.1>198.18.2.2 1000/10'], ['198.18.3.3>198.18.4.4 500/5']],
    counters: [
      { address: R1.address, flows: 1, templates: 1 },
      { address: R2.address, flows: 1, templates: 1 },
    ],
  },
  {
    name: 'two source ids / observation domains on one exporter keep their own templates',
    steps: [
      { at: 0, source: 1, sets: templates(A) },
      { at: 1, source: 2, sets: templates(B) },
      { at: 2, source: 2, sets: data(B, f2) },
      { at: 3, source: 1, sets: data(A, f1) },
      { at: 4, source: 3, sets: data(A, f1) }, // no template in domain 3: held
    ],
    flows: [[], [], ['198.18.3.3>198.18.4.4 500/5'], ['198.18.1.1>198.18.2.2 1000/10'], []],
    counters: [{ flows: 2, templates: 2, pending: 1 }],
  },
  {
    name: 'sampling from options data applies to bytes and packets of its own source id only',
    steps: [
      { at: 0, source: 1, sets: (v) => [...sampling(v), ...templates(A)(), ...data(A, f1)()] },
      { at: 1, source: 2, sets: () => [...templates(A)(), ...data(A, f2)()] },
    ],
    flows: [['198.18.1.1>198.18.2.2 100000/1000'], ['198.18.3.3>198.18.4.4 500/5']],
    counters: [{ flows: 2, templates: 3, samplingRate: 1 }],
  },
  {
    name: 'options data sampling reaches data held before it',
    steps: [
      { at: 0, sets: data(A, f1) },
      { at: 1, sets: (v) => [...sampling(v), ...templates(A)()] },
    ],
    flows: [[], ['198.18.1.1>198.18.2.2 100000/1000']],
    counters: [{ flows: 1, samplingRate: 100 }],
  },
  {
    name: 'a sampling override for the exporter wins over options data',
    opts: { samplingOverrides: new Map([[R1.address, 7]]) },
    steps: [{ at: 0, sets: (v) => [...sampling(v), ...templates(A)(), ...data(A, f1)()] }],
    flows: [['198.18.1.1>198.18.2.2 7000/70']],
    counters: [{ flows: 1, samplingRate: 7 }],
  },
  {
    name: 'a template not refreshed within templateLifetimeMs expires: later data is held, then dropped',
    opts: { templateLifetimeMs: 60_000 },
    steps: [
      { at: 0, sets: templates(A) },
      { at: 59_000, sets: data(A, f1) },
      { at: 60_001, sets: data(A, f2) },
      { at: 70_002, expire: true },
    ],
    flows: [[], ['198.18.1.1>198.18.2.2 1000/10'], [], []],
    counters: [{ flows: 1, templates: 0, pending: 0, drops: { no_template: 1 } }],
  },
  {
    name: 'expire() forgets templates past their lifetime; a refresh keeps one alive',
    opts: { templateLifetimeMs: 60_000 },
    steps: [
      { at: 0, sets: () => [{ kind: 'templates', templates: [A, { ...B, id: 301 }] }] },
      { at: 50_000, sets: templates(A) },
      { at: 61_000, expire: true },
      { at: 100_000, sets: data(A, f1) },
    ],
    flows: [[], [], [], ['198.18.1.1>198.18.2.2 1000/10']],
    counters: [{ flows: 1, templates: 1 }],
  },
  {
    name: 'an unchanged template resent restarts its lifetime (no expire() in between)',
    opts: { templateLifetimeMs: 60_000 },
    steps: [
      { at: 0, sets: (v) => [...sampling(v), ...templates(A)()] },
      { at: 50_000, sets: (v) => [...sampling(v).slice(0, 1), ...templates(A)(), ...data(A, f1)()] },
      { at: 100_000, sets: data(A, f2) },
      { at: 100_001, sets: data({ ...B, id: 305 }, f1) }, // never announced: held
    ],
    flows: [[], ['198.18.1.1>198.18.2.2 100000/1000'], ['198.18.3.3>198.18.4.4 50000/500'], []],
    counters: [{ flows: 2, templates: 2, pending: 1, samplingRate: 100, drops: {} }],
  },
  {
    name: 'a template resent unchanged, then changed, then as before: each change replaces it',
    steps: [
      { at: 0, sets: () => [...templates(A)(), ...templates(A)(), ...data(A, f1)()] },
      { at: 1, sets: () => [...templates(B)(), ...data(B, f2)(), ...templates(A)(), ...data(A, f1)()] },
    ],
    flows: [['198.18.1.1>198.18.2.2 1000/10'], ['198.18.3.3>198.18.4.4 500/5', '198.18.1.1>198.18.2.2 1000/10']],
    counters: [{ flows: 3, templates: 1, drops: {} }],
  },
  {
    name: 'IPFIX: the same observation domain from two UDP ports of one exporter is two template scopes (RFC 7011 §8.4)',
    versions: [10],
    steps: [
      { at: 0, from: { address: R1.address, port: 1000 }, sets: templates(A) },
      { at: 1, from: { address: R1.address, port: 1001 }, sets: data(A, f1) },
      { at: 2, from: { address: R1.address, port: 1000 }, sets: data(A, f2) },
    ],
    flows: [[], [], ['198.18.3.3>198.18.4.4 500/5']],
    counters: [{ flows: 1, templates: 1, pending: 1 }],
  },
  {
    name: 'v9: templates are scoped by address and source id, not by the exporter\'s port (RFC 3954)',
    versions: [9],
    steps: [
      { at: 0, from: { address: R1.address, port: 1000 }, sets: templates(A) },
      { at: 1, from: { address: R1.address, port: 1001 }, sets: data(A, f1) },
    ],
    flows: [[], ['198.18.1.1>198.18.2.2 1000/10']],
    counters: [{ flows: 1, templates: 1, pending: 0 }],
  },
  {
    name: 'IPFIX: a withdrawn template decodes nothing more; all-templates withdrawal (id 2) keeps options templates',
    versions: [10],
    steps: [
      { at: 0, sets: (v) => [...sampling(v), { kind: 'templates', templates: [A, { ...A, id: 301 }] }] },
      { at: 1, sets: () => [{ kind: 'withdraw', ids: [300] }, ...data(A, f1)()] },
      { at: 2, sets: () => [{ kind: 'withdraw', ids: [2] }, ...data({ ...A, id: 301 }, f1)()] },
    ],
    flows: [[], [], []],
    counters: [{ flows: 0, templates: 1, pending: 2 }],
  },
  {
    name: 'IPFIX: a withdrawal then a new definition of the id',
    versions: [10],
    steps: [
      { at: 0, sets: () => [...templates(A)(), { kind: 'withdraw', ids: [300] }, ...templates(B)(), ...data(B, f2)()] },
      { at: 1, sets: () => [{ kind: 'withdraw', ids: [3] }, ...data(B, f1)()] }, // withdrawing all options templates leaves B
    ],
    flows: [['198.18.3.3>198.18.4.4 500/5'], ['198.18.1.1>198.18.2.2 1000/10']],
    counters: [{ flows: 2, templates: 1, drops: {} }],
  },
];

const summary = (f: FlowRecord) => `${f.src}>${f.dst} ${f.bytes}/${f.packets}`;

describe('template cases', () => {
  const runs = CASES.flatMap((c) => (c.versions ?? [9, 10]).map((v) => [`${v === 9 ? 'v9' : 'IPFIX'}: ${c.name}`, v, c] as const));
  it.each(runs)('%s', (_, v, c) => {
    const dec = new FlowDecoder(c.opts);
    const seq = new Map<string, number>();
    const got = c.steps.map((step) => {
      if ('expire' in step) {
        dec.expire(step.at);
        return [];
      }
      const from = step.from ?? R1;
      const source = step.source ?? 0;
      const key = `${from.address}:${from.port}:${source}`;
      const sets = step.sets(v);
      const n = seq.get(key) ?? 0;
      seq.set(key, n + 1);
      const packet =
        v === 9
          ? buildV9({ sysUptime: 3_600_000, unixSecs: SECS, sequence: n, sourceId: source }, sets)
          : buildIpfix({ exportSecs: SECS, sequence: 0, domain: source }, sets);
      return dec.decode(packet, from, step.at).map(summary);
    });
    expect(got).toEqual(c.flows);
    const counters = dec.counters();
    expect(counters).toHaveLength(c.counters.length);
    c.counters.forEach((want, i) => expect(counters[i]).toMatchObject(want));
    expect(dec.faults).toBe(0);
  });
});
