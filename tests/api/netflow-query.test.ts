/**
 * GET /api/netflow/…: the flows API on real libSQL. Minutes go in through the real ingest (flows items as a probe's
 * results batch), hour rows come from the real roll-up duty, and prune-history drops the old minutes. Sums over minutes and probes,
 * the window and its grain, the subnet and probe filters, the IPAM labels, limits, bad input and the query plans.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowsItem } from '../../schema/kinds/flows.js';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { FLOW_READ_MAX_RANGES, planFlowRead } from '../../worker/domain/flow-plan-read.js';
import { flowRange } from '../../worker/domain/flow-range.js';
import { conversationsSql, dirtyHoursSql, matrixSql, peersSql, portsSql, talkersSql, totalsSql, type FlowQuery } from '../../worker/services/netflow-queries.js';
import { ConversationsSchema, ExportersSchema, MatrixSchema, PeersSchema, PortsSchema, TalkersSchema } from '../../worker/routes/netflow-schemas.js';
import { ingestBatch } from '../../worker/services/ingest.js';
import { pruneHistory } from '../../worker/duties.js';
import { rollUpFlows } from '../../worker/services/flow-rollup.js';
import { makeTestApp, type TestApp } from '../support/app.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26, 12, 0, 30);
const M1 = Date.UTC(2026, 10, 26, 11, 50);
const M2 = M1 + MIN;
const OLD = Date.UTC(2026, 10, 1, 8); // an hour rolled up long ago (minutes gone)
const iso = (ms: number) => new Date(ms).toISOString();

const NAS = '198.18.1.10';
const WEB = '198.18.2.20';
const GONE = '198.18.3.3';
const OUT = '198.19.7.7'; // in no managed subnet: External
const V6 = 'fd00:18::5';

let t: TestApp;
let p1: number;
let p2: number;
let lab: number;
let unnamed: number;
let deleted: number;
let nasId: number;
let webId: number;
let batch = 0;

type Talker = FlowsItem['talkers'][number];
type Exporter = FlowsItem['exporters'][number];
const exporter = (address: string, lastSeenAt: number, parts: Partial<Exporter> = {}): Exporter => ({
  address,
  packets: 10,
  flows: 40,
  drops: {},
  templates: 0,
  sequenceGaps: 0,
  pending: 0,
  samplingRate: 1,
  versions: [5],
  firstSeenAt: M1,
  lastSeenAt,
  ...parts,
});
type Conversation = FlowsItem['conversations'][number];
const talker = (ip: string, subnetId: number | null, bytesIn: number, bytesOut: number): Talker => ({
  ip,
  subnetId,
  bytesIn,
  bytesOut,
  packetsIn: bytesIn / 10,
  packetsOut: bytesOut / 10,
  flowsIn: bytesIn ? 1 : 0,
  flowsOut: bytesOut ? 1 : 0,
});
const conv = (src: string, srcSubnetId: number | null, dst: string, dstSubnetId: number | null, bytes: number): Conversation => ({ src, dst, srcSubnetId, dstSubnetId, bytes, packets: bytes / 10, flows: 1 });
const item = (at: number, parts: Partial<FlowsItem>): FlowsItem => ({
  kind: 'flows',
  at,
  totals: { bytes: 0, packets: 0, flows: 0 },
  talkers: [],
  conversations: [],
  ports: [],
  matrix: [],
  seen: [],
  exporters: [],
  ...parts,
});

/** A minute through the real ingest, as a probe's results batch. */
async function ingest(probeId: number, flows: FlowsItem) {
  const outcome = await ingestBatch(t.deps, probeId, `f-${++batch}`, [flows]);
  expect(outcome).toMatchObject({ duplicate: false, refused: null, rejectedResults: [] });
}

const count = async (where: string) => Number((await t.client.execute(`SELECT count(*) AS n FROM flow_talkers WHERE ${where}`)).rows[0]!.n);

const get = async (path: string, headers?: Record<string, string>) => t.call('GET', path, undefined, headers);
const ok = async (path: string) => {
  const res = await get(path);
  expect([res.status, res.body?.error]).toEqual([200, undefined]);
  return res.body;
};
const recent = `from=${M1}&to=${M2 + MIN}`;

