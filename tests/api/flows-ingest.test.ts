/**
 * The `flows` result kind through the probe protocol (RawProbes on the real Node hub) into real libSQL: minute rows
 * applied exactly once and added up per minute, the time and size bounds, the exporters' counters, the hourly roll-up
 * (top 500, exact totals, a late minute rolled again), the retention by grain, unregistered talkers (one
 * `talker.unregistered` per address per UTC day across probes, the changes panel), and the managed subnets in the
 * assignment, pushed to every connected probe when they change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../schema/protocol.js';
import { pruneHistory } from '../../worker/duties.js';
import { buildAssignment } from '../../worker/probe-link/session.js';
import { rollUpFlows } from '../../worker/services/flow-rollup.js';
import type { TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { roundTrip, sendResults, startPortRig, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let rig: PortRig;
let t: TestApp;
let p1: RawProbe;
let p2: RawProbe;
let probe1: number;
let probe2: number;
let lab: number;
let office: number;
let live: LiveClient;
let seq = 0;
/** The minute the unregistered talkers' second day was heard. */
let dayTwo: number;

const iso = (ms: number) => new Date(ms).toISOString();
const rows = async (sql: string, args: (string | number)[] = []) => (await t.client.execute({ sql, args })).rows.map((r) => ({ ...r }));
const count = async (sql: string, args: (string | number)[] = []) => Number(Object.values((await rows(sql, args))[0]!)[0]);

type Over = Record<string, unknown>;
const flows = (at: number, over: Over = {}) => ({
  kind: 'flows',
  at,
  totals: { bytes: 1000, packets: 10, flows: 4 },
  talkers: [],
  conversations: [],
  ports: [],
  matrix: [],
  seen: [],
  exporters: [],
  ...over,
});
const talker = (ip: string, bytesIn: number, bytesOut = 0, subnetId: number | null = null) => ({ ip, subnetId, bytesIn, bytesOut, packetsIn: 1, packetsOut: 1, flowsIn: 1, flowsOut: 1 });
const exporter = (address: string, packets: number, lastSeenAt: number, drops: Record<string, number> = {}) => ({
  address,
  packets,
  flows: packets * 3,
  drops,
  templates: 2,
  sequenceGaps: 1,
  pending: 0,
  samplingRate: 1,
  versions: [9, 10],
  firstSeenAt: Date.UTC(2026, 10, 26),
  lastSeenAt,
});
const send = (p: RawProbe, items: unknown[], batchId = `flows-${++seq}`) => sendResults(p, batchId, items);
/** A whole minute `n` minutes from the test clock's now (which sits on a whole minute). */
const minute = (n: number) => t.clock.now() + n * MIN;

const talkerEvents = () => rows("SELECT id, subnet_id AS subnetId, probe_id AS probeId, muted, body FROM alert_events WHERE type = 'talker.unregistered' ORDER BY at, rowid");
const deliveriesTo = (endpointId: number) => count('SELECT count(*) FROM webhook_deliveries d JOIN alert_events e ON e.id = d.event_id WHERE d.endpoint_id = ? AND e.type = ?', [endpointId, 'talker.unregistered']);

let allEndpoint: number;
let officeEndpoint: number;
let taggedEndpoint: number;

