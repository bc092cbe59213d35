/**
 * Port-scan results through the probe protocol (a RawProbe on the real Node hub) into real libSQL, read back
 * through the API and the live feed: opened / closed / changed, stale ports of hosts that went quiet, the
 * exactly-once ledger and the per-batch bound shared with sweeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_SAMPLES } from '../../schema/protocol.js';
import type { TestApp } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { allCounts, port, roundTrip, scanItem, scanned, sendResults, startPortRig, sweepItem, type PortRig } from '../support/port-rig.js';
import type { RawProbe } from '../support/server.js';

let rig: PortRig;
let t: TestApp;
let probe: RawProbe;
let live: LiveClient;
let subnetId: number;
let otherSubnet: number;
let foreignSubnet: number;
const ids: Record<string, number> = {};

const ip = (n: number) => `198.18.0.${n}`;
const iso = (ms: number) => new Date(ms).toISOString();
let seq = 0;
const nextBatch = () => `pi-${++seq}`;
/** The probe's clock moves on a minute per result, the server's with it. */
const tick = () => (t.clock.advance(60_000), t.clock.now());
const scan = (at: number, hosts: ReturnType<typeof scanned>[], extra?: Record<string, unknown>) => sendResults(probe, nextBatch(), [scanItem(subnetId, at, hosts, extra)]);
const sweep = (at: number, up: number[]) => sendResults(probe, nextBatch(), [sweepItem(subnetId, at, up.map(ip))]);
const portsOf = async (n: number | string) => (await t.call('GET', `/api/hosts/${ids[typeof n === 'number' ? ip(n) : n]}/ports`)).body;
const open = (body: any) => body.ports.map((p: any) => `${p.port}/${p.protocol} ${p.service} ${p.product} ${p.version}`);
const history = (body: any) => body.history.map((e: any) => `${e.change} ${e.port}/${e.protocol}`);
const cleanAck = (batchId: string) => ({ type: 'ack', batchId, duplicate: false, rejectedSubnets: [] });

beforeAll(async () => {
  rig = await startPortRig({ downAfterFailures: 2 });
  t = rig.t;
  const p = await rig.enrol('scanner');
  const other = await rig.enrol('other');
  subnetId = (await t.call('POST', '/api/subnets', { cidr: '198.18.0.0/24', probeId: p.id })).body.id;
  otherSubnet = (await t.call('POST', '/api/subnets', { cidr: '198.18.1.0/24', probeId: p.id })).body.id;
  foreignSubnet = (await t.call('POST', '/api/subnets', { cidr: '198.18.2.0/24', probeId: other.id })).body.id;
  await t.call('POST', '/api/hosts', { ip: '198.18.2.9' });
  probe = await rig.connect(p.token, { kinds: ['sweep', 'port_scan'], rawSockets: false });
  await sendResults(probe, nextBatch(), [sweepItem(subnetId, t.clock.now(), [10, 11, 12, 13, 14].map(ip)), sweepItem(otherSubnet, t.clock.now(), ['198.18.1.5'])]);
  for (const h of (await t.call('GET', '/api/hosts?limit=500')).body.hosts) ids[h.ip] = h.id;
  live = await LiveClient.open((path, init) => t.app.request(path, init), { cookie: t.cookie });
  await live.next('hello');
});
afterAll(async () => {
  live.close();
  await rig.close();
});