beforeAll(async () => {
  t = await makeTestApp({ sessionTtlSeconds: 60 * 86_400 }, { clockAt: OLD + 30 * MIN }); // the session outlives the clock's jump
  p1 = (await t.call('POST', '/api/probes', { name: 'edge-1' })).body.id;
  p2 = (await t.call('POST', '/api/probes', { name: 'edge-2' })).body.id;
  lab = (await t.call('POST', '/api/subnets', { cidr: '198.18.1.0/24', name: 'lab', probeId: p1 })).body.id;
  unnamed = (await t.call('POST', '/api/subnets', { cidr: '198.18.2.0/24', probeId: p2 })).body.id;
  deleted = (await t.call('POST', '/api/subnets', { cidr: '198.18.3.0/24', name: 'old', probeId: p1 })).body.id;
  await t.call('POST', '/api/subnets', { cidr: 'fd00:18::/64', name: 'v6', probeId: p1 });
  nasId = (await t.call('POST', '/api/hosts', { ip: NAS, hostname: 'nas' })).body.id;
  webId = (await t.call('POST', '/api/hosts', { ip: WEB, hostname: 'web' })).body.id;

  // long ago: two minutes of one hour, rolled up by the roll-up duty once the hour is over
  const old = (at: number, bytes: number) =>
    item(at, {
      totals: { bytes: bytes * 1.1, packets: bytes * 0.11, flows: 35 },
      talkers: [talker(NAS, lab, bytes, bytes / 10)],
      conversations: [conv(OUT, null, NAS, lab, bytes)],
      ports: [{ protocol: 6, port: 22, bytes: bytes * 1.1, packets: bytes * 0.11, flows: 35 }],
      matrix: [{ from: null, to: lab, bytes, packets: bytes / 10, flows: 35 }],
    });
  await ingest(p1, old(OLD + 10 * MIN, 30_000));
  await ingest(p1, old(OLD + 20 * MIN, 40_000));
  t.clock.t = OLD + HOUR + 6 * MIN;
  expect(await rollUpFlows(t.deps)).toBe(1);
  t.clock.t = NOW;


  // edge-1, minute 1: nas talks to the outside and to web; the old subnet's host sends to nas
  await ingest(
    p1,
    item(M1, {
      totals: { bytes: 5000, packets: 500, flows: 9 },
      talkers: [talker(NAS, lab, 100, 1000), talker(OUT, null, 900, 0), talker(GONE, deleted, 0, 100), talker(WEB, unnamed, 100, 0)],
      conversations: [conv(NAS, lab, OUT, null, 900), conv(GONE, deleted, NAS, lab, 100), conv(NAS, lab, WEB, unnamed, 100)],
      ports: [
        { protocol: 6, port: 443, bytes: 900, packets: 90, flows: 1 },
        { protocol: 17, port: 53, bytes: 100, packets: 10, flows: 2 },
      ],
      matrix: [
        { from: lab, to: null, bytes: 900, packets: 90, flows: 1 },
        { from: deleted, to: lab, bytes: 100, packets: 10, flows: 1 },
        { from: lab, to: unnamed, bytes: 100, packets: 10, flows: 1 },
      ],
      exporters: [exporter('198.18.1.1', M1 + 30_000)],
    }),
  );
  // edge-1, minute 2: more of nas → outside
  await ingest(
    p1,
    item(M2, {
      totals: { bytes: 600, packets: 60, flows: 2 },
      talkers: [talker(NAS, lab, 50, 500), talker(OUT, null, 500, 50)],
      conversations: [conv(NAS, lab, OUT, null, 500), conv(OUT, null, NAS, lab, 50)],
      ports: [{ protocol: 6, port: 443, bytes: 550, packets: 55, flows: 2 }],
      matrix: [
        { from: lab, to: null, bytes: 500, packets: 50, flows: 1 },
        { from: null, to: lab, bytes: 50, packets: 5, flows: 1 },
      ],
      exporters: [exporter('198.18.1.1', M2 + 30_000, { packets: 25, flows: 90, drops: { truncated: 2, no_template: 1 }, templates: 3, sequenceGaps: 4, pending: 1, samplingRate: 10, versions: [9, 10] })],
    }),
  );
  // edge-2, minute 1: the outside sends a lot to web; a v6 host of no record talks too
  await ingest(
    p2,
    item(M1, {
      totals: { bytes: 7000, packets: 700, flows: 3 },
      talkers: [talker(WEB, unnamed, 5000, 0), talker(OUT, null, 0, 5000), talker(V6, null, 10, 0)],
      conversations: [conv(OUT, null, WEB, unnamed, 5000), conv(OUT, null, V6, null, 10)],
      ports: [{ protocol: 6, port: 80, bytes: 5000, packets: 500, flows: 1 }],
      matrix: [{ from: null, to: unnamed, bytes: 5000, packets: 500, flows: 1 }],
      exporters: [exporter('fd00:18::1', M1 + 50_000)],
    }),
  );
  // the recent minutes go in at NOW, then prune-history drops the old minutes (the hour rows stay)
  await pruneHistory.run(t.deps);
  await t.call('DELETE', `/api/subnets/${deleted}`);
});
afterAll(() => t.close());