beforeAll(async () => {
  // the clock moves on by days: the admin's session outlives it
  rig = await startPortRig({ webhookAllowPrivate: true, sessionTtlSeconds: 30 * 86_400 });
  t = rig.t;
  const a = await rig.enrol('router-a');
  const b = await rig.enrol('router-b');
  probe1 = a.id;
  probe2 = b.id;
  lab = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', name: 'lab', probeId: probe1 })).body.id;
  office = (await t.call('POST', '/api/subnets', { cidr: '198.18.1.0/24', name: 'office', probeId: probe2 })).body.id;
  expect((await t.call('POST', '/api/hosts', { ip: '198.18.0.10', hostname: 'known' })).status).toBe(201);
  p1 = await rig.connect(a.token, { kinds: ['sweep'], version: '0.5.0' });
  p2 = await rig.connect(b.token, { kinds: ['sweep'], version: '0.5.0' });
  const endpoint = async (body: Over) => {
    const res = await t.call('POST', '/api/webhooks', { url: 'http://127.0.0.1:9/hook', format: 'generic', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as number;
  };
  allEndpoint = await endpoint({ name: 'talkers', eventTypes: ['talker.unregistered'] });
  officeEndpoint = await endpoint({ name: 'office talkers', eventTypes: ['talker.unregistered'], subnetIds: [office] });
  taggedEndpoint = await endpoint({ name: 'tagged', eventTypes: ['talker.unregistered', 'host.down'], tags: ['watched'] });
  live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
  await live.next('hello');
});
afterAll(async () => {
  live?.close();
  await rig.close();
});

describe('flows minutes', () => {
  it('a batch is applied exactly once: a re-send is a duplicate and adds nothing', async () => {
    const at = minute(-5);
    const item = flows(at, {
      talkers: [talker('198.18.0.50', 100, 200, lab), talker('2001:DB8::1', 5)],
      conversations: [{ src: '198.18.0.50', dst: '198.18.1.60', srcSubnetId: lab, dstSubnetId: office, bytes: 300, packets: 3, flows: 1 }],
      ports: [{ protocol: 6, port: 443, bytes: 300, packets: 3, flows: 1 }],
      matrix: [
        { from: lab, to: office, bytes: 300, packets: 3, flows: 1 },
        { from: lab, to: null, bytes: 5, packets: 1, flows: 1 },
      ],
    });
    const ack = await send(p1, [item], 'once-1');
    expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    expect(ack.rejectedResults).toBeUndefined();
    expect(await live.next('flows', (d) => d.probeId === probe1)).toEqual({ at: iso(at), probeId: probe1 });
    expect((await send(p1, [item], 'once-1')).duplicate).toBe(true);

    expect(await rows('SELECT grain, bucket, bytes, packets, flows FROM flow_totals WHERE probe_id = ?', [probe1])).toEqual([{ grain: 'minute', bucket: at, bytes: 1000, packets: 10, flows: 4 }]);
    expect(await rows('SELECT ip, subnet_id AS s, bytes_in AS i, bytes_out AS o FROM flow_talkers WHERE probe_id = ? ORDER BY ip', [probe1])).toEqual([
      { ip: '198.18.0.50', s: lab, i: 100, o: 200 },
      { ip: '2001:db8::1', s: null, i: 5, o: 0 },
    ]);
    expect(await rows('SELECT src, dst, bytes FROM flow_conversations WHERE probe_id = ?', [probe1])).toEqual([{ src: '198.18.0.50', dst: '198.18.1.60', bytes: 300 }]);
    expect(await rows('SELECT protocol, port, bytes FROM flow_ports WHERE probe_id = ?', [probe1])).toEqual([{ protocol: 6, port: 443, bytes: 300 }]);
    expect(await rows('SELECT src_subnet_id AS f, dst_subnet_id AS t, bytes FROM flow_matrix WHERE probe_id = ? ORDER BY 2', [probe1])).toEqual([
      { f: lab, t: 0, bytes: 5 },
      { f: lab, t: office, bytes: 300 },
    ]);
    expect(await rows('SELECT bucket, dirty FROM flow_hours WHERE probe_id = ?', [probe1])).toEqual([{ bucket: at - (at % HOUR), dirty: 1 }]);
  });

  it('a second batch for the same minute adds to it', async () => {
    const at = minute(-5);
    await send(p1, [flows(at, { talkers: [talker('198.18.0.50', 1, 2, lab), talker('198.18.0.51', 7)], ports: [{ protocol: 6, port: 443, bytes: 10, packets: 1, flows: 1 }] })]);
    expect(await rows('SELECT bytes, packets, flows FROM flow_totals WHERE probe_id = ? AND bucket = ?', [probe1, at])).toEqual([{ bytes: 2000, packets: 20, flows: 8 }]);
    expect(await rows('SELECT ip, bytes_in AS i, bytes_out AS o, flows_in AS f FROM flow_talkers WHERE probe_id = ? AND bucket = ? ORDER BY ip', [probe1, at])).toEqual([
      { ip: '198.18.0.50', i: 101, o: 202, f: 2 },
      { ip: '198.18.0.51', i: 7, o: 0, f: 1 },
      { ip: '2001:db8::1', i: 5, o: 0, f: 1 },
    ]);
    expect(await rows('SELECT bytes FROM flow_ports WHERE probe_id = ? AND bucket = ?', [probe1, at])).toEqual([{ bytes: 310 }]);
  });

  it('refuses an item older than the spool keeps or ahead of the clock, and stores the rest of the batch', async () => {
    const old = t.clock.now() - 7 * DAY - MIN;
    const ahead = minute(6);
    const fine = minute(-4);
    const ack = await send(p1, [flows(old), flows(ahead), flows(fine)]);
    expect(ack.rejectedResults).toEqual([
      { kind: 'flows', subnetId: 0, at: old, reason: 'too_old' },
      { kind: 'flows', subnetId: 0, at: ahead, reason: 'in_future' },
    ]);
    expect(await rows('SELECT bucket FROM flow_totals WHERE probe_id = ? ORDER BY bucket', [probe1])).toEqual([{ bucket: minute(-5) }, { bucket: fine }]);
    expect(await count('SELECT count(*) FROM flow_hours WHERE bucket < ?', [t.clock.now() - DAY])).toBe(0);
  });

  it('refuses a batch over the row bound whole: no ledger row, no flow rows', async () => {
    const big = (at: number) =>
      flows(at, {
        talkers: Array.from({ length: 100 }, (_, i) => talker(`198.18.20.${i}`, i)),
        conversations: Array.from({ length: 100 }, (_, i) => ({ src: `198.18.20.${i}`, dst: '198.18.21.1', srcSubnetId: null, dstSubnetId: null, bytes: i, packets: 1, flows: 1 })),
        ports: Array.from({ length: 50 }, (_, i) => ({ protocol: 17, port: 1000 + i, bytes: i, packets: 1, flows: 1 })),
        matrix: Array.from({ length: 200 }, (_, i) => ({ from: i + 1, to: null, bytes: i, packets: 1, flows: 1 })),
        // counted, though no such subnet exists
        seen: Array.from({ length: 300 }, (_, i) => ({ ip: `198.18.0.${(i % 250) + 1}`, subnetId: 99_999 })),
      });
    const before = await count('SELECT count(*) FROM flow_totals');
    const ack = await send(p1, [big(minute(-3)), big(minute(-2))], 'too-big');
    expect(ack.refused).toMatchObject({ code: 'too_many_samples' });
    expect(await count('SELECT count(*) FROM ingest_ledger WHERE batch_id = ?', ['too-big'])).toBe(0);
    expect(await count('SELECT count(*) FROM flow_totals')).toBe(before);
    expect(await count('SELECT count(*) FROM flow_talkers WHERE bucket >= ?', [minute(-3)])).toBe(0);
    expect(await count('SELECT count(*) FROM unregistered_talkers')).toBe(0);
    // one such item fits
    expect((await send(p1, [big(minute(-3))])).refused).toBeUndefined();
    expect(await count('SELECT count(*) FROM flow_talkers WHERE bucket = ?', [minute(-3)])).toBe(100);
  });

  it("replaces the exporters' counters it reports with the newest, and a late older item does not undo them", async () => {
    const A = '198.18.0.254';
    const B = '198.18.0.253';
    await send(p1, [flows(minute(-10), { exporters: [exporter(A, 10, minute(-10)), exporter(B, 3, minute(-10), { no_template: 2 })] })]);
    await send(p1, [flows(minute(-1), { exporters: [exporter(A, 25, minute(-1), { truncated: 1, bad_set: 2 })] })]);
    await send(p1, [flows(minute(-8), { exporters: [exporter(A, 12, minute(-8))] })]);
    const stored = await rows('SELECT address, packets, flows, drops, templates, sequence_gaps AS gaps, sampling_rate AS rate, versions, last_seen_at AS last FROM flow_exporters WHERE probe_id = ? ORDER BY address', [probe1]);
    expect(stored).toEqual([
      { address: B, packets: 3, flows: 9, drops: '{"no_template":2}', templates: 2, gaps: 1, rate: 1, versions: '[9,10]', last: minute(-10) },
      { address: A, packets: 25, flows: 75, drops: '{"truncated":1,"bad_set":2}', templates: 2, gaps: 1, rate: 1, versions: '[9,10]', last: minute(-1) },
    ]);
  });
});

describe('hourly roll-up', () => {
  const hour = Date.UTC(2026, 10, 26, 10);
  it('rolls an ended hour into its top 500 per table by bytes, totals exact, and leaves an hour not over 5 minutes ago', async () => {
    // six minutes of 100 different talkers each: 600 in the hour, bytes 1..600
    for (let m = 0; m < 6; m++) {
      const talkers = Array.from({ length: 100 }, (_, k) => talker(`198.18.${100 + m}.${k + 1}`, m * 100 + k + 1));
      const ack = await send(p2, [flows(hour + m * MIN, { totals: { bytes: 1_000_000 + m, packets: 1000, flows: 10 }, talkers, ports: [{ protocol: 6, port: 22, bytes: m, packets: 1, flows: 1 }] })]);
      expect(ack.refused).toBeUndefined();
    }
    // the clock is at 12:00: 10:00 ended over 5 minutes ago, 11:00 did not
    expect(await rollUpFlows(t.deps)).toBe(1);
    const hourRows = (table: string) => rows(`SELECT * FROM ${table} WHERE grain = 'hour' AND bucket = ? AND probe_id = ?`, [hour, probe2]);
    expect((await hourRows('flow_totals')).map((r) => [r.bytes, r.packets, r.flows])).toEqual([[6_000_015, 6000, 60]]);
    const talkers = await hourRows('flow_talkers');
    expect(talkers).toHaveLength(500);
    expect(Math.min(...talkers.map((r) => Number(r.bytes_in)))).toBe(101);
    expect((await hourRows('flow_ports')).map((r) => [r.port, r.bytes, r.flows])).toEqual([[22, 15, 6]]);
    expect(await rows('SELECT bucket, dirty FROM flow_hours WHERE probe_id = ? ORDER BY bucket', [probe2])).toEqual([{ bucket: hour, dirty: 0 }]);
    expect(await count("SELECT count(*) FROM flow_totals WHERE grain = 'hour' AND probe_id = ?", [probe1])).toBe(0);
    // run again: nothing dirty, nothing rolled
    expect(await rollUpFlows(t.deps)).toBe(0);
  });

  it('a late minute makes its rolled hour dirty again, and the next roll-up includes it', async () => {
    await send(p2, [flows(hour + 30 * MIN, { totals: { bytes: 5, packets: 1, flows: 1 }, talkers: [talker('198.18.200.1', 10_000)] })]);
    expect(await rows('SELECT dirty FROM flow_hours WHERE probe_id = ? AND bucket = ?', [probe2, hour])).toEqual([{ dirty: 1 }]);
    expect(await rollUpFlows(t.deps)).toBe(1);
    const totals = await rows("SELECT bytes FROM flow_totals WHERE grain = 'hour' AND bucket = ? AND probe_id = ?", [hour, probe2]);
    expect(totals).toEqual([{ bytes: 6_000_020 }]);
    const talkers = await rows("SELECT ip, bytes_in AS b FROM flow_talkers WHERE grain = 'hour' AND bucket = ? AND probe_id = ? ORDER BY bytes_in DESC", [hour, probe2]);
    expect(talkers).toHaveLength(500);
    expect(talkers[0]).toEqual({ ip: '198.18.200.1', b: 10_000 });
    expect(Math.min(...talkers.map((r) => Number(r.b)))).toBe(102);
  });

  it('rolls the 11:00 hour once it has been over 5 minutes', async () => {
    t.clock.advance(4 * MIN);
    expect(await rollUpFlows(t.deps)).toBe(0);
    t.clock.advance(MIN);
    expect(await rollUpFlows(t.deps)).toBe(1);
    const at = Date.UTC(2026, 10, 26, 11);
    const totals = await rows("SELECT bytes FROM flow_totals WHERE grain = 'hour' AND bucket = ? AND probe_id = ?", [at, probe1]);
    const minutes = await count("SELECT sum(bytes) FROM flow_totals WHERE grain = 'minute' AND bucket >= ? AND bucket < ? AND probe_id = ?", [at, at + HOUR, probe1]);
    expect(totals).toEqual([{ bytes: minutes }]);
  });
});

describe('unregistered talkers', () => {
  let day1: number;
  it('an address of a managed subnet heard without a host record is one talker.unregistered, muted nowhere, to the endpoints that want it', async () => {
    day1 = minute(0);
    live.received.splice(0);
    const ack = await send(p1, [
      flows(day1, {
        seen: [
          { ip: '198.18.0.10', subnetId: lab }, // has a host record
          { ip: '198.18.0.20', subnetId: lab },
          { ip: '198.18.1.30', subnetId: office }, // another probe's subnet: a router's flows cross them all
          { ip: '198.18.5.5', subnetId: lab }, // outside the subnet named
          { ip: '198.18.0.255', subnetId: lab }, // its broadcast address
          { ip: '198.18.0.21', subnetId: 99_999 }, // no such subnet
        ],
      }),
    ]);
    expect(ack).toMatchObject({ duplicate: false });
    expect(await rows('SELECT subnet_id AS s, ip, day, probe_id AS p, first_seen_at AS f, last_seen_at AS l FROM unregistered_talkers ORDER BY ip')).toEqual([
      { s: lab, ip: '198.18.0.20', day: Date.UTC(2026, 10, 26), p: probe1, f: day1, l: day1 },
      { s: office, ip: '198.18.1.30', day: Date.UTC(2026, 10, 26), p: probe1, f: day1, l: day1 },
    ]);
    const events = await talkerEvents();
    expect(events.map((e) => [e.subnetId, e.probeId, e.muted])).toEqual([
      [lab, probe1, 0],
      [office, probe1, 0],
    ]);
    expect(JSON.parse(String(events[0]!.body))).toMatchObject({
      type: 'talker.unregistered',
      timestamp: iso(day1),
      data: {
        host: null,
        subnet: { id: lab, cidr: '198.18.0.0/24', name: 'lab' },
        probe: { id: probe1, name: 'router-a' },
        ip: '198.18.0.20',
        firstSeenAt: iso(day1),
        previous: null,
        current: null,
        summary: '198.18.0.20 talks in lab (198.18.0.0/24) but has no host record',
      },
    });
    expect([await deliveriesTo(allEndpoint), await deliveriesTo(officeEndpoint), await deliveriesTo(taggedEndpoint)]).toEqual([2, 1, 0]);
    expect((await live.next('hosts', (d) => d.subnetIds.includes(lab))).subnetIds.sort()).toEqual([lab, office].sort());
  });

  it('the same address later that day, even from another probe, is no second event; its row is heard later', async () => {
    await send(p2, [flows(day1 + MIN, { seen: [{ ip: '198.18.0.20', subnetId: lab }] })]);
    await send(p1, [flows(day1 + 2 * MIN, { seen: [{ ip: '198.18.0.20', subnetId: lab }] })]);
    expect(await talkerEvents()).toHaveLength(2);
    expect(await rows('SELECT probe_id AS p, first_seen_at AS f, last_seen_at AS l FROM unregistered_talkers WHERE ip = ?', ['198.18.0.20'])).toEqual([{ p: probe1, f: day1, l: day1 + 2 * MIN }]);
  });

  it('two probes reporting a new address at once raise one event between them', async () => {
    const at = day1 + 3 * MIN;
    const batch = (p: RawProbe) => send(p, [flows(at, { seen: [{ ip: '198.18.0.40', subnetId: lab }, { ip: '198.18.0.41', subnetId: lab }] })]);
    await Promise.all([batch(p1), batch(p2)]);
    const events = (await talkerEvents()).map((e) => JSON.parse(String(e.body)).data.ip);
    expect(events.filter((ip) => ip === '198.18.0.40')).toHaveLength(1);
    expect(events.filter((ip) => ip === '198.18.0.41')).toHaveLength(1);
  });

  it('a maintenance window over the subnet mutes the event (recorded, not delivered)', async () => {
    const w = await t.call('POST', '/api/maintenance', { name: 'works', kind: 'once', scope: 'subnet', subnetId: office, startsAt: iso(t.clock.now() - MIN), endsAt: iso(t.clock.now() + HOUR) });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    const before = await deliveriesTo(officeEndpoint);
    await send(p1, [flows(day1 + 4 * MIN, { seen: [{ ip: '198.18.1.31', subnetId: office }] })]);
    const muted = (await talkerEvents()).filter((e) => JSON.parse(String(e.body)).data.ip === '198.18.1.31');
    expect(muted.map((e) => e.muted)).toEqual([1]);
    expect(await deliveriesTo(officeEndpoint)).toBe(before);
    expect((await t.call('DELETE', `/api/maintenance/${w.body.id}`)).status).toBe(204);
  });

  it("the subnet's changes panel lists them for its window, not once they have a host record", async () => {
    t.clock.advance(5 * MIN);
    const since = iso(day1 - HOUR);
    const changes = (await t.call('GET', `/api/subnets/${lab}/changes?since=${encodeURIComponent(since)}`)).body;
    expect(changes.unregistered).toEqual([
      { ip: '198.18.0.40', firstSeenAt: iso(day1 + 3 * MIN), lastSeenAt: iso(day1 + 3 * MIN), probeId: expect.any(Number) },
      { ip: '198.18.0.41', firstSeenAt: iso(day1 + 3 * MIN), lastSeenAt: iso(day1 + 3 * MIN), probeId: expect.any(Number) },
      { ip: '198.18.0.20', firstSeenAt: iso(day1), lastSeenAt: iso(day1 + 2 * MIN), probeId: probe1 },
    ]);
    // a probe reports an address at most once an hour: its last report counts for an hour after it
    t.clock.advance(HOUR); // (a since ahead of the clock is refused)
    expect((await t.call('GET', `/api/subnets/${lab}/changes?since=${day1 + 3 * MIN + HOUR}`)).body.unregistered.map((u: { ip: string }) => u.ip)).toEqual(['198.18.0.40', '198.18.0.41']);
    expect((await t.call('GET', `/api/subnets/${lab}/changes?since=${day1 + 3 * MIN + HOUR + 1}`)).body.unregistered).toEqual([]);
    expect((await t.call('POST', '/api/hosts', { ip: '198.18.0.41' })).status).toBe(201);
    const after = (await t.call('GET', `/api/subnets/${lab}/changes?since=${encodeURIComponent(since)}`)).body.unregistered;
    expect(after.map((u: { ip: string }) => u.ip)).toEqual(['198.18.0.40', '198.18.0.20']);
  });

  it('the next UTC day the address is news again', async () => {
    t.clock.advance(DAY);
    const at = (dayTwo = minute(0));
    await send(p1, [flows(at, { seen: [{ ip: '198.18.0.20', subnetId: lab }] })]);
    const twenty = (await talkerEvents()).filter((e) => JSON.parse(String(e.body)).data.ip === '198.18.0.20');
    expect(twenty.map((e) => JSON.parse(String(e.body)).data.firstSeenAt)).toEqual([iso(day1), iso(at)]);
    expect(await count('SELECT count(*) FROM unregistered_talkers WHERE ip = ?', ['198.18.0.20'])).toBe(2);
  });
});

describe('managed subnets in the assignment', () => {
  const dropAssignments = (p: RawProbe) => {
    for (let i = p.received.length - 1; i >= 0; i--) if (p.received[i]!.type === 'assignment') p.received.splice(i, 1);
  };
  const managedOf = (m: ServerMessage) => (m.type === 'assignment' ? m.managed : undefined);

  it('every managed subnet, any probe’s, in id order', async () => {
    const a = await buildAssignment(t.deps, probe1);
    expect(managedOf(a)).toEqual([
      { id: lab, cidr: '198.18.0.0/24' },
      { id: office, cidr: '198.18.1.0/24' },
    ]);
    // its own subnets are still only its own
    expect(a.type === 'assignment' && a.subnets.map((s) => s.id)).toEqual([lab]);
  });

  it('a subnet created or deleted is pushed to every connected probe; another change (a rename too) only to its own', async () => {
    await roundTrip(p1);
    dropAssignments(p1);
    const made = await t.call('POST', '/api/subnets', { cidr: '198.18.2.0/24', name: 'new', probeId: probe2 });
    expect(made.status).toBe(201);
    expect(managedOf(await p1.next('assignment'))?.map((s) => s.cidr)).toEqual(['198.18.0.0/24', '198.18.1.0/24', '198.18.2.0/24']);

    expect((await t.call('PATCH', `/api/subnets/${made.body.id}`, { name: 'renamed' })).status).toBe(200);

    expect((await t.call('PATCH', `/api/subnets/${made.body.id}`, { sweepIntervalSeconds: 120 })).status).toBe(200);
    await roundTrip(p1);
    expect(p1.received.filter((m) => m.type === 'assignment')).toEqual([]);
    dropAssignments(p2);

    expect((await t.call('DELETE', `/api/subnets/${made.body.id}`)).status).toBe(204);
    expect(managedOf(await p1.next('assignment'))?.map((s) => s.id)).toEqual([lab, office]);
    expect(managedOf(await p2.next('assignment'))?.map((s) => s.id)).toEqual([lab, office]);

    expect((await t.call('POST', '/api/import/subnets', 'cidr,name\n198.18.3.0/24,imported\n')).body).toEqual({ created: 1 });
    expect(managedOf(await p1.next('assignment'))?.map((s) => s.cidr)).toEqual(['198.18.0.0/24', '198.18.1.0/24', '198.18.3.0/24']);
  });
});

describe('retention', () => {
  it('drops minute rows after 7 days (never those of an hour waiting for its roll-up), hour rows and unregistered talkers after 400', async () => {
    t.clock.advance(2 * HOUR);
    while (await rollUpFlows(t.deps));
    const minutes = () => count("SELECT count(*) FROM flow_totals WHERE grain = 'minute'");
    const hours = () => count("SELECT count(*) FROM flow_totals WHERE grain = 'hour'");
    const before = { minutes: await minutes(), hours: await hours() };
    expect(before.minutes).toBeGreaterThan(1);
    expect(before.hours).toBeGreaterThan(1);

    // 8 days on, the latest hour is waiting for its roll-up again (a late minute): its minutes stay, the older go
    t.clock.advance(8 * DAY);
    const waiting = dayTwo - (dayTwo % HOUR);
    await t.client.execute({ sql: 'UPDATE flow_hours SET dirty = 1 WHERE bucket = ? AND probe_id = ?', args: [waiting, probe1] });
    await pruneHistory.run(t.deps);
    expect(await rows("SELECT bucket FROM flow_totals WHERE grain = 'minute'")).toEqual([{ bucket: dayTwo }]);
    for (const table of ['flow_talkers', 'flow_conversations', 'flow_ports', 'flow_matrix']) expect(await count(`SELECT count(*) FROM ${table} WHERE grain = 'minute'`)).toBe(0);
    expect(await hours()).toBe(before.hours);
    expect(await rows('SELECT bucket, dirty FROM flow_hours')).toEqual([{ bucket: waiting, dirty: 1 }]);

    // rolled again from the minutes it kept: the same hour rows; then its minutes go too
    const hourRow = () => rows("SELECT bytes, packets, flows FROM flow_totals WHERE grain = 'hour' AND bucket = ? AND probe_id = ?", [waiting, probe1]);
    const rolled = await hourRow();
    expect(rolled).toHaveLength(1);
    expect(await rollUpFlows(t.deps)).toBe(1);
    expect(await hourRow()).toEqual(rolled);
    await pruneHistory.run(t.deps);
    expect(await minutes()).toBe(0);
    expect(await count('SELECT count(*) FROM flow_hours')).toBe(0);
    expect(await hours()).toBe(before.hours);
    expect(await count('SELECT count(*) FROM unregistered_talkers')).toBeGreaterThan(0);

    t.clock.advance(400 * DAY);
    await pruneHistory.run(t.deps);
    for (const table of ['flow_totals', 'flow_talkers', 'flow_conversations', 'flow_ports', 'flow_matrix']) expect(await count(`SELECT count(*) FROM ${table}`)).toBe(0);
    expect(await count('SELECT count(*) FROM unregistered_talkers')).toBe(0);
  });
});