describe('port-scan results', () => {
  it('a first scan opens ports, with an event each, on the live feed too', async () => {
    const at = tick();
    const batchId = `pi-${seq + 1}`;
    const ack = await scan(at, [
      scanned(ip(10), ['22/tcp/ssh/OpenSSH/9.2p1', '80/tcp/http/nginx/1.24.0']),
      scanned(ip(11), [port('53/udp/domain', 'open|filtered')]),
      scanned(ip(12), []),
    ]);
    expect(ack).toEqual(cleanAck(batchId));
    const p10 = await portsOf(10);
    expect(p10).toMatchObject({ hostId: ids[ip(10)], stale: false, scannedAt: iso(at), job: null });
    expect(p10.ports).toEqual([
      { port: 22, protocol: 'tcp', state: 'open', service: 'ssh', product: 'OpenSSH', version: '9.2p1', firstSeenAt: iso(at), lastSeenAt: iso(at) },
      { port: 80, protocol: 'tcp', state: 'open', service: 'http', product: 'nginx', version: '1.24.0', firstSeenAt: iso(at), lastSeenAt: iso(at) },
    ]);
    expect(p10.history).toMatchObject([
      { kind: 'port', change: 'opened', port: 80, protocol: 'tcp', service: 'http', product: 'nginx', version: '1.24.0', previous: null, at: iso(at) },
      { kind: 'port', change: 'opened', port: 22, protocol: 'tcp', service: 'ssh', previous: null },
    ]);
    expect((await portsOf(11)).ports).toMatchObject([{ port: 53, protocol: 'udp', state: 'open|filtered', service: 'domain', product: null }]);
    expect(await portsOf(12)).toMatchObject({ ports: [], history: [], scannedAt: iso(at) });
    const change = (n: number, p: number, protocol: string, service: string) => ({ hostId: ids[ip(n)], subnetId, ip: ip(n), change: 'opened', port: p, protocol, service, at: iso(at) });
    expect(await live.next('ports')).toEqual({
      subnetIds: [subnetId],
      hostIds: [10, 11, 12].map((n) => ids[ip(n)]),
      changes: [change(10, 22, 'tcp', 'ssh'), change(10, 80, 'tcp', 'http'), change(11, 53, 'udp', 'domain')],
    });
  });

  it('the same ports again: no events, last seen moves on, first seen stays', async () => {
    const first = (await portsOf(10)).ports[0].firstSeenAt;
    const events = (await allCounts(t)).port_events;
    const at = tick();
    await scan(at, [scanned(ip(10), ['22/tcp/ssh/OpenSSH/9.2p1', '80/tcp/http/nginx/1.24.0'])]);
    const p10 = await portsOf(10);
    expect(p10.ports.map((p: any) => [p.firstSeenAt, p.lastSeenAt])).toEqual([
      [first, iso(at)],
      [first, iso(at)],
    ]);
    expect((await allCounts(t)).port_events).toBe(events);
    expect(await live.next('ports')).toEqual({ subnetIds: [subnetId], hostIds: [ids[ip(10)]], changes: [] });
  });

  it('a port no longer found is closed (one event); a new version is a change with the one before', async () => {
    await scan(tick(), [scanned(ip(10), ['22/tcp/ssh/OpenSSH/9.2p1'])]);
    expect(open(await portsOf(10))).toEqual(['22/tcp ssh OpenSSH 9.2p1']);
    expect(history(await portsOf(10))).toEqual(['closed 80/tcp', 'opened 80/tcp', 'opened 22/tcp']);
    expect((await live.next('ports')).changes).toMatchObject([{ change: 'closed', port: 80, service: 'http' }]);

    await scan(tick(), [scanned(ip(10), ['22/tcp/ssh/OpenSSH/9.6p1'])]);
    const p10 = await portsOf(10);
    expect(open(p10)).toEqual(['22/tcp ssh OpenSSH 9.6p1']);
    expect(p10.history[0]).toMatchObject({ change: 'changed', port: 22, service: 'ssh', product: 'OpenSSH', version: '9.6p1', previous: { service: 'ssh', product: 'OpenSSH', version: '9.2p1' } });
    expect(history(p10)).toHaveLength(4);
    expect((await live.next('ports')).changes).toMatchObject([{ change: 'changed', port: 22 }]);
  });

  it('a host that is down, or a scan nothing answered, closes nothing: the ports are kept and shown stale', async () => {
    await sweep(tick(), [10, 12, 13, 14]);
    await sweep(tick(), [10, 12, 13, 14]);
    expect((await t.call('GET', `/api/hosts/${ids[ip(11)]}`)).body.status).toBe('down');
    const before = (await allCounts(t)).port_events;
    await scan(tick(), [scanned(ip(11), [], true), scanned(ip(10), [], false)]);
    await live.next('ports');
    expect((await allCounts(t)).port_events).toBe(before);
    expect(await portsOf(11)).toMatchObject({ stale: true, ports: [{ port: 53, protocol: 'udp' }] });
    expect(await portsOf(10)).toMatchObject({ stale: true, ports: [{ port: 22, version: '9.6p1' }] });
    // the next scan that hears the host confirms its ports again
    await scan(tick(), [scanned(ip(10), ['22/tcp/ssh/OpenSSH/9.6p1'])]);
    await live.next('ports');
    expect(await portsOf(10)).toMatchObject({ stale: false, ports: [{ port: 22 }] });
  });

  it('a result older than the stored scan is not applied, and the ack says so', async () => {
    const stored = await portsOf(10);
    const at = Date.parse(stored.scannedAt) - 30_000;
    const counts = await allCounts(t);
    const ack = await scan(at, [scanned(ip(10), ['443/tcp/https'])]);
    expect(ack.rejectedResults).toEqual([{ kind: 'port_scan', subnetId, at, reason: 'stale' }]);
    expect(await portsOf(10)).toEqual(stored);
    const after = await allCounts(t);
    expect({ ...after, ingest_ledger: counts.ingest_ledger }).toEqual(counts);
    // nothing was announced for it: the next ports event is the next applied scan's
    await scan(tick(), [scanned(ip(12), ['22/tcp/ssh/OpenSSH/9.2p1'])]);
    expect((await live.next('ports')).hostIds).toEqual([ids[ip(12)]]);
  });

  it('closes only ports among those scanned (scaninfo per protocol)', async () => {
    await scan(tick(), [scanned(ip(13), ['22/tcp/ssh', '8080/tcp/http-proxy', '161/udp/snmp'])]);
    await scan(tick(), [scanned(ip(13), [])], { scannedPorts: { tcp: '1-1024' } });
    expect(open(await portsOf(13))).toEqual(['8080/tcp http-proxy null null', '161/udp snmp null null']);
    await scan(tick(), [scanned(ip(13), [])], { scannedPorts: { udp: '7,100-200' } });
    expect(open(await portsOf(13))).toEqual(['8080/tcp http-proxy null null']);
    expect(history(await portsOf(13))).toEqual(['closed 161/udp', 'closed 22/tcp', 'opened 161/udp', 'opened 8080/tcp', 'opened 22/tcp']);
    for (let i = 0; i < 3; i++) await live.next('ports');
  });

  it('ignores hosts outside the subnet, addresses without a host record, and results of another probe’s subnet', async () => {
    const counts = await allCounts(t);
    const at = tick();
    const batchId = `pi-${seq + 1}`;
    const ack = await sendResults(probe, nextBatch(), [
      scanItem(subnetId, at, [scanned('198.18.1.5', ['22/tcp/ssh']), scanned(ip(200), ['22/tcp/ssh']), scanned('198.18.0.0', ['22/tcp/ssh'])]),
      scanItem(foreignSubnet, at, [scanned('198.18.2.9', ['22/tcp/ssh'])]),
    ]);
    expect(ack).toEqual({ ...cleanAck(batchId), rejectedSubnets: [foreignSubnet] });
    expect({ ...(await allCounts(t)), ingest_ledger: counts.ingest_ledger }).toEqual(counts);
    expect((await portsOf('198.18.1.5')).ports).toEqual([]);
    expect((await t.call('GET', `/api/hosts?q=198.18.0.200`)).body.total).toBe(0);
  });

  it('a batch sent again under the same id is applied once', async () => {
    const frame = [scanItem(subnetId, tick(), [scanned(ip(14), ['443/tcp/https'])])];
    expect((await sendResults(probe, 'dup-1', frame)).duplicate).toBe(false);
    const counts = await allCounts(t);
    expect(await sendResults(probe, 'dup-1', frame)).toEqual({ ...cleanAck('dup-1'), duplicate: true });
    expect(await allCounts(t)).toEqual(counts);
    expect(history(await portsOf(14))).toEqual(['opened 443/tcp']);
    await live.next('ports');
  });

  it(`refuses a port scan that would write more than ${MAX_FRAME_SAMPLES} rows, writing nothing`, async () => {
    const many = (from: number) => Array.from({ length: 501 }, (_, i) => port(`${from + i}/tcp/x`));
    const frame = [scanItem(subnetId, tick(), [scanned(ip(10), many(2000)), scanned(ip(12), many(3000))])];
    const counts = await allCounts(t);
    for (let i = 0; i < 2; i++) {
      const ack = await sendResults(probe, 'big-1', frame);
      expect(ack).toMatchObject({ duplicate: false, refused: { code: 'too_many_samples' } });
      expect(await allCounts(t)).toEqual(counts);
    }
  });

  it('a batch of a sweep and a port scan applies both in one write with one ledger row', async () => {
    const counts = await allCounts(t);
    const at = tick();
    const frame = [sweepItem(subnetId, at, [10, 11, 12, 13, 14].map(ip)), scanItem(subnetId, at, [scanned(ip(14), ['443/tcp/https', '8443/tcp/https-alt'])])];
    expect(await sendResults(probe, 'mixed-1', frame)).toEqual(cleanAck('mixed-1'));
    const after = await allCounts(t);
    expect([after.ingest_ledger - counts.ingest_ledger, after.host_samples - counts.host_samples, after.port_events - counts.port_events]).toEqual([1, 5, 1]);
    expect((await t.call('GET', `/api/hosts/${ids[ip(11)]}`)).body.status).toBe('up');
    expect(open(await portsOf(14))).toEqual(['443/tcp https null null', '8443/tcp https-alt null null']);
    expect((await live.next('hosts', (d) => d.changes.some((c) => c.to === 'up'))).changes).toMatchObject([{ ip: ip(11), from: 'down', to: 'up' }]);
    expect((await live.next('ports')).changes).toMatchObject([{ change: 'opened', port: 8443 }]);
    expect((await sendResults(probe, 'mixed-1', frame)).duplicate).toBe(true);
    expect(await allCounts(t)).toEqual(after);
  });
});