describe('GET /api/netflow/talkers', () => {
  it('sums minutes and probes, top by bytes, labelled with hosts and subnets', async () => {
    const body = await ok(`/api/netflow/talkers?${recent}`);
    expect(TalkersSchema.parse(body)).toEqual(body);
    expect(body).toMatchObject({ from: iso(M1), to: iso(M2 + MIN), grain: 'minute', totals: { bytes: 12_600, packets: 1_260, flows: 14 } });
    expect(body.talkers.map((r: any) => [r.ip, r.bytes])).toEqual([
      [OUT, 6450],
      [WEB, 5100],
      [NAS, 1650],
      [GONE, 100],
      [V6, 10],
    ]);
    expect(body.talkers[2]).toEqual({
      ip: NAS,
      subnetId: lab,
      subnetName: 'lab',
      hostId: nasId,
      hostname: 'nas',
      bytesIn: 150,
      bytesOut: 1500,
      packetsIn: 15,
      packetsOut: 150,
      flowsIn: 2,
      flowsOut: 2,
      bytes: 1650,
    });
    const by = Object.fromEntries(body.talkers.map((r: any) => [r.ip, r]));
    expect(by[WEB]).toMatchObject({ subnetId: unnamed, subnetName: '198.18.2.0/24', hostId: webId, hostname: 'web' }); // unnamed: its CIDR
    expect(by[GONE]).toMatchObject({ subnetId: deleted, subnetName: `deleted subnet #${deleted}`, hostId: null, hostname: null });
    expect(by[OUT]).toMatchObject({ subnetId: null, subnetName: null, hostId: null, hostname: null });
  });

  it('one probe; one subnet (totals: its traffic in, out and inside)', async () => {
    const one = await ok(`/api/netflow/talkers?${recent}&probeId=${p2}`);
    expect(one.totals).toEqual({ bytes: 7000, packets: 700, flows: 3 });
    expect(one.talkers.map((r: any) => [r.ip, r.bytes])).toEqual([
      [WEB, 5000], // a tie: by address
      [OUT, 5000],
      [V6, 10],
    ]);
    const sub = await ok(`/api/netflow/talkers?${recent}&subnetId=${lab}`);
    expect(sub.talkers.map((r: any) => r.ip)).toEqual([NAS]);
    expect(sub.totals).toEqual({ bytes: 900 + 100 + 100 + 500 + 50, packets: 165, flows: 5 });
  });

  it('limit keeps the top entries', async () => {
    expect((await ok(`/api/netflow/talkers?${recent}&limit=2`)).talkers.map((r: any) => r.ip)).toEqual([OUT, WEB]);
  });

  it('the default window is the last hour, in minutes', async () => {
    const body = await ok('/api/netflow/talkers');
    expect(body).toMatchObject({ from: iso(Date.UTC(2026, 10, 26, 11, 0)), to: iso(Date.UTC(2026, 10, 26, 12, 1)), grain: 'minute' });
    expect(body.totals.bytes).toBe(12_600);
  });

  it('a window reaching past the minute retention reads the hourly roll-up', async () => {
    const old = await ok(`/api/netflow/talkers?from=${encodeURIComponent(iso(OLD - DAY))}&to=${OLD + DAY}`);
    expect(old).toMatchObject({ grain: 'hour', from: iso(OLD - DAY), to: iso(OLD + DAY), totals: { bytes: 77_000, packets: 7_700, flows: 70 } });
    expect(old.talkers.map((r: any) => [r.ip, r.bytesIn, r.bytesOut, r.hostname])).toEqual([[NAS, 70_000, 7_000, 'nas']]);
    // what it read were the hour rows: the minutes of that hour are gone
    expect([await count(`grain = 'minute' AND bucket < ${NOW - 7 * DAY}`), await count(`grain = 'hour' AND bucket = ${OLD}`)]).toEqual([0, 1]);
    expect((await ok(`/api/netflow/matrix?from=${OLD}&to=${OLD + HOUR}`)).links).toEqual([{ from: 0, to: lab, bytes: 70_000, packets: 7_000, flows: 70 }]);
    expect((await ok(`/api/netflow/ports?from=${OLD}&to=${OLD + HOUR}`)).ports).toEqual([{ protocol: 6, port: 22, bytes: 77_000, packets: 7_700, flows: 70 }]);
    expect((await ok(`/api/netflow/peers?from=${OLD}&to=${OLD + HOUR}&ip=${OUT}`)).peers).toMatchObject([{ ip: NAS, hostname: 'nas', bytesOut: 70_000, flows: 2 }]);
    // 30 days up to now: hour rows only (the recent minutes are not rolled up in this suite)
    expect((await ok(`/api/netflow/talkers?from=${NOW - 30 * DAY}`)).totals.bytes).toBe(77_000);
    // a week back: the hours not rolled up (the recent ones, here) read their minutes
    expect(await ok(`/api/netflow/talkers?from=${NOW - 7 * DAY}`)).toMatchObject({ grain: 'mixed', totals: { bytes: 12_600 } });
  });
  it('the grain follows FLOW_MINUTE_RETENTION_DAYS', async () => {
    const short = await makeTestApp({ flowMinuteRetentionDays: 1 }, { clockAt: NOW });
    try {
      const grain = async (from: number) => (await short.call('GET', `/api/netflow/ports?from=${from}`)).body.grain;
      expect([await grain(NOW - 2 * DAY), await grain(NOW - DAY), await grain(NOW - HOUR)]).toEqual(['hour', 'mixed', 'minute']);
    } finally {
      short.close();
    }
  });
});

