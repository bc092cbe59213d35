/**
 * Who each host is, end to end on a real network (issue 12): the Node control plane in its namespace, the real probe
 * in the scanner namespace sweeping a bridged LAN with nmap, a real dnsmasq inside the LAN answering PTR for
 * 198.18.x.x and fd00:: (the probe is pointed at it with DNS_SERVER and asks nothing else), test hosts whose MACs
 * are set from real IEEE assignments, and a router namespace between the scanner and a far LAN for traceroute.
 * Sweeps are asked for ("scan now") so every step lands between two known sweeps.
 *
 * Topology (all veth pairs between namespaces this suite creates):
 *   scan (probe, 198.18.0.1, fd00:18::1) ─┬─ lan bridge ─ h0..h6 (198.18.0.10-15, dnsmasq on 198.18.0.53)
 *                                         └─ rtr 198.18.0.254 ══ 198.18.1.1 ─ far host 198.18.1.10
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../support/app.js';
import { LiveClient } from '../support/live.js';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { addRoutedLan, assertIdentityTools, resolveFrom, reverseName, setDefaultRoute, setMac, startDnsmasq, writeTraceWitness, type Dnsmasq, type RoutedLan, type TraceWitness } from './identity-kit.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';
import { exited, inNamespace, killGroup, startNodeControlPlane, startProbe, type ProbeProc } from './webhook-kit.js';

const LAN_V4 = '198.18.0.0/24';
const LAN_V6 = 'fd00:18::/64';
const FAR_V4 = '198.18.1.0/24';
/** Probe B's only subnet: no test host lives there (the router answers "unreachable" for it). */
const ELSEWHERE = '198.18.2.0/29';
const GATEWAY = '198.18.0.254';
const FAR_HOST = '198.18.1.10';
const DNS = '198.18.0.53';
/** dnsmasq's TTL: the probe keeps a name at least 300 s (PTR_MIN_TTL_SECONDS), so one pass per probe process here. */
const DNS_TTL = 600;
/**
 * Silent past this → previously used. 0.0003 days ≈ 26 s: the Node host computes it at read time from its own
 * clock, so the suite waits out real time and fakes nothing.
 */
const PREVIOUSLY_USED_DAYS = '0.0003';
const PREVIOUSLY_USED_MS = Number(PREVIOUSLY_USED_DAYS) * 86_400_000;

const VMWARE = 'VMware, Inc.';
/** Test hosts, by role. MACs from real IEEE assignments: 00:0c:29 and 00:50:56 (VMware, MA-L), 00:1b:c5:00:1 (an MA-S
 * block inside the IEEE Registration Authority's 00:1b:c5), b8:27:eb (Raspberry Pi Foundation); 02:… is locally administered. */
const H = {
  vm: { i: 0, v4: '198.18.0.10', v6: 'fd00:18::10', mac: '00:0c:29:1e:00:10', name: 'vm-ten.identity.test' },
  printer: { i: 1, v4: '198.18.0.11', mac: '00:1b:c5:00:1a:11', name: 'printer.identity.test', vendor: 'OpenRB.com, Direct SIA' },
  stale: { i: 2, v4: '198.18.0.12', mac: '02:42:c6:12:00:12', name: 'stale.identity.test', forward: '198.18.0.99' },
  swap: { i: 3, v4: '198.18.0.13', mac: '00:50:56:1e:00:13', newMac: 'b8:27:eb:13:00:13', name: 'swap.identity.test' },
  leaver: { i: 4, v4: '198.18.0.14', mac: '00:0c:29:1e:00:14' },
  newcomer: { i: 5, v4: '198.18.0.15', mac: '00:0c:29:1e:00:15' },
  dns: { i: 6, v4: DNS },
} as const;
const TEST_HOSTS = [H.vm, H.printer, H.stale, H.swap, H.leaver, H.newcomer, H.dns].map((h) => ({ v4: h.v4, ...('v6' in h ? { v6: h.v6 } : {}) }));