describe('reading ports', () => {
  it('services with how many hosts have each', async () => {
    const { services } = (await t.call('GET', '/api/services')).body;
    expect(services[0]).toEqual({ service: 'ssh', hosts: 2, ports: [{ port: 22, protocol: 'tcp', hosts: 2, up: 2 }] });
    expect(services.find((s: any) => s.service === 'domain')).toEqual({ service: 'domain', hosts: 1, ports: [{ port: 53, protocol: 'udp', hosts: 1, up: 1 }] });
    expect(services.map((s: any) => s.service).sort()).toEqual(['domain', 'http-proxy', 'https', 'https-alt', 'ssh']);
  });

  it.each([
    ['service=ssh', [10, 12]],
    ['service=SSH', []],
    ['port=22/tcp', [10, 12]],
    ['port=22', [10, 12]],
    ['port=53/udp', [11]],
    ['port=53/tcp', []],
    ['service=https&port=8443/tcp', [14]],
    [`service=ssh&subnetId=${999}`, []],
  ])('GET /api/hosts?%s', async (query, expected) => {
    const res = await t.call('GET', `/api/hosts?${query}`);
    expect([res.body.total, res.body.hosts.map((h: any) => h.ip)]).toEqual([expected.length, expected.map(ip)]);
  });

  it('host lists carry port chips; a bad port filter is a 400', async () => {
    const h10 = (await t.call('GET', '/api/hosts?port=22/tcp')).body.hosts[0];
    expect(h10.ports).toEqual([{ port: 22, protocol: 'tcp', service: 'ssh' }]);
    for (const bad of ['port=ssh', 'port=22/icmp', 'service=']) expect((await t.call('GET', `/api/hosts?${bad}`)).body.error.code).toBe('invalid_request');
  });

  it('the subnet table has each host’s ports', async () => {
    const { ports } = (await t.call('GET', `/api/subnets/${subnetId}/table`)).body;
    expect(ports).toEqual({
      [ids[ip(10)]!]: [[22, 'tcp', 'ssh']],
      [ids[ip(11)]!]: [[53, 'udp', 'domain']],
      [ids[ip(12)]!]: [[22, 'tcp', 'ssh']],
      [ids[ip(13)]!]: [[8080, 'tcp', 'http-proxy']],
      [ids[ip(14)]!]: [
        [443, 'tcp', 'https'],
        [8443, 'tcp', 'https-alt'],
      ],
    });
  });

  it('events merge state changes and port changes, newest first', async () => {
    const of11 = (await t.call('GET', `/api/hosts/${ids[ip(11)]}/events`)).body.events;
    expect(of11.map((e: any) => (e.kind === 'status' ? `${e.from}>${e.to}` : `${e.change} ${e.port}`))).toEqual(['down>up', 'up>down', 'opened 53', 'unknown>up']);
    const all = (await t.call('GET', '/api/events?limit=1000')).body.events;
    expect(all.map((e: any) => e.at)).toEqual([...all.map((e: any) => e.at)].sort().reverse());
    expect(new Set(all.map((e: any) => e.kind))).toEqual(new Set(['status', 'port']));
    expect(all.find((e: any) => e.kind === 'port' && e.port === 8443)).toMatchObject({ hostId: ids[ip(14)], ip: ip(14), change: 'opened' });
    expect((await t.call('GET', '/api/events?limit=2')).body.events).toEqual(all.slice(0, 2));
    expect((await t.call('GET', '/api/hosts/99999/ports')).status).toBe(404);
  });

  it('the probe list shows what the probe announced in hello', async () => {
    const probes = (await t.call('GET', '/api/probes')).body.probes;
    expect(probes.find((p: any) => p.name === 'scanner')).toMatchObject({ connected: true, version: '0.3.0', kinds: ['sweep', 'port_scan'], rawSockets: false });
    expect(probes.find((p: any) => p.name === 'other')).toMatchObject({ connected: false, version: null, kinds: null, rawSockets: null });
  });
});

it('nothing the probe was sent went unread', async () => {
  await roundTrip(probe);
  expect(probe.received.filter((m) => m.type !== 'assignment')).toEqual([]);
});