describe('GET /api/netflow/conversations', () => {
  it('sums each direction; the subnet filter keeps either end', async () => {
    const body = await ok(`/api/netflow/conversations?${recent}`);
    expect(ConversationsSchema.parse(body)).toEqual(body);
    expect(body.conversations.map((c: any) => `${c.src}>${c.dst} ${c.bytes}`)).toEqual([`${OUT}>${WEB} 5000`, `${NAS}>${OUT} 1400`, `${NAS}>${WEB} 100`, `${GONE}>${NAS} 100`, `${OUT}>${NAS} 50`, `${OUT}>${V6} 10`]);
    expect(body.conversations[2]).toEqual({
      src: NAS,
      dst: WEB,
      srcSubnetId: lab,
      dstSubnetId: unnamed,
      srcSubnetName: 'lab',
      dstSubnetName: '198.18.2.0/24',
      srcHostId: nasId,
      dstHostId: webId,
      srcHostname: 'nas',
      dstHostname: 'web',
      bytes: 100,
      packets: 10,
      flows: 1,
    });
    expect(body.conversations[3]).toMatchObject({ srcSubnetId: deleted, srcSubnetName: `deleted subnet #${deleted}`, srcHostId: null, dstHostname: 'nas' });
    const web = await ok(`/api/netflow/conversations?${recent}&subnetId=${unnamed}`);
    expect(web.conversations.map((c: any) => `${c.src}>${c.dst}`)).toEqual([`${OUT}>${WEB}`, `${NAS}>${WEB}`]);
    const p1only = await ok(`/api/netflow/conversations?${recent}&subnetId=${unnamed}&probeId=${p1}&limit=1`);
    expect(p1only.conversations.map((c: any) => `${c.src}>${c.dst}`)).toEqual([`${NAS}>${WEB}`]);
  });
});

describe('GET /api/netflow/ports', () => {
  it('sums protocol and port over probes; no subnet filter', async () => {
    const body = await ok(`/api/netflow/ports?${recent}`);
    expect(PortsSchema.parse(body)).toEqual(body);
    expect(body.ports).toEqual([
      { protocol: 6, port: 80, bytes: 5000, packets: 500, flows: 1 },
      { protocol: 6, port: 443, bytes: 1450, packets: 145, flows: 3 },
      { protocol: 17, port: 53, bytes: 100, packets: 10, flows: 2 },
    ]);
    expect((await ok(`/api/netflow/ports?${recent}&subnetId=${lab}`)).ports).toEqual(body.ports);
    expect((await ok(`/api/netflow/ports?${recent}&probeId=${p1}&limit=1`)).ports).toEqual([{ protocol: 6, port: 443, bytes: 1450, packets: 145, flows: 3 }]);
  });
});

describe('GET /api/netflow/matrix', () => {
  it('links between subnets and External (0); nodes named from the IPAM', async () => {
    const body = await ok(`/api/netflow/matrix?${recent}`);
    expect(MatrixSchema.parse(body)).toEqual(body);
    expect(body.links.map((l: any) => `${l.from}>${l.to} ${l.bytes}`)).toEqual([`0>${unnamed} 5000`, `${lab}>0 1400`, `${lab}>${unnamed} 100`, `${deleted}>${lab} 100`, `0>${lab} 50`]);
    expect(body.nodes).toEqual([
      { id: 0, name: 'External', cidr: null },
      { id: lab, name: 'lab', cidr: '198.18.1.0/24' },
      { id: unnamed, name: '198.18.2.0/24', cidr: '198.18.2.0/24' },
      { id: deleted, name: `deleted subnet #${deleted}`, cidr: null },
    ]);
    const web = await ok(`/api/netflow/matrix?${recent}&subnetId=${unnamed}`);
    expect(web.links.map((l: any) => `${l.from}>${l.to}`)).toEqual([`0>${unnamed}`, `${lab}>${unnamed}`]);
    expect(web.nodes.map((n: any) => n.id)).toEqual([0, lab, unnamed]);
    // External is always a node, even with no link
    expect((await ok(`/api/netflow/matrix?from=${NOW + HOUR}&to=${NOW + 2 * HOUR}`))).toMatchObject({ nodes: [{ id: 0, name: 'External', cidr: null }], links: [] });
  });
});

describe('GET /api/netflow/peers', () => {
  it("an address's peers from both directions, labelled", async () => {
    const body = await ok(`/api/netflow/peers?${recent}&ip=${NAS}`);
    expect(PeersSchema.parse(body)).toEqual(body);
    expect(body).toMatchObject({ ip: NAS, grain: 'minute' });
    expect(body.peers).toEqual([
      { ip: OUT, hostId: null, hostname: null, subnetId: null, subnetName: null, bytesIn: 50, bytesOut: 1400, packets: 145, flows: 3 },
      { ip: WEB, hostId: webId, hostname: 'web', subnetId: unnamed, subnetName: '198.18.2.0/24', bytesIn: 0, bytesOut: 100, packets: 10, flows: 1 },
      { ip: GONE, hostId: null, hostname: null, subnetId: deleted, subnetName: `deleted subnet #${deleted}`, bytesIn: 100, bytesOut: 0, packets: 10, flows: 1 },
    ]);
    expect((await ok(`/api/netflow/peers?${recent}&ip=${NAS}&subnetId=${unnamed}`)).peers.map((p: any) => p.ip)).toEqual([WEB]);
    expect((await ok(`/api/netflow/peers?${recent}&ip=${NAS}&limit=1`)).peers.map((p: any) => p.ip)).toEqual([OUT]);
    const v6 = await ok(`/api/netflow/peers?${recent}&ip=FD00:18:0::5`);
    expect(v6).toMatchObject({ ip: V6, peers: [{ ip: OUT, bytesIn: 10, bytesOut: 0 }] });
  });
});

