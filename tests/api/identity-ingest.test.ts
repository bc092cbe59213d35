/**
 * Who each host is, through the probe protocol (RawProbes on the real Node hub) into real libSQL: MACs and vendors
 * from sweeps, the device history, one `mac.changed` per change (alert event, webhook delivery to a real loopback
 * receiver, live `macs` event), PTR names with their source and forward check, the subnet's PTR flag in the
 * assignment, and the network a probe reports in its hello.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAssignment } from '../../worker/probe-link/session.js';
import { runDeliveries } from '../../worker/webhooks/runner.js';
import type { TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { roundTrip, sendResults, startPortRig, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const VMWARE = '00:0c:29:aa:bb:01';
const DELL = '00:14:22:cc:dd:02';
const RANDOM = '12:34:56:78:9a:bc'; // 0x12: locally administered
const NETWORK = {
  gateways: [{ family: 4, address: '198.18.0.1', interface: 'eth0' }],
  interfaces: [{ name: 'eth0', mac: '00:0c:29:00:00:02', addresses: ['198.18.0.2/24'] }],
};

let rig: PortRig;
let t: TestApp;
let probe: RawProbe;
let probeId: number;
let live: LiveClient;
let rx: WebhookReceiver;
let subnetId: number;
let tagged: number;
let otherSubnet: number;
let seq = 0;

const ip = (n: number) => `198.18.0.${n}`;
const iso = (ms: number) => new Date(ms).toISOString();
/** The probe's clock moves on a minute per result, the server's with it. */
const tick = () => (t.clock.advance(60_000), t.clock.now());
type Up = { ip: string; latencyMs: number; mac?: string; vendor?: string | null };
const up = (n: number, mac?: string, vendor?: string | null): Up => ({ ip: ip(n), latencyMs: 0.5, ...(mac ? { mac } : {}), ...(vendor !== undefined ? { vendor } : {}) });
const sweep = (at: number, hosts: Up[], sid = subnetId) => sendResults(probe, `id-${++seq}`, [{ kind: 'sweep', subnetId: sid, at, durationMs: 5, complete: false, up: hosts, down: [] }]);
type Lookup = { ip: string; name: string | null; ttlSeconds?: number; forward?: { addresses: string[]; matches: boolean } | null; error?: string };
const names = (at: number, lookups: Lookup[], sid = subnetId) =>
  sendResults(probe, `id-${++seq}`, [{ kind: 'names', subnetId: sid, at, names: lookups.map((l) => ({ ttlSeconds: 300, forward: null, ...l })) }]);
const host = async (n: number) => {
  const res = await t.call('GET', `/api/hosts?q=${ip(n)}`);
  const h = res.body.hosts.find((x: { ip: string }) => x.ip === ip(n));
  return h && (await t.call('GET', `/api/hosts/${h.id}`)).body;
};
const devices = async (hostId: number) =>
  (await t.client.execute({ sql: 'SELECT mac, vendor, mac_random AS random, hostname, first_seen_at AS first, last_seen_at AS last FROM host_devices WHERE host_id = ? ORDER BY first_seen_at, id', args: [hostId] })).rows.map((r) => ({ ...r }));
const macAlerts = async () => (await t.call('GET', '/api/alerts?limit=500')).body.alerts.filter((a: any) => a.event.type === 'mac.changed');
const deliveryCount = async (endpointId: number) => Number((await t.client.execute({ sql: 'SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?', args: [endpointId] })).rows[0]!.n);
const table = async (name: string) => (await t.client.execute(`SELECT * FROM ${name} ORDER BY 1, 2`)).rows.map((r) => JSON.stringify(r));

let allTypes: number;
let macsOnly: number;
let otherOnly: number;
let tagOnly: number;

beforeAll(async () => {
  rig = await startPortRig({ webhookAllowPrivate: true });
  t = rig.t;
  const p = await rig.enrol('identity');
  probeId = p.id;
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', probeId })).body.id;
  otherSubnet = (await t.call('POST', '/api/subnets', { cidr: '198.18.1.0/24', probeId, ptrLookupEnabled: false })).body.id;
  tagged = (await t.call('POST', '/api/subnets', { cidr: '198.18.2.0/24', probeId })).body.id;
  probe = await rig.connect(p.token, { kinds: ['sweep', 'names'], rawSockets: false, version: '0.4.0', network: NETWORK } as never);
  rx = await new WebhookReceiver().start();
  const endpoint = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', '/api/webhooks', { url: `${rx.url}/hook`, format: 'generic', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    rx.secrets.push(res.body.secret);
    return res.body.id as number;
  };
  allTypes = await endpoint({ name: 'all', eventTypes: ['host.down', 'mac.changed'] });
  macsOnly = await endpoint({ name: 'lab macs', eventTypes: ['mac.changed'], subnetIds: [subnetId] });
  otherOnly = await endpoint({ name: 'other subnet', eventTypes: ['mac.changed'], subnetIds: [otherSubnet] });
  tagOnly = await endpoint({ name: 'tagged', eventTypes: ['mac.changed'], tags: ['watched'] });
  live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
  await live.next('hello');
});
afterAll(async () => {
  live?.close();
  await rx?.close();
  await rig.close();
});