const CP_ENV = {
  ADMIN_PASSWORD,
  HEARTBEAT_SECONDS: '1',
  DOWN_AFTER_FAILURES: '2',
  SCAN_COALESCE_SECONDS: '0',
  PING_TIMEOUT_MS: '500',
  ENABLE_NMAP_SCHEDULER: '0',
  PTR_LOOKUP_ENABLED: '1',
  PREVIOUSLY_USED_DAYS,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('host identity on a real network: dnsmasq names, MACs and vendors, device history, traceroute (Node host)', () => {
  let topo: Topology | undefined;
  let routed: RoutedLan | undefined;
  let dns: Dnsmasq | undefined;
  let dir: string;
  let cp: Awaited<ReturnType<typeof startNodeControlPlane>>;
  let api: ReturnType<typeof client>;
  let cookie: string;
  let live: LiveClient | undefined;
  let db: Client | undefined;
  let witness: TraceWitness;
  let probe: ProbeProc;
  let probeB: ProbeProc;
  let probeId: number;
  let probeToken: string;
  let probeBId: number;
  const subnets: Record<string, number> = {};
  const ids: Record<string, number> = {};

  const probeEnv = () => ({
    // the probe's only resolver: the suite's dnsmasq (vitest.config.ts pins every other suite's to 127.0.0.1:9)
    DNS_SERVER: DNS,
    // the trace witness first: every traceroute/mtr the probe starts is logged, then the real one runs
    PATH: `${witness.dir}:${process.env.PATH}`,
    TRACEROUTE_BIN: join(witness.dir, 'traceroute'),
    SWEEP_ENGINE: 'nmap',
  });
  const runProbe = () =>
    (probe = startProbe(inNamespace(topo!, topo!.ns.scan), { server: `http://${topo!.cpAddrFromScan}:8787`, token: probeToken, stateDir: join(dir, 'probe'), env: probeEnv() }));
  const host = async (ip: string) => (await api('GET', `/api/hosts/${ids[ip]}`)).body;
  const rowsOf = async (subnetId: number) => (await api('GET', `/api/subnets/${subnetId}/hosts`)).body.rows.filter((r: any) => r.kind === 'host');
  /** Remembers the host ids of a subnet's rows (new hosts appear as sweeps find them). */
  async function learnIds(subnetId: number) {
    for (const r of await rowsOf(subnetId)) ids[r.ip] = r.id;
  }
  const probeLog = () => (probe?.log ?? []).map((l) => JSON.stringify(l.line)).slice(-30).join('\n');
  /** waitFor, and on a timeout the probe's and the control plane's last lines with the message. */
  async function until(what: string, check: () => Promise<boolean>, ms: number, everyMs = 250) {
    try {
      await waitFor(what, check, ms, everyMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- probe log:\n${probeLog()}\n--- control plane:\n${cp?.output().slice(-3000) ?? '(not started)'}`);
    }
  }

  /** One sweep of `cidr` asked for now; resolves when the probe has finished it (its batch may still be on the way). */
  async function sweepNow(cidr: string) {
    const done = probe.sweepDone(cidr, 30_000);
    const r = await api('POST', `/api/subnets/${subnets[cidr]}/scan`);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await done;
  }

  beforeAll(async () => {
    assertNetPrerequisites();
    assertIdentityTools();
    dir = mkdtempSync(join(tmpdir(), 'eipam-identity-'));
    witness = writeTraceWitness(dir);
    topo = await createTopology({ hosts: TEST_HOSTS });
    const t = topo;
    routed = await addRoutedLan(t, { routerLan: `${GATEWAY}/24`, routerFar: '198.18.1.1/24', farHost: FAR_HOST });
    // The scanner gets a default route via the router (the issue: "the default gateway is the first hop"). Safe: the
    // router's only links are veth pairs to test namespaces, it routes 198.18.0.0/24 and 198.18.1.0/24 and nothing
    // else (its default is "unreachable"), and cp, the other namespace the scanner reaches, does not forward. So a
    // packet to any address outside the test network ends at the router with an ICMP error, never leaves.
    await setDefaultRoute(t.ns.scan, GATEWAY, 'lan0');
    for (const h of [H.vm, H.printer, H.stale, H.swap, H.leaver, H.newcomer]) await setMac(t.ns.hosts[h.i]!, 'eth0', h.mac);
    await t.setHostUp(H.newcomer.i, false); // appears later: "a new address"
    // what the readiness pings left in the scanner's neighbour table names the hosts' random veth MACs: gone
    await t.exec(t.ns.scan, ['ip', 'neigh', 'flush', 'all']);
    dns = await startDnsmasq(t, t.ns.hosts[H.dns.i]!, {
      listen: DNS,
      ttlSeconds: DNS_TTL,
      dir,
      checkFrom: t.ns.scan,
      records: {
        hosts: [
          { name: H.vm.name, addresses: [H.vm.v4, H.vm.v6] },
          { name: H.printer.name, addresses: [H.printer.v4] },
          { name: H.swap.name, addresses: [H.swap.v4] },
          { name: 'gw.identity.test', addresses: [GATEWAY] },
          { name: 'far.identity.test', addresses: [FAR_HOST] },
          // the stale-DNS finding: 198.18.0.12's PTR names a host whose A record is another address
          { name: H.stale.name, addresses: [H.stale.forward] },
        ],
        ptrs: [{ ip: H.stale.v4, name: H.stale.name }],
      },
    });
    cp = await startNodeControlPlane(inNamespace(t, t.ns.cp), { dataDir: join(dir, 'server'), reachAt: t.cpAddr, env: CP_ENV });
    cookie = await login(cp.url);
    api = client(cp.url, cookie);

    const a = (await api('POST', '/api/probes', { name: 'lan-probe', site: 'netns' })).body;
    [probeId, probeToken] = [a.id, a.token];
    const b = (await api('POST', '/api/probes', { name: 'other-probe', site: 'elsewhere' })).body;
    probeBId = b.id;
    runProbe();
    probeB = startProbe(inNamespace(t, t.ns.scan), { server: `http://${t.cpAddrFromScan}:8787`, token: b.token, stateDir: join(dir, 'probe-b'), env: probeEnv() });
    await until('both probes connected', async () => {
      const probes = (await api('GET', '/api/probes')).body.probes;
      return [probeId, probeBId].every((id) => probes.find((p: any) => p.id === id)?.connected === true);
    }, 30_000);
    for (const [cidr, owner] of [[LAN_V4, probeId], [LAN_V6, probeId], [FAR_V4, probeId], [ELSEWHERE, probeBId]] as const) {
      const s = await api('POST', '/api/subnets', { cidr, probeId: owner, sweepIntervalSeconds: 3600 });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      subnets[cidr] = s.body.id;
    }
    // the IPAM knows the v6 address (a /64 is not swept: known hosts and the all-nodes answers are)
    expect((await api('POST', '/api/hosts', { ip: H.vm.v6 })).status).toBe(201);
    live = await LiveClient.open((path, init) => fetch(cp.url + path, init), { cookie });
    // the scanner, the five hosts up, dnsmasq's host and the router
    const lanUp = ['198.18.0.1', H.vm.v4, H.printer.v4, H.stale.v4, H.swap.v4, H.leaver.v4, DNS, GATEWAY];
    await until(`first sweep of ${LAN_V4} applied`, async () => (await rowsOf(subnets[LAN_V4]!)).filter((r: any) => r.status === 'up').length >= lanUp.length, 30_000);
    expect((await rowsOf(subnets[LAN_V4]!)).filter((r: any) => r.status === 'up').map((r: any) => r.ip)).toEqual(lanUp);
    await until(`${FAR_HOST} found beyond the router`, async () => (await rowsOf(subnets[FAR_V4]!)).some((r: any) => r.ip === FAR_HOST && r.status === 'up'), 30_000);
    for (const cidr of [LAN_V4, LAN_V6, FAR_V4]) await learnIds(subnets[cidr]!);
  }, 120_000);

  afterAll(async () => {
    live?.close();
    db?.close();
    // each by its id: dnsmasq by its pid, the probes and the control plane by their process groups, then the
    // namespaces by name (topo.destroy() also ends any process group it spawned that is still there)
    await dns?.stop();
    for (const p of [probe, probeB]) if (p) killGroup(p.child, 'SIGTERM');
    await Promise.all([probe, probeB].filter(Boolean).map((p) => Promise.race([exited(p.child), sleep(3000)])));
    await routed?.destroy();
    await topo?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('the scanner routes through the router only; only the router forwards, and it routes nothing but the test LANs', async () => {
    const t = topo!;
    const r = routed!;
    expect((await t.exec(t.ns.scan, ['ip', '-4', 'route', 'show', 'default'])).stdout.trim()).toBe(`default via ${GATEWAY} dev lan0`);
    expect((await t.exec(t.ns.scan, ['ip', '-6', 'route', 'show', 'default'])).stdout.trim()).toBe('');
    expect((await t.exec(r.ns.router, ['ip', '-4', 'route', 'show', 'default'])).stdout.trim()).toBe('unreachable default');
    const forwarding = async (ns: string) => (await t.exec(ns, ['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim();
    expect(await forwarding(r.ns.router)).toBe('1');
    for (const ns of [t.ns.scan, t.ns.cp, t.ns.lan, r.ns.far]) expect(await forwarding(ns), ns).toBe('0');
    // the router's links: loopback and the two veths into test namespaces
    const links = JSON.parse((await t.exec(r.ns.router, ['ip', '-j', 'link', 'show'])).stdout).map((l: any) => l.ifname).sort();
    expect(links).toEqual(['far0', 'lan0', 'lo']);
    // dnsmasq listens on its test address only (no loopback, no wildcard)
    const sockets = (await t.exec(t.ns.hosts[H.dns.i]!, ['ss', '-H', '-lnu', 'sport = :53'])).stdout.trim().split('\n');
    expect(sockets.map((l) => l.trim().split(/\s+/)[3])).toEqual([`${DNS}:53`]);
  });

  it("hello reports the probe's default gateway and interfaces (GET /api/probes)", async () => {
    const p = (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === probeId);
    expect(p.network?.gateways, `network of ${JSON.stringify(p)}`).toBeDefined();
    expect(p.network.gateways).toEqual([{ family: 4, address: GATEWAY, interface: 'lan0' }]);
    const lan0 = p.network.interfaces.find((i: any) => i.name === 'lan0');
    expect(lan0).toBeDefined();
    expect(lan0.addresses).toEqual(expect.arrayContaining(['198.18.0.1/24', 'fd00:18::1/64']));
    expect(lan0.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const cp0 = p.network.interfaces.find((i: any) => i.name === 'cp0');
    expect(cp0?.addresses).toEqual(expect.arrayContaining(['198.19.0.2/30']));
  });

  it('MACs from the sweep (IPv4) and the neighbour table (IPv6) get their IEEE vendor, longest assignment first; a locally administered MAC is marked, not guessed', async () => {
    expect(await host(H.vm.v4)).toMatchObject({ mac: H.vm.mac, vendor: VMWARE, macRandom: false });
    // MA-S 00:1b:c5:00:1 (36 bits) wins over its MA-L 00:1b:c5, which is the IEEE Registration Authority's
    expect(await host(H.printer.v4)).toMatchObject({ mac: H.printer.mac, vendor: H.printer.vendor, macRandom: false });
    expect(await host(H.stale.v4)).toMatchObject({ mac: H.stale.mac, vendor: null, macRandom: true });
    expect(await host(H.swap.v4)).toMatchObject({ mac: H.swap.mac, vendor: VMWARE, macRandom: false });
    await until(`${H.vm.v6} swept with its MAC`, async () => (await host(H.vm.v6)).mac !== null, 20_000);
    expect(await host(H.vm.v6)).toMatchObject({ status: 'up', mac: H.vm.mac, vendor: VMWARE, macRandom: false });
    // beyond the router the probe sees the router's MAC, never the host's: none is recorded
    expect(await host(FAR_HOST)).toMatchObject({ status: 'up', mac: null, vendor: null });

    const ipsOf = async (query: string) => (await api('GET', `/api/hosts?${query}`)).body.hosts.map((h: any) => h.ip).sort();
    expect(await ipsOf('mac=00-0C-29')).toEqual([H.vm.v4, H.leaver.v4, H.vm.v6].sort());
    expect(await ipsOf(`mac=${H.printer.mac.replace(/:/g, '').toUpperCase()}`)).toEqual([H.printer.v4]);
    expect(await ipsOf('vendor=vmware')).toEqual([H.vm.v4, H.swap.v4, H.leaver.v4, H.vm.v6].sort());
    expect(await ipsOf('q=openrb')).toEqual([H.printer.v4]);
    const bad = await api('GET', '/api/hosts?mac=zz:zz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_mac');
  }, 30_000);

  it('names come from the test dnsmasq (PTR, IPv4 and IPv6), with their source; a PTR whose name resolves elsewhere is reported', async () => {
    await until(`PTR names applied`, async () => (await host(H.vm.v4)).ptrName !== null && (await host(H.stale.v4)).ptrName !== null, 20_000);
    expect(await host(H.vm.v4)).toMatchObject({ hostname: H.vm.name, hostnameSource: 'ptr', ptrName: H.vm.name, ptrForward: { matches: true } });
    expect((await host(H.vm.v4)).ptrForward.addresses).toContain(H.vm.v4);
    expect(await host(H.printer.v4)).toMatchObject({ hostname: H.printer.name, hostnameSource: 'ptr', ptrName: H.printer.name });
    expect(await host(H.stale.v4)).toMatchObject({ ptrName: H.stale.name, ptrForward: { addresses: [H.stale.forward], matches: false } });
    expect(await host(FAR_HOST)).toMatchObject({ hostname: 'far.identity.test', hostnameSource: 'ptr' });
    await until(`${H.vm.v6} named`, async () => (await host(H.vm.v6)).ptrName !== null, 20_000);
    expect(await host(H.vm.v6)).toMatchObject({ hostname: H.vm.name, hostnameSource: 'ptr', ptrForward: { matches: true } });
    // no PTR record: no name, and nothing invented
    expect(await host('198.18.0.1')).toMatchObject({ hostname: null, ptrName: null });

    // the fixture is what it claims: dnsmasq itself says the stale name points elsewhere
    expect(await resolveFrom(topo!, topo!.ns.scan, DNS, 'a', H.stale.name)).toEqual([H.stale.forward]);
    // and the probe asked it: the names above exist nowhere else
    const asked = dns!.queries().filter((q) => q.includes('query[PTR]') && q.includes('from 198.18.0.1'));
    expect(asked.some((q) => q.includes(reverseName(H.vm.v4))), dns!.queries().join('\n')).toBe(true);
  }, 45_000);

  it('the changes API lists a new address and one gone silent; the silent host goes down but is not yet previously used', async () => {
    const since = new Date().toISOString();
    await sleep(50);
    await topo!.exec(topo!.ns.hosts[H.leaver.i]!, ['ip', 'link', 'set', 'eth0', 'down']);
    await topo!.setHostUp(H.newcomer.i, true);
    await sweepNow(LAN_V4);
    await sweepNow(LAN_V4);
    await until(`${H.newcomer.v4} found`, async () => {
      await learnIds(subnets[LAN_V4]!);
      return ids[H.newcomer.v4] !== undefined;
    }, 15_000);
    await until(`${H.leaver.v4} down after two silent sweeps`, async () => (await host(H.leaver.v4)).status === 'down', 15_000);
    const leaver = await host(H.leaver.v4);
    expect(leaver.previouslyUsed).toBe(false); // silent for seconds, not past the threshold
    expect(Date.now() - Date.parse(leaver.lastSeenAt)).toBeLessThan(PREVIOUSLY_USED_MS);

    const changes = (await api('GET', `/api/subnets/${subnets[LAN_V4]}/changes?since=${encodeURIComponent(since)}`)).body;
    expect(changes.newHosts.map((h: any) => h.ip)).toEqual([H.newcomer.v4]);
    expect(changes.newHosts[0]).toMatchObject({ hostId: ids[H.newcomer.v4], mac: H.newcomer.mac, vendor: VMWARE });
    expect(changes.missing.map((h: any) => h.ip)).toEqual([H.leaver.v4]);
    expect(changes.missing[0]).toMatchObject({ hostId: ids[H.leaver.v4], mac: H.leaver.mac, status: 'down' });
    // a time before the suite: every host is new since then
    const all = (await api('GET', `/api/subnets/${subnets[LAN_V4]}/changes?since=${Date.now() - 3_600_000}`)).body;
    expect(all.newHosts.map((h: any) => h.ip)).toEqual(expect.arrayContaining([H.vm.v4, H.printer.v4, H.newcomer.v4]));
  }, 60_000);

  it("changing a host's MAC records exactly one mac.changed event, a live macs event, and a device history with both MACs", async () => {
    const ip = H.swap.v4;
    const mark = live!.log.length;
    await sweepNow(LAN_V4); // a sweep with the old MAC just before the change
    const before = new Date().toISOString();
    await setMac(topo!.ns.hosts[H.swap.i]!, 'eth0', H.swap.newMac);
    for (let i = 0; i < 3; i++) await sweepNow(LAN_V4);
    await until(`${ip} has its new MAC`, async () => (await host(ip)).mac === H.swap.newMac, 15_000);
    expect(await host(ip)).toMatchObject({ mac: H.swap.newMac, vendor: 'Raspberry Pi Foundation', macRandom: false, status: 'up' });

    const alerts = (await api('GET', `/api/alerts?hostId=${ids[ip]}&limit=500`)).body.alerts.map((a: any) => a.event);
    const changed = alerts.filter((e: any) => e.type === 'mac.changed');
    expect(changed, JSON.stringify(alerts)).toHaveLength(1);
    expect(changed[0].data).toMatchObject({
      host: { id: ids[ip], ip },
      previous: H.swap.mac,
      current: H.swap.newMac,
      mac: { previous: { mac: H.swap.mac, vendor: VMWARE, random: false }, current: { mac: H.swap.newMac, vendor: 'Raspberry Pi Foundation', random: false } },
    });
    // no host's first MAC was an event
    const everyChange = (await api('GET', '/api/alerts?limit=500')).body.alerts.filter((a: any) => a.event.type === 'mac.changed');
    expect(everyChange.map((a: any) => a.event.data.host.ip)).toEqual([ip]);

    const macEvents = live!.log.slice(mark).filter((m) => m.event === 'macs').flatMap((m) => m.data.changes.filter((c: any) => c.hostId === ids[ip]));
    expect(macEvents).toHaveLength(1);
    expect(macEvents[0]).toMatchObject({ ip, subnetId: subnets[LAN_V4], from: { mac: H.swap.mac, vendor: VMWARE }, to: { mac: H.swap.newMac, vendor: 'Raspberry Pi Foundation' } });

    const changes = (await api('GET', `/api/subnets/${subnets[LAN_V4]}/changes?since=${encodeURIComponent(before)}`)).body;
    expect(changes.newMacs).toMatchObject([{ hostId: ids[ip], ip, mac: H.swap.newMac, previousMac: H.swap.mac, vendor: 'Raspberry Pi Foundation' }]);
    expect(changes.newHosts).toEqual([]);

    const { devices } = (await api('GET', `/api/hosts/${ids[ip]}/devices`)).body;
    expect(devices.map((d: any) => [d.mac, d.vendor, d.current])).toEqual([
      [H.swap.newMac, 'Raspberry Pi Foundation', true],
      [H.swap.mac, VMWARE, false],
    ]);
    expect(devices[1].hostname).toBe(H.swap.name);
    expect(Date.parse(devices[1].lastSeenAt)).toBeLessThanOrEqual(Date.parse(devices[0].firstSeenAt));
    expect((await api('GET', `/api/hosts/${ids[H.vm.v4]}/devices`)).body.devices).toMatchObject([{ mac: H.vm.mac, vendor: VMWARE, macRandom: false, current: true }]);
  }, 60_000);

  it('a name set by hand survives the next PTR lookup, with the PTR name beside it', async () => {
    const ip = H.printer.v4;
    const patched = await api('PATCH', `/api/hosts/${ids[ip]}`, { hostname: 'reception-printer' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const renamedAt = Date.now();
    expect(patched.body).toMatchObject({ hostname: 'reception-printer', hostnameSource: 'manual' });
    // the probe keeps a name for its TTL (≥ 5 min): a new probe process has no cache and looks every name up again
    killGroup(probe.child, 'SIGTERM');
    await exited(probe.child);
    runProbe();
    await until('probe back', async () => (await api('GET', '/api/probes')).body.probes.find((p: any) => p.id === probeId)?.connected === true, 20_000);
    await sweepNow(LAN_V4);
    await until(`a new PTR lookup of ${ip} applied`, async () => {
      const h = await host(ip);
      return h.ptrCheckedAt !== null && Date.parse(h.ptrCheckedAt) > renamedAt;
    }, 20_000);
    expect(await host(ip)).toMatchObject({ hostname: 'reception-printer', hostnameSource: 'manual', ptrName: H.printer.name });
    // the same pass still names the others from PTR
    expect(await host(H.vm.v4)).toMatchObject({ hostname: H.vm.name, hostnameSource: 'ptr' });
  }, 60_000);

  it('a trace to the host beyond the router: two hops, the default gateway from hello first, kept per host', async () => {
    const started = witness.runs().length;
    const gateway = (await api('GET', '/api/probes')).body.probes.find((p: any) => p.id === probeId).network.gateways[0].address;
    const r = await api('POST', `/api/hosts/${ids[FAR_HOST]}/trace`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({ jobId: expect.any(String), probeId, target: FAR_HOST });
    let got: any;
    await until(`trace of ${FAR_HOST} done`, async () => {
      got = (await api('GET', `/api/hosts/${ids[FAR_HOST]}/trace`)).body;
      return got.trace !== null && got.job?.state === 'done';
    }, 20_000);
    expect(got.job).toMatchObject({ jobId: r.body.jobId, state: 'done', error: null });
    expect(got.trace).toMatchObject({ jobId: r.body.jobId, probeId, target: FAR_HOST, reached: true });
    const hops = got.trace.hops;
    expect(hops.map((h: any) => [h.hop, h.address, h.name, h.loss])).toEqual([
      [1, gateway, 'gw.identity.test', 0],
      [2, FAR_HOST, 'far.identity.test', 0],
    ]);
    expect(gateway).toBe(GATEWAY);
    for (const h of hops) {
      expect(h.rttMs).toHaveLength(3);
      for (const ms of h.rttMs) expect(ms).toBeGreaterThanOrEqual(0);
    }
    const runs = witness.runs().slice(started);
    expect(runs, 'one trace tool start, with the target as its last argument').toHaveLength(1);
    expect(runs[0]!.args.at(-1)).toBe(FAR_HOST);
    expect(runs[0]!.args).toContain('-n');
  }, 40_000);

  it('a trace by a probe whose subnets do not hold the target is refused with a 400; no job is stored and nothing runs', async () => {
    const started = witness.runs().length;
    const ip = H.vm.v4;
    const refused = await api('POST', `/api/hosts/${ids[ip]}/trace`, { probeId: probeBId });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.error.code).toBe('target_outside_probe');
    expect(refused.body.error.message).toContain(ip);
    expect((await api('GET', `/api/hosts/${ids[ip]}/trace`)).body).toEqual({ trace: null, job: null });
    db ??= createClient({ url: `file:${join(dir, 'server', 'edge-ipam.db')}` });
    const jobs = await db.execute("SELECT count(*) AS n FROM jobs WHERE kind = 'traceroute'");
    expect(Number(jobs.rows[0]!.n)).toBe(1); // the far host's trace only
    await sleep(1500); // a job sent by mistake would have started a trace by now
    expect(witness.runs().slice(started)).toEqual([]);
    expect(probeB.log.filter((l) => /trace/i.test(JSON.stringify(l.line)))).toEqual([]);
  }, 20_000);

  it('a host silent past the threshold becomes previously used: shown apart, its address offered as free again', async () => {
    const ip = H.leaver.v4;
    const lastSeen = Date.parse((await host(ip)).lastSeenAt);
    const dueIn = lastSeen + PREVIOUSLY_USED_MS - Date.now();
    await sleep(Math.max(dueIn, 0) + 500);
    // silence is what sweeps see: the hourly subnet is swept now, past the threshold, and that check makes it so
    await sweepNow(LAN_V4);
    await until(`${ip} previously used (checked ${PREVIOUSLY_USED_DAYS} days after ${new Date(lastSeen).toISOString()})`, async () => (await host(ip)).previouslyUsed === true, 15_000, 300);
    expect(Date.now()).toBeGreaterThanOrEqual(lastSeen + PREVIOUSLY_USED_MS);
    expect(await host(ip)).toMatchObject({ status: 'down', previouslyUsed: true, mac: H.leaver.mac });
    expect((await host(H.vm.v4)).previouslyUsed).toBe(false);
    // offered as free again, with the hint that it was used (it keeps its record, so it is not among `addresses`)
    const free = (await api('GET', `/api/subnets/${subnets[LAN_V4]}/free?limit=20`)).body;
    expect(free.reusable, JSON.stringify(free)).toEqual([{ ip, previouslyUsed: { hostId: ids[ip], lastSeenAt: new Date(lastSeen).toISOString(), hostname: null, mac: H.leaver.mac } }]);
    expect((await api('GET', '/api/hosts?previouslyUsed=true')).body.hosts.map((h: any) => h.ip)).toEqual([ip]);
    // its history stays
    expect((await api('GET', `/api/hosts/${ids[ip]}/devices`)).body.devices).toMatchObject([{ mac: H.leaver.mac, vendor: VMWARE }]);
  }, PREVIOUSLY_USED_MS + 40_000);
});