describe('GET /api/netflow/exporters', () => {
  it('lists exporters with their probe, the latest heard first', async () => {
    const body = await ok('/api/netflow/exporters');
    expect(ExportersSchema.parse(body)).toEqual(body);
    expect(body.exporters.map((e: any) => [e.probeName, e.address])).toEqual([
      ['edge-1', '198.18.1.1'],
      ['edge-2', 'fd00:18::1'],
    ]);
    expect(body.exporters[0]).toEqual({
      probeId: p1,
      probeName: 'edge-1',
      address: '198.18.1.1',
      packets: 25,
      flows: 90,
      drops: { truncated: 2, no_template: 1 },
      templates: 3,
      sequenceGaps: 4,
      pending: 1,
      samplingRate: 10,
      versions: [9, 10],
      firstSeenAt: iso(M1),
      lastSeenAt: iso(M2 + 30_000),
      updatedAt: iso(NOW),
    });
    expect((await ok(`/api/netflow/exporters?probeId=${p2}`)).exporters.map((e: any) => e.address)).toEqual(['fd00:18::1']);
    expect((await ok('/api/netflow/exporters?limit=1')).exporters.map((e: any) => e.address)).toEqual(['198.18.1.1']);
  });
});

describe('a long window: hour rows for the rolled hours, minutes at the edges and for the hours not rolled up', () => {
  // its own app: a day of minutes of two probes, rolled up, then a late minute; the clock stays at T
  const T = Date.UTC(2026, 10, 26, 12, 20, 30);
  const at = (day: number, h: number, m: number) => Date.UTC(2026, 10, day, h, m);
  const A = '198.18.1.1';
  const B = '198.18.1.2';
  const C = '198.19.0.3';
  const D = '198.19.0.4';
  const X = '198.19.0.9';
  let h: TestApp;
  let q1: number;
  let q2: number;
  let net: number;
  let n = 0;
  const sub = (ip: string) => (ip.startsWith('198.18.1.') ? net : null);
  /** One minute of [src, dst, bytes, port] conversations, everything else summed from them as the probe would. */
  const minuteOf = (atMs: number, convs: [string, string, number, number][]): FlowsItem => {
    const talkers = new Map<string, Talker>();
    const end = (ip: string) => talkers.get(ip) ?? talkers.set(ip, talker(ip, sub(ip), 0, 0)).get(ip)!;
    const ports = new Map<number, FlowsItem['ports'][number]>();
    const cells = new Map<string, FlowsItem['matrix'][number]>();
    for (const [src, dst, bytes, port] of convs) {
      Object.assign(end(src), { bytesOut: end(src).bytesOut + bytes, packetsOut: end(src).packetsOut + 1, flowsOut: end(src).flowsOut + 1 });
      Object.assign(end(dst), { bytesIn: end(dst).bytesIn + bytes, packetsIn: end(dst).packetsIn + 1, flowsIn: end(dst).flowsIn + 1 });
      const p = ports.get(port) ?? ports.set(port, { protocol: 6, port, bytes: 0, packets: 0, flows: 0 }).get(port)!;
      Object.assign(p, { bytes: p.bytes + bytes, packets: p.packets + 1, flows: p.flows + 1 });
      const key = `${sub(src)}>${sub(dst)}`;
      const c = cells.get(key) ?? cells.set(key, { from: sub(src), to: sub(dst), bytes: 0, packets: 0, flows: 0 }).get(key)!;
      Object.assign(c, { bytes: c.bytes + bytes, packets: c.packets + 1, flows: c.flows + 1 });
    }
    const bytes = convs.reduce((sum, c) => sum + c[2], 0);
    return item(atMs, {
      totals: { bytes, packets: convs.length, flows: convs.length },
      talkers: [...talkers.values()],
      conversations: convs.map(([src, dst, b]) => conv(src, sub(src), dst, sub(dst), b)),
      ports: [...ports.values()],
      matrix: [...cells.values()],
    });
  };
  const put = async (probeId: number, flows: FlowsItem) => expect(await ingestBatch(h.deps, probeId, `h-${++n}`, [flows])).toMatchObject({ duplicate: false, refused: null, rejectedResults: [] });
  const day = `from=${T - DAY}`; // 11-25 12:20 to 11-26 12:21: 23 whole hours, minutes at both edges
  const read = async (path: string) => {
    const res = await h.call('GET', path);
    expect([res.status, res.body?.error]).toEqual([200, undefined]);
    return res.body;
  };
  /** The same window's answers summed from minute rows only (one minute range), as the route lists them. */
  const minutesOnly = async (route: string, f: { probeId?: number; subnetId?: number }) => {
    const { from, to } = flowRange({ from: String(T - DAY) }, T);
    const q: FlowQuery = { read: { minuteRanges: [[from, to]], hourRanges: [] }, limit: 50, ...f };
    const all = <R,>(s: ReturnType<typeof talkersSql>) => h.deps.db.all<R>(s);
    const num = (r: Record<string, unknown>, keys: string[]) => keys.map((k) => (typeof r[k] === 'string' ? r[k] : Number(r[k] ?? 0)));
    if (route === 'talkers') return { totals: num((await all<any>(totalsSql(q)))[0], ['bytes', 'packets', 'flows']), rows: (await all<any>(talkersSql(q))).map((r) => num(r, TALKER)) };
    if (route === 'conversations') return (await all<any>(conversationsSql(q))).map((r) => num(r, CONV));
    if (route === 'ports') return (await all<any>(portsSql(q))).map((r) => num(r, PORT));
    if (route === 'matrix') return (await all<any>(matrixSql(q))).map((r) => num(r, ['src', 'dst', 'bytes', 'packets', 'flows']));
    return (await all<any>(peersSql(q, A))).map((r) => num(r, PEER));
  };
  const TALKER = ['ip', 'bytesIn', 'bytesOut', 'packetsIn', 'packetsOut', 'flowsIn', 'flowsOut'];
  const CONV = ['src', 'dst', 'bytes', 'packets', 'flows'];
  const PORT = ['protocol', 'port', 'bytes', 'packets', 'flows'];
  const PEER = ['ip', 'bytesIn', 'bytesOut', 'packets', 'flows'];
  /** The route's answer over `day`, as minutesOnly lists it. */
  const answer = async (route: string, f: { probeId?: number; subnetId?: number }) => {
    const filters = Object.entries(f).map(([k, v]) => `&${k}=${v}`).join('');
    const body = await read(`/api/netflow/${route === 'peers' ? `peers?ip=${A}&` : `${route}?`}${day}${filters}`);
    expect(body.grain).toBe('mixed');
    const pick = (r: any, keys: string[]) => keys.map((k) => r[k]);
    if (route === 'talkers') return { totals: pick(body.totals, ['bytes', 'packets', 'flows']), rows: body.talkers.map((r: any) => pick(r, TALKER)) };
    if (route === 'conversations') return body.conversations.map((r: any) => pick(r, CONV));
    if (route === 'ports') return body.ports.map((r: any) => pick(r, PORT));
    if (route === 'matrix') return body.links.map((r: any) => pick(r, ['from', 'to', 'bytes', 'packets', 'flows']));
    return body.peers.map((r: any) => pick(r, PEER));
  };
  const routes = ['talkers', 'conversations', 'ports', 'matrix', 'peers'];
  const variants = () => [{}, { probeId: q1 }, { probeId: q2 }, { subnetId: net }];

  beforeAll(async () => {
    h = await makeTestApp({}, { clockAt: T });
    q1 = (await h.call('POST', '/api/probes', { name: 'p1' })).body.id;
    q2 = (await h.call('POST', '/api/probes', { name: 'p2' })).body.id;
    net = (await h.call('POST', '/api/subnets', { cidr: '198.18.1.0/24', name: 'lab', probeId: q1 })).body.id;
    await put(q1, minuteOf(at(25, 12, 10), [[A, C, 1000, 443]])); // the left edge's hour, before the window
    await put(q1, minuteOf(at(25, 12, 30), [[A, C, 200, 443], [C, B, 20, 53]])); // the left edge
    await put(q1, minuteOf(at(25, 15, 5), [[A, C, 300, 443], [B, D, 50, 22]]));
    await put(q1, minuteOf(at(25, 15, 45), [[A, C, 400, 443]]));
    await put(q2, minuteOf(at(25, 20, 30), [[B, C, 700, 80], [C, A, 10, 53]]));
    await put(q1, minuteOf(at(26, 8, 15), [[A, D, 90, 443]]));
    await put(q1, minuteOf(at(26, 12, 10), [[A, C, 5, 443]])); // the right edge: this hour
    expect(await rollUpFlows(h.deps)).toBe(4); // every hour but this one
  });
  afterAll(() => h.close());

  it('sums as the minutes do (nothing cut by the top 500), every route and filter; the partial hours count their minutes in the window only', async () => {
    const totals = await read(`/api/netflow/talkers?${day}`);
    expect(totals).toMatchObject({ grain: 'mixed', from: iso(at(25, 12, 20)), to: iso(at(26, 12, 21)), totals: { bytes: 220 + 750 + 710 + 90 + 5 } });
    for (const route of routes) for (const f of variants()) expect([route, f, await answer(route, f)]).toEqual([route, f, await minutesOnly(route, f)]);
  });

  it("a dirty hour's minutes, of every probe, are read instead of its hour rows: a late minute counts before the next roll-up", async () => {
    await put(q2, minuteOf(at(26, 8, 40), [[D, B, 60, 22], [X, A, 7, 53]])); // p2 dirties 08:00, rolled for p1
    const body = await read(`/api/netflow/talkers?${day}`);
    expect(body.totals.bytes).toBe(220 + 750 + 710 + 90 + 67 + 5);
    expect(body.talkers.find((r: any) => r.ip === X)).toMatchObject({ bytesOut: 7 });
    expect(body.talkers.find((r: any) => r.ip === D)).toMatchObject({ bytesIn: 50 + 90, bytesOut: 60 }); // p1's 08:15 once
    for (const route of routes) for (const f of variants()) expect([route, f, await answer(route, f)]).toEqual([route, f, await minutesOnly(route, f)]);
    // rolled again: the same sums, now from the hour rows
    expect(await rollUpFlows(h.deps)).toBe(1);
    expect((await read(`/api/netflow/talkers?${day}`)).totals).toEqual(body.totals);
  });

  it('the rolled hours are read from their hour rows (their minutes gone, the sums stay)', async () => {
    const before = await Promise.all(routes.map((r) => answer(r, {})));
    const where = `grain = 'minute' AND bucket >= ${at(25, 13, 0)} AND bucket < ${at(26, 12, 0)}`;
    for (const table of ['flow_totals', 'flow_talkers', 'flow_conversations', 'flow_ports', 'flow_matrix']) await h.client.execute(`DELETE FROM ${table} WHERE ${where}`);
    expect(await Promise.all(routes.map((r) => answer(r, {})))).toEqual(before);
    // whole hours, all rolled up: hour rows only
    expect(await read(`/api/netflow/talkers?from=${at(25, 13, 0)}&to=${at(25, 21, 0)}`)).toMatchObject({ grain: 'hour', totals: { bytes: 750 + 710 } });
  });

  it('3 h and less read minutes; a window past the minute retention reads hours, widened to whole hours', async () => {
    expect(await read(`/api/netflow/talkers?from=${at(26, 9, 20)}&to=${at(26, 12, 20)}`)).toMatchObject({ grain: 'minute', totals: { bytes: 5 } });
    expect(await read(`/api/netflow/talkers?from=${at(26, 9, 19)}&to=${at(26, 12, 20)}`)).toMatchObject({ grain: 'mixed', totals: { bytes: 5 } });
    const old = await read(`/api/netflow/talkers?from=${T - 8 * DAY}&to=${at(25, 12, 40)}`);
    expect(old).toMatchObject({ grain: 'hour', from: iso(Date.UTC(2026, 10, 18, 12)), to: iso(at(25, 13, 0)), totals: { bytes: 1000 + 220 } }); // the whole hour of 12:00
  });
});