describe('MACs from sweeps', () => {
  let t1: number;
  it('a first MAC is recorded with its vendor, a device row, a live macs event and no alert', async () => {
    t1 = tick();
    const ack = await sweep(t1, [up(10, VMWARE, 'VMware, Inc.'), up(11, RANDOM, 'Should Not Show'), up(12)]);
    expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    const h10 = await host(10);
    expect(h10).toMatchObject({ mac: VMWARE, vendor: 'VMware, Inc.', macRandom: false });
    expect(await host(11)).toMatchObject({ mac: RANDOM, vendor: null, macRandom: true });
    expect(await host(12)).toMatchObject({ mac: null, vendor: null, macRandom: false });
    expect(await devices(h10.id)).toEqual([{ mac: VMWARE, vendor: 'VMware, Inc.', random: 0, hostname: null, first: t1, last: t1 }]);
    const h11 = await host(11);
    expect(await live.next('macs')).toEqual({
      subnetIds: [subnetId],
      changes: [
        { hostId: h10.id, subnetId, ip: ip(10), from: null, to: { mac: VMWARE, vendor: 'VMware, Inc.' }, at: iso(t1) },
        { hostId: h11.id, subnetId, ip: ip(11), from: null, to: { mac: RANDOM, vendor: null }, at: iso(t1) },
      ],
    });
    expect(await macAlerts()).toEqual([]);
  });

  it('the same MAC again, or an answer without one, writes nothing of the device history', async () => {
    const devicesBefore = await table('host_devices');
    const hostMacs = async () => (await t.client.execute('SELECT id, mac, vendor, mac_random FROM hosts ORDER BY id')).rows.map((r) => JSON.stringify(r));
    const macsBefore = await hostMacs();
    const at = tick();
    await sweep(at, [up(10, VMWARE, 'VMware, Inc.'), up(11)]);
    await sweep(tick(), [up(10), up(11, RANDOM, null)]);
    expect(await table('host_devices')).toEqual(devicesBefore);
    expect(await hostMacs()).toEqual(macsBefore);
    expect(await host(10)).toMatchObject({ mac: VMWARE, lastSeenAt: iso(t.clock.now()) });
    expect(await macAlerts()).toEqual([]);
    await roundTrip(probe);
    expect(live.received.filter((m) => m.event === 'macs')).toEqual([]);
  });

  it('a different MAC: one mac.changed (alert, webhooks that want it, live), the old device closed at its last answer', async () => {
    const h10 = await host(10);
    const lastOld = Date.parse(h10.lastSeenAt);
    const at = tick();
    await sweep(at, [up(10, DELL, 'Dell Inc.'), up(11, RANDOM)]);
    expect(await host(10)).toMatchObject({ mac: DELL, vendor: 'Dell Inc.', macRandom: false });
    expect(await devices(h10.id)).toEqual([
      { mac: VMWARE, vendor: 'VMware, Inc.', random: 0, hostname: null, first: t1, last: lastOld },
      { mac: DELL, vendor: 'Dell Inc.', random: 0, hostname: null, first: at, last: at },
    ]);
    const alerts = await macAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0].event).toMatchObject({
      type: 'mac.changed',
      timestamp: iso(at),
      data: {
        host: { id: h10.id, ip: ip(10) },
        subnet: { id: subnetId },
        probe: { id: probeId },
        previous: VMWARE,
        current: DELL,
        mac: { previous: { mac: VMWARE, vendor: 'VMware, Inc.', random: false }, current: { mac: DELL, vendor: 'Dell Inc.', random: false } },
        summary: `${ip(10)}: MAC changed from ${VMWARE} (VMware, Inc.) to ${DELL} (Dell Inc.)`,
      },
    });
    expect(await live.next('macs')).toEqual({
      subnetIds: [subnetId],
      changes: [{ hostId: h10.id, subnetId, ip: ip(10), from: { mac: VMWARE, vendor: 'VMware, Inc.' }, to: { mac: DELL, vendor: 'Dell Inc.' }, at: iso(at) }],
    });
    // the subnet filter and the tag filter apply as to other host events
    expect([await deliveryCount(allTypes), await deliveryCount(macsOnly), await deliveryCount(otherOnly), await deliveryCount(tagOnly)]).toEqual([1, 1, 0, 0]);
    const report = await runDeliveries(t.deps, { budgetMs: 5_000 });
    expect(report).toMatchObject({ delivered: 2 });
    expect(rx.received.map((r) => [r.path, JSON.parse(r.body).type, JSON.parse(r.body).data.host.ip, r.verified])).toEqual([
      ['/hook', 'mac.changed', ip(10), true],
      ['/hook', 'mac.changed', ip(10), true],
    ]);
    expect(new Set(rx.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('a MAC that returns brings its device row back (first seen kept), one event again', async () => {
    const h10 = await host(10);
    const at = tick();
    await sweep(at, [up(10, VMWARE, 'VMware, Inc.')]);
    const rows = await devices(h10.id);
    expect(rows).toEqual([
      { mac: VMWARE, vendor: 'VMware, Inc.', random: 0, hostname: null, first: t1, last: at },
      { mac: DELL, vendor: 'Dell Inc.', random: 0, hostname: null, first: at - 60_000, last: at - 60_000 },
    ]);
    expect((await macAlerts()).map((a: any) => `${a.event.data.previous} > ${a.event.data.current}`)).toEqual([`${DELL} > ${VMWARE}`, `${VMWARE} > ${DELL}`]);
  });

  it('a tagged host in another subnet reaches the tag filter, not the subnet filter', async () => {
    const h = '198.18.2.7';
    await sweep(tick(), [{ ip: h, latencyMs: 1, mac: VMWARE, vendor: 'VMware, Inc.' }], tagged);
    const id = (await t.call('GET', `/api/hosts?q=${h}`)).body.hosts[0].id;
    expect((await t.call('PATCH', `/api/hosts/${id}`, { tags: ['watched'] })).status).toBe(200);
    const before = [await deliveryCount(allTypes), await deliveryCount(macsOnly), await deliveryCount(otherOnly), await deliveryCount(tagOnly)];
    await sweep(tick(), [{ ip: h, latencyMs: 1, mac: RANDOM }], tagged);
    const after = [await deliveryCount(allTypes), await deliveryCount(macsOnly), await deliveryCount(otherOnly), await deliveryCount(tagOnly)];
    expect(after.map((n, i) => n - before[i]!)).toEqual([1, 0, 0, 1]);
  });

  it('a part the probe filled with 1,000 known hosts (its split maximum) records all their MACs: device rows have their own allowance', async () => {
    const big = (await t.call('POST', '/api/subnets', { cidr: '198.18.4.0/22', probeId })).body.id;
    await roundTrip(probe);
    const hosts = Array.from({ length: 1000 }, (_, i) => ({
      ip: `198.18.${4 + Math.floor((i + 1) / 256)}.${(i + 1) % 256}`,
      latencyMs: 1,
      mac: `00:0c:29:00:${Math.floor(i / 256).toString(16).padStart(2, '0')}:${(i % 256).toString(16).padStart(2, '0')}`,
      vendor: 'VMware, Inc.',
    }));
    const withMac = async () => Number((await t.client.execute({ sql: 'SELECT count(*) AS n FROM hosts WHERE subnet_id = ? AND mac IS NOT NULL', args: [big] })).rows[0]!.n);
    const deviceRows = async () => Number((await t.client.execute({ sql: 'SELECT count(*) AS n FROM host_devices d JOIN hosts h ON h.id = d.host_id WHERE h.subnet_id = ?', args: [big] })).rows[0]!.n);
    const ledger = async () => (await t.client.execute({ sql: 'SELECT samples FROM ingest_ledger WHERE batch_id = ?', args: [`id-${seq}`] })).rows[0]!.samples;
    const first = await sweep(tick(), hosts, big);
    expect(first.refused, JSON.stringify(first.refused)).toBeUndefined();
    expect([await withMac(), await deviceRows(), await ledger()]).toEqual([1000, 1000, 1000]);
    // a mass change (every host a new MAC: two device rows each, the old one closed and the new one opened): half
    // fits this batch's allowance, the rest waits for the next sweep, which sees the same news
    const swapped = hosts.map((h, i) => ({ ...h, mac: `00:0c:29:01:${Math.floor(i / 256).toString(16).padStart(2, '0')}:${(i % 256).toString(16).padStart(2, '0')}` }));
    const changed = async () => Number((await t.client.execute({ sql: "SELECT count(*) AS n FROM hosts WHERE subnet_id = ? AND mac LIKE '00:0c:29:01:%'", args: [big] })).rows[0]!.n);
    expect((await sweep(tick(), swapped, big)).refused).toBeUndefined();
    expect([await changed(), await deviceRows()]).toEqual([500, 1500]);
    expect((await sweep(tick(), swapped, big)).refused).toBeUndefined();
    expect([await changed(), await deviceRows()]).toEqual([1000, 2000]);
  });
});

describe('PTR names', () => {
  it('a PTR name becomes the hostname (source ptr) with its forward check; the current device row follows', async () => {
    const mark = live.log.length;
    const at = tick();
    const ack = await names(at, [
      { ip: ip(10), name: 'VM-10.Lab.Example.', forward: { addresses: [ip(10)], matches: true } },
      { ip: ip(12), name: 'stale.lab.example', forward: { addresses: ['198.18.0.99'], matches: false } },
      { ip: ip(99), name: 'nobody.lab.example' },
      { ip: '198.18.3.1', name: 'elsewhere.lab.example' },
    ]);
    expect(ack).toMatchObject({ duplicate: false, rejectedSubnets: [] });
    expect(ack.rejectedResults).toBeUndefined();
    const h10 = await host(10);
    expect(h10).toMatchObject({ hostname: 'vm-10.lab.example', hostnameSource: 'ptr', ptrName: 'vm-10.lab.example', ptrCheckedAt: iso(at), ptrForward: { addresses: [ip(10)], matches: true } });
    expect(await host(12)).toMatchObject({ hostname: 'stale.lab.example', hostnameSource: 'ptr', ptrForward: { addresses: ['198.18.0.99'], matches: false } });
    expect(await host(99)).toBeUndefined(); // a lookup creates no host
    const current = (await devices(h10.id)).find((d) => d.mac === VMWARE);
    expect(current).toMatchObject({ hostname: 'vm-10.lab.example' });
    expect((await devices(h10.id)).find((d) => d.mac === DELL)).toMatchObject({ hostname: null });
    const told = () => live.log.slice(mark).filter((m) => m.event === 'hosts');
    await waitFor('the names batch on the live feed', () => told().length > 0, 2_000, 10);
    expect(told().map((m) => m.data)).toEqual([{ subnetIds: [subnetId], changes: [] }]);
  });

  it('a name set by hand always wins; the PTR name is kept beside it', async () => {
    const h = await host(10);
    expect((await t.call('PATCH', `/api/hosts/${h.id}`, { hostname: 'build-server' })).status).toBe(200);
    const at = tick();
    await names(at, [{ ip: ip(10), name: 'vm-10-new.lab.example', forward: { addresses: [ip(10)], matches: true } }]);
    expect(await host(10)).toMatchObject({ hostname: 'build-server', hostnameSource: 'manual', ptrName: 'vm-10-new.lab.example', ptrCheckedAt: iso(at) });
    await names(tick(), [{ ip: ip(10), name: null }]);
    expect(await host(10)).toMatchObject({ hostname: 'build-server', hostnameSource: 'manual', ptrName: null, ptrForward: null });
  });

  it('device history names: a rename names the current device; a device replacing another starts without the old one\'s name', async () => {
    const h = await host(10);
    expect((await t.call('PATCH', `/api/hosts/${h.id}`, { hostname: 'alice-laptop' })).status).toBe(200);
    const byMac = async () => Object.fromEntries((await devices(h.id)).map((d) => [d.mac, d.hostname]));
    expect((await byMac())[h.mac]).toBe('alice-laptop');
    const BOB = '00:0c:29:bb:00:10';
    await sweep(tick(), [up(10, BOB, 'VMware, Inc.')]);
    const named = await byMac();
    // the leaving device keeps the name it had; Bob's phone is not "alice-laptop"
    expect([named[h.mac], named[BOB]]).toEqual(['alice-laptop', null]);
    expect((await t.call('PATCH', `/api/hosts/${h.id}`, { hostname: 'bob-phone' })).status).toBe(200);
    expect(await byMac()).toMatchObject({ [h.mac]: 'alice-laptop', [BOB]: 'bob-phone' });
  });

  it('a failed lookup keeps the name and changes only when it was checked; no PTR record clears a PTR-given name', async () => {
    const before = await host(12);
    const at = tick();
    await names(at, [{ ip: ip(12), name: null, error: 'SERVFAIL' }]);
    expect(await host(12)).toEqual({ ...before, ptrCheckedAt: iso(at) });
    const later = tick();
    await names(later, [{ ip: ip(12), name: null }]);
    expect(await host(12)).toMatchObject({ hostname: null, hostnameSource: null, ptrName: null, ptrForward: null, ptrCheckedAt: iso(later) });
  });

  it('names too old, from the future or older than the stored lookup are refused like other kinds', async () => {
    const now = tick();
    const old = await names(now - 8 * 86_400_000, [{ ip: ip(10), name: 'x.lab' }]);
    const future = await names(now + 3_600_000, [{ ip: ip(10), name: 'x.lab' }]);
    const stale = await names(now - 10 * 60_000, [{ ip: ip(10), name: 'x.lab' }]);
    expect([old, future, stale].map((a) => a.rejectedResults)).toEqual([
      [{ kind: 'names', subnetId, at: now - 8 * 86_400_000, reason: 'too_old' }],
      [{ kind: 'names', subnetId, at: now + 3_600_000, reason: 'in_future' }],
      [{ kind: 'names', subnetId, at: now - 10 * 60_000, reason: 'stale' }],
    ]);
    expect((await host(10)).ptrName).toBeNull();
  });
});

describe('the probe side', () => {
  it('an assigned subnet says ptr: false where lookups are off (its own setting, else PTR_LOOKUP_ENABLED); a change pushes a new assignment', async () => {
    const view = (await t.call('GET', `/api/subnets/${otherSubnet}`)).body;
    expect(view).toMatchObject({ ptrLookupEnabled: false, ptrLookup: false });
    expect((await t.call('GET', `/api/subnets/${subnetId}`)).body).toMatchObject({ ptrLookupEnabled: null, ptrLookup: true });
    // earlier writes (new subnets) sent assignments of their own: only the next one counts
    await roundTrip(probe);
    probe.received.splice(0);
    const res = await t.call('PATCH', `/api/subnets/${subnetId}`, { ptrLookupEnabled: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ptrLookupEnabled: false, ptrLookup: false });
    const assignment = await probe.next('assignment');
    // absent: on (as for probes before 0.4)
    const ptrOf = (a: any) => Object.fromEntries(a.subnets.map((s: any) => [s.id, 'ptr' in s ? s.ptr : 'absent']));
    expect(ptrOf(assignment)).toMatchObject({ [subnetId]: false, [otherSubnet]: false, [tagged]: 'absent' });
    await t.call('PATCH', `/api/subnets/${subnetId}`, { ptrLookupEnabled: null });
    expect(ptrOf(await probe.next('assignment'))).toMatchObject({ [subnetId]: 'absent', [otherSubnet]: false });
    expect((await t.call('PATCH', `/api/subnets/${subnetId}`, { ptrLookupEnabled: 'yes' })).status).toBe(400);
  });

  it('the server default decides where the subnet leaves it open', async () => {
    const off = await startPortRig({ ptrLookupEnabled: false });
    try {
      const p = await off.enrol('quiet');
      const own = (await off.t.call('POST', '/api/subnets', { cidr: '198.18.8.0/24', probeId: p.id, ptrLookupEnabled: true })).body.id;
      const open = (await off.t.call('POST', '/api/subnets', { cidr: '198.18.9.0/24', probeId: p.id })).body.id;
      await off.connect(p.token, { kinds: ['sweep'], version: '0.4.0' });
      const probes = (await off.t.call('GET', '/api/probes')).body.probes;
      expect(probes[0].network).toBeNull();
      const sub = (await off.t.call('GET', `/api/subnets/${open}`)).body;
      expect(sub).toMatchObject({ ptrLookupEnabled: null, ptrLookup: false });
      // the assignment a probe gets on connecting
      const a = (await buildAssignment(off.t.deps, p.id)) as any;
      expect(Object.fromEntries(a.subnets.map((s: any) => [s.id, 'ptr' in s ? s.ptr : 'absent']))).toEqual({ [own]: 'absent', [open]: false });
    } finally {
      await off.close();
    }
  });

  it('the network a probe reports in hello is stored and shown in GET /api/probes', async () => {
    const probes = (await t.call('GET', '/api/probes')).body.probes;
    expect(probes.find((p: any) => p.id === probeId).network).toEqual(NETWORK);
    // a later hello without it (an older probe) clears it
    probe.send({ type: 'hello', version: '0.3.0', protocol: 1, kinds: ['sweep'] });
    await roundTrip(probe);
    expect((await t.call('GET', '/api/probes')).body.probes.find((p: any) => p.id === probeId).network).toBeNull();
    probe.send({ type: 'hello', version: '0.4.0', protocol: 1, kinds: ['sweep', 'names'], network: NETWORK });
    await roundTrip(probe);
    expect((await t.call('GET', '/api/probes')).body.probes.find((p: any) => p.id === probeId).network).toEqual(NETWORK);
  });
});