describe('bad input', () => {
  it.each([
    ['/api/netflow/talkers?from=yesterday', 'invalid_request'],
    ['/api/netflow/talkers?to=2026-11-26T12:00:00', 'invalid_request'],
    [`/api/netflow/conversations?from=${NOW}&to=${NOW}`, 'bad_range'],
    [`/api/netflow/matrix?from=${NOW + MIN}`, 'bad_range'],
    [`/api/netflow/ports?from=${NOW - 401 * DAY}&to=${NOW}`, 'bad_range'],
    ['/api/netflow/talkers?limit=0', 'invalid_request'],
    ['/api/netflow/talkers?limit=501', 'invalid_request'],
    ['/api/netflow/talkers?limit=2.5', 'invalid_request'],
    ['/api/netflow/talkers?subnetId=abc', 'invalid_request'],
    ['/api/netflow/matrix?probeId=-1', 'invalid_request'],
    ['/api/netflow/exporters?limit=9999', 'invalid_request'],
    ['/api/netflow/peers', 'invalid_request'],
    ['/api/netflow/peers?ip=198.18.1.300', 'invalid_ip'],
    ['/api/netflow/peers?ip=nas', 'invalid_ip'],
  ])('%s is 400 %s and nothing else', async (path, code) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toEqual(expect.any(String));
  });
});

describe('access', () => {
  const paths = ['talkers', 'conversations', 'ports', 'matrix', 'exporters', `peers?ip=${NAS}`].map((p) => `/api/netflow/${p}`);

  it.each(paths)('%s without a session is 401', async (path) => {
    const res = await get(path, {});
    expect([res.status, res.body.error.code]).toEqual([401, 'unauthorized']);
  });

  it('a viewer reads every route', async () => {
    const token = (await t.call('POST', '/api/tokens', { name: 'reader', role: 'viewer' })).body.token;
    for (const path of paths) expect([path, (await get(path, { authorization: `Bearer ${token}` })).status]).toEqual([path, 200]);
  });

  it('every route is in /openapi.json for viewers, with its query', async () => {
    const doc = (await get('/openapi.json')).body;
    for (const name of ['talkers', 'conversations', 'ports', 'matrix', 'exporters', 'peers']) {
      const op = doc.paths[`/api/netflow/${name}`].get;
      expect([name, op['x-required-role']]).toEqual([name, 'viewer']);
      expect(op.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(name === 'exporters' ? ['probeId', 'limit'] : ['from', 'to', 'probeId', 'limit']));
      expect(op.responses['200'].content['application/json'].schema).toBeDefined();
    }
    expect(doc.paths['/api/netflow/peers'].get.parameters.find((p: any) => p.name === 'ip').required).toBe(true);
    expect(doc.paths['/api/netflow/ports'].get.parameters.map((p: any) => p.name)).not.toContain('subnetId');
    expect(doc.paths['/api/netflow/ports'].get.description).toContain('No subnet filter');
  });
});

describe('query plans', () => {
  const FLOW_ALIASES = new Set(['t', 'c', 'p', 'm']);
  const cases: [string, (q: FlowQuery) => ReturnType<typeof talkersSql>, number][] = [
    ['talkers', talkersSql, 1],
    ['totals', totalsSql, 1],
    ['conversations', conversationsSql, 1],
    ['ports', portsSql, 1],
    ['matrix', matrixSql, 1],
    ['peers', (q) => peersSql(q, NAS), 2],
  ];
  const filters = [{}, { probeId: 1 }, { subnetId: 1 }, { probeId: 1, subnetId: 1 }];
  // a week with scattered dirty hours: the most ranges a read has
  const scattered = planFlowRead(flowRange({ from: String(NOW - 7 * DAY + 20 * MIN) }, NOW), { hours: Array.from({ length: 40 }, (_, i) => NOW - 6 * DAY + i * 4 * HOUR - (NOW % HOUR)), truncated: false });
  const reads = {
    minute: planFlowRead(flowRange({}, NOW), { hours: [], truncated: false }),
    hour: planFlowRead(flowRange({ from: String(OLD) }, NOW), { hours: [], truncated: false }),
    mixed: planFlowRead(flowRange({ from: String(NOW - DAY + 20 * MIN) }, NOW), { hours: [NOW - 5 * HOUR - (NOW % HOUR)], truncated: false }),
    scattered,
  };

  it('the reads planned: one range, a few, the most', () => {
    expect(Object.values(reads).map((r) => [r.grain, r.minuteRanges.length + r.hourRanges.length])).toEqual([
      ['minute', 1],
      ['hour', 1],
      ['mixed', 5],
      ['mixed', FLOW_READ_MAX_RANGES - 1],
    ]);
  });

  it.each(cases)('%s searches an index for each range of the window, never scans a flow table, hosts or subnets', async (_, build, perRange) => {
    for (const [name, read] of Object.entries(reads)) {
      for (const f of filters) {
        const plan = (await t.deps.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${build({ read, limit: 50, ...f })}`)).map((r) => r.detail);
        const steps = plan.filter((d) => /^(SCAN|SEARCH) /.test(d)).map((d) => d.split(' ').slice(0, 2));
        for (const [how, alias] of steps) {
          if (FLOW_ALIASES.has(alias!) || /(host|net)$/.test(alias!)) expect([name, f, how, alias, plan]).toEqual([name, f, 'SEARCH', alias, plan]);
        }
        const searches = plan.filter((d) => /^SEARCH [tcpm] USING (COVERING )?INDEX/.test(d));
        expect([name, f, searches.length]).toEqual([name, f, perRange * (read.minuteRanges.length + read.hourRanges.length)]);
      }
    }
  });

  it.each(cases)('%s binds at most 100 parameters (D1), with the most ranges and every filter', (_, build) => {
    const { params } = new SQLiteSyncDialect().sqlToQuery(build({ read: scattered, limit: 50, probeId: 1, subnetId: 1 }));
    expect(params.length).toBeLessThanOrEqual(100);
  });

  it('the dirty hours of a window: a search of flow_hours by dirty and bucket', async () => {
    const plan = (await t.deps.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${dirtyHoursSql([NOW - 7 * DAY, NOW])}`)).map((r) => r.detail);
    expect(plan).toEqual([expect.stringMatching(/^SEARCH flow_hours USING COVERING INDEX flow_hours_dirty_idx \(dirty=\? AND bucket>\? AND bucket<\?\)$/)]);
  });
});

describe('counters no SQLite integer can hold', () => {
  it('sums past 2^63 (a hostile exporter over a long window) answer, held to the largest safe integer, instead of "integer overflow"', async () => {
    const big = await makeTestApp({}, { clockAt: NOW });
    try {
      // 20 probes × 60 minutes of one talker at 2^53 − 1 bytes each: 1,200 rows whose sum is past 2^63
      const hour = Math.floor(NOW / HOUR) * HOUR - HOUR;
      const rows = [];
      for (let probe = 1; probe <= 20; probe++) for (let m = 0; m < 60; m++) rows.push([hour + m * MIN, probe]);
      await big.deps.db.run(sql`INSERT INTO flow_talkers (grain, bucket, probe_id, ip, subnet_id, bytes_in, bytes_out, packets_in, packets_out, flows_in, flows_out)
        SELECT 'minute', j.value ->> 0, j.value ->> 1, ${NAS}, NULL, 9007199254740991, 0, 9007199254740991, 0, 1, 0 FROM json_each(${JSON.stringify(rows)}) j`);
      await big.deps.db.run(sql`INSERT INTO flow_totals (grain, bucket, probe_id, bytes, packets, flows)
        SELECT 'minute', j.value ->> 0, j.value ->> 1, 9007199254740991, 9007199254740991, 1 FROM json_each(${JSON.stringify(rows)}) j`);
      const res = await big.call('GET', `/api/netflow/talkers?from=${hour}&to=${hour + HOUR}`);
      expect(res.status).toBe(200);
      expect(res.body.talkers[0]).toMatchObject({ ip: NAS, bytesIn: Number.MAX_SAFE_INTEGER, bytes: Number.MAX_SAFE_INTEGER, flowsIn: 1200 });
      expect(res.body.totals).toMatchObject({ bytes: Number.MAX_SAFE_INTEGER, flows: 1200 });
      expect(TalkersSchema.safeParse(res.body).success).toBe(true);
    } finally {
      await big.close?.();
    }
  });
});
