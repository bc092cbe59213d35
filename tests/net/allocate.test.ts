/**
 * Verified allocation end to end on a real network (issue 15): the Node control plane in its namespace, the real
 * probe (probe/main.ts) in the scanner namespace on a bridged LAN, and `POST /api/subnets/{id}/allocate` checking
 * each candidate live through the probe's `address-check` job before handing it out. On the LAN: a host whose kernel
 * ignores ICMP echo but listens on TCP 22, an address with a PTR name in the dnsmasq the probe uses as its only
 * resolver but nothing there to answer, and a quiet free range. Sweeps are by ping only (SWEEP_ENGINE=ping), so the
 * host dropping echoes and the silent name are unknown to the IPAM until an allocation finds them.
 *
 * Topology (veth pairs between namespaces this suite creates; no namespace has a default route):
 *   cp (control plane) ── scan: probe 198.18.120.1 ── lan bridge ─┬─ h0 198.18.120.2 (drops echo, tcp/22 listens)
 *                                                                 └─ h1 198.18.120.53 (dnsmasq)
 *   198.18.120.3: a PTR record (silent.alloc.test), no host. 198.18.120.4-.14, .17-.18, .129-.254: nothing there.
 * Subnets: A 198.18.120.0/28 (the three cases), B 198.18.120.16/30 (exhausted), C 198.18.120.128/25 (20 at once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../support/app.js';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { allocateAtOnce, connectFrom, dropEchoes, pingsFrom } from './allocate-kit.js';
import { assertIdentityTools, resolveFrom, startDnsmasq, type Dnsmasq } from './identity-kit.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';
import { startListeners } from './port-scan-kit.js';
import { exited, inNamespace, killGroup, startNodeControlPlane, startProbe, type ProbeProc } from './webhook-kit.js';

const PROBE_ADDR = '198.18.120.1';
const NO_ECHO = '198.18.120.2';
const SILENT_NAMED = '198.18.120.3';
const SILENT_NAME = 'silent.alloc.test';
const FIRST_FREE = '198.18.120.4';
const DNS = '198.18.120.53';
const H = { noEcho: 0, dns: 1 } as const;
const CIDR = { a: '198.18.120.0/28', b: '198.18.120.16/30', c: '198.18.120.128/25' } as const;

const CP_ENV = {
  ADMIN_PASSWORD,
  // the server marks a probe offline after three silent heartbeats: 15 s, so a busy moment on 2 cores (the first sweep
  // of the /25 spawns 126 pings) does not end the link; a stopped probe closes its socket and is offline at once
  HEARTBEAT_SECONDS: '5',
  SCAN_COALESCE_SECONDS: '0',
  PING_TIMEOUT_MS: '500',
  ENABLE_NMAP_SCHEDULER: '0',
  // 20 checks at once (ping, 12 TCP ports and a PTR question each) on 2 cores overran the 10 s default once in CI,
  // and 30 s once more; the suite asserts distinct, checked addresses, not the check's speed
  ALLOCATE_VERIFY_TIMEOUT_MS: '60000',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inCidr = (ip: string, cidr: string) => {
  const toN = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const [net, len] = cidr.split('/');
  const size = 2 ** (32 - Number(len));
  return Math.floor(toN(ip) / size) === Math.floor(toN(net!) / size);
};

describe('verified allocation on a real network: a host dropping ICMP, a silent PTR name, a quiet range (Node host)', () => {
  let topo: Topology | undefined;
  let dns: Dnsmasq | undefined;
  let dir: string;
  let cp: Awaited<ReturnType<typeof startNodeControlPlane>> | undefined;
  let api: ReturnType<typeof client>;
  let probe: ProbeProc | undefined;
  let probeId: number;
  const subnets: Record<keyof typeof CIDR, number> = { a: 0, b: 0, c: 0 };
  /** Every address handed out by any case: none twice. */
  const handedOut: string[] = [];

  const probeLog = () => (probe?.log ?? []).map((l) => JSON.stringify(l.line)).slice(-30).join('\n');
  async function until(what: string, check: () => Promise<boolean>, ms: number, everyMs = 250) {
    try {
      await waitFor(what, check, ms, everyMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- probe log:\n${probeLog()}\n--- control plane:\n${cp?.output().slice(-3000) ?? '(not started)'}`);
    }
  }
  const probeRow = async () => (await api('GET', '/api/probes')).body.probes.find((p: any) => p.id === probeId);
  const hostsOf = async (subnetId: number) => (await api('GET', `/api/hosts?subnetId=${subnetId}`)).body.hosts as any[];
  async function allocate(subnetId: number, body: Record<string, unknown>) {
    const r = await api('POST', `/api/subnets/${subnetId}/allocate`, body);
    if (r.status === 201) handedOut.push(...r.body.addresses.map((a: any) => a.ip));
    return r;
  }

  beforeAll(async () => {
    assertNetPrerequisites();
    assertIdentityTools();
    dir = mkdtempSync(join(tmpdir(), 'eipam-allocate-'));
    topo = await createTopology({ hosts: [{ v4: NO_ECHO }, { v4: DNS }], scanV4: `${PROBE_ADDR}/24`, scanV6: 'fd00:120::1/64' });
    const t = topo;
    // after the topology's readiness pings: from now on h0's kernel ignores echo requests
    await dropEchoes(t, t.ns.hosts[H.noEcho]!);
    await startListeners(t, H.noEcho, ['ssh:22']);
    dns = await startDnsmasq(t, t.ns.hosts[H.dns]!, {
      listen: DNS,
      ttlSeconds: 600,
      dir,
      checkFrom: t.ns.scan,
      records: { hosts: [], ptrs: [{ ip: SILENT_NAMED, name: SILENT_NAME }] },
    });
    cp = await startNodeControlPlane(inNamespace(t, t.ns.cp), { dataDir: join(dir, 'server'), reachAt: t.cpAddr, env: CP_ENV });
    api = client(cp.url, await login(cp.url));
    const p = (await api('POST', '/api/probes', { name: 'alloc-probe', site: 'netns' })).body;
    probeId = p.id;
    probe = startProbe(inNamespace(t, t.ns.scan), {
      server: `http://${t.cpAddrFromScan}:8787`,
      token: p.token,
      stateDir: join(dir, 'probe'),
      // its only resolver: the suite's dnsmasq; sweeps by ping only, so h0 (no echo) stays unknown until checked
      env: { DNS_SERVER: DNS, SWEEP_ENGINE: 'ping' },
    });
    await until('the probe connected, announcing address-check', async () => {
      const row = await probeRow();
      return row?.connected === true && (row.kinds ?? []).includes('address-check');
    }, 30_000);
    for (const key of Object.keys(CIDR) as (keyof typeof CIDR)[]) {
      const done = probe.sweepDone(CIDR[key], 30_000);
      const s = await api('POST', '/api/subnets', { cidr: CIDR[key], probeId, sweepIntervalSeconds: 3600 });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      subnets[key] = s.body.id;
      await done;
      // the first sweep of A found the probe itself, and only it
      if (key === 'a') await until(`${PROBE_ADDR} recorded by the first sweep`, async () => (await hostsOf(subnets.a)).some((h) => h.ip === PROBE_ADDR && h.status === 'up'), 15_000);
    }
  }, 180_000);

  afterAll(async () => {
    // each by its id: dnsmasq by its pid, the probe by its process group, then the namespaces by name (destroy()
    // also ends the control plane, the listeners and anything else it spawned)
    await dns?.stop();
    if (probe) {
      killGroup(probe.child, 'SIGTERM');
      await Promise.race([exited(probe.child), sleep(3000)]);
    }
    await topo?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('the test network: no default route anywhere; h0 ignores echo but listens on 22; the silent address has a PTR name and nothing there', async () => {
    const t = topo!;
    for (const ns of [t.ns.scan, t.ns.cp, ...t.ns.hosts]) expect((await t.exec(ns, ['ip', '-4', 'route', 'show', 'default'])).stdout.trim(), ns).toBe('');
    expect(await pingsFrom(t, t.ns.scan, NO_ECHO)).toBe(false);
    expect(await connectFrom(t, t.ns.scan, NO_ECHO, 22)).toBe('open');
    expect(await resolveFrom(t, t.ns.scan, DNS, 'ptr', SILENT_NAMED)).toEqual([SILENT_NAME]);
    expect(await pingsFrom(t, t.ns.scan, SILENT_NAMED)).toBe(false);
    expect(await resolveFrom(t, t.ns.scan, DNS, 'ptr', FIRST_FREE)).toEqual([]);
    // neither is known to the IPAM before an allocation checks them
    expect((await hostsOf(subnets.a)).map((h) => h.ip)).toEqual([PROBE_ADDR]);
  }, 60_000);

  it('skips the host dropping ICMP (tcp/22) and the silent PTR name (ptr), records both, and hands out a truly free address', async () => {
    const r = await allocate(subnets.a, { hostname: 'new-box', description: 'allocated by the net suite', reservedBy: 'net suite' });
    expect(r.status, JSON.stringify(r.body) + probeLog()).toBe(201);
    expect(r.body).toMatchObject({ subnetId: subnets.a, verified: true });
    expect(r.body.addresses).toHaveLength(1);
    const [given] = r.body.addresses;
    expect(given).toMatchObject({ ip: FIRST_FREE, previouslyUsed: null, check: { signs: [] } });
    expect(Date.parse(given.check.at)).toBeGreaterThan(Date.now() - 60_000);

    const skipped = new Map<string, any>(r.body.skipped.map((s: any) => [s.ip, s]));
    expect([...skipped.keys()].sort()).toEqual([NO_ECHO, SILENT_NAMED]);
    const noEcho = skipped.get(NO_ECHO);
    expect(noEcho.signs).toContainEqual({ check: 'tcp', detail: 'tcp/22 open' });
    expect(noEcho.signs.filter((s: any) => s.check === 'icmp')).toEqual([]);
    // nothing answered at the named address: its record is all that shows it in use
    expect(skipped.get(SILENT_NAMED).signs).toEqual([{ check: 'ptr', detail: `PTR ${SILENT_NAME}` }]);

    // recorded as discovered hosts: h0 up (it answered), with its MAC from the neighbour entry; the name unknown, named by PTR
    const h0 = (await api('GET', `/api/hosts/${noEcho.hostId}`)).body;
    expect(h0).toMatchObject({ ip: NO_ECHO, status: 'up', reserved: false });
    expect(h0.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const named = (await api('GET', `/api/hosts/${skipped.get(SILENT_NAMED).hostId}`)).body;
    expect(named).toMatchObject({ ip: SILENT_NAMED, status: 'unknown', hostname: SILENT_NAME, hostnameSource: 'ptr', reserved: false });

    // the address handed out: a reserved host with the request's fields; nothing answers there, nothing names it
    const host = (await api('GET', `/api/hosts/${given.hostId}`)).body;
    expect(host).toMatchObject({ ip: FIRST_FREE, reserved: true, reservedBy: 'net suite', hostname: 'new-box', description: 'allocated by the net suite' });
    expect(host.reservedAt).not.toBeNull();
    const t = topo!;
    expect(await pingsFrom(t, t.ns.scan, FIRST_FREE)).toBe(false);
    expect(await connectFrom(t, t.ns.scan, FIRST_FREE, 22, 1_000)).not.toMatch(/^(open|refused)$/);
    expect(await resolveFrom(t, t.ns.scan, DNS, 'ptr', FIRST_FREE)).toEqual([]);
  }, 60_000);

  it('the next allocation goes on past the first one’s address: the skipped hosts are records now, not checked again', async () => {
    const r = await allocate(subnets.a, { count: 2 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.addresses.map((a: any) => a.ip)).toEqual(['198.18.120.5', '198.18.120.6']);
    expect(r.body.skipped).toEqual([]);
    // what a round checked beyond its need is released, and GET /free shows its last check (.7 was checked with .5 and .6)
    const free = (await api('GET', `/api/subnets/${subnets.a}/free`)).body;
    expect(free.verified?.['198.18.120.7'], JSON.stringify(free)).toMatchObject({ alive: false, signs: [] });
    expect(free.verified?.[FIRST_FREE]).toBeUndefined();
  }, 60_000);

  it('an exhausted /30 answers 409 subnet_full and reserves nothing', async () => {
    const first = await allocate(subnets.b, { count: 2 });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.addresses.map((a: any) => a.ip)).toEqual(['198.18.120.17', '198.18.120.18']);
    const before = (await hostsOf(subnets.b)).length;
    const full = await allocate(subnets.b, {});
    expect(full.status, JSON.stringify(full.body)).toBe(409);
    expect(full.body.error.code).toBe('subnet_full');
    expect((await hostsOf(subnets.b)).length).toBe(before);
  }, 60_000);

  it('20 allocations at once get 20 distinct addresses, each checked and reserved', async () => {
    const answers = await allocateAtOnce(api, subnets.c, 20);
    const refused = answers.filter((a) => a.status !== 201);
    // CI once saw 503 verify_timeout here (no result in 30 s, which a run alone finishes in ~3 s): the probe's and the
    // control plane's logs are kept in the message to find where the time went
    if (refused.length) expect.fail(`${refused.length} of 20 refused: ${JSON.stringify(refused.map((a) => a.body))}\n--- probe log:\n${probeLog()}\n--- control plane:\n${cp?.output().slice(-4000)}`);
    const ips = answers.map((a) => a.body.addresses[0].ip as string);
    handedOut.push(...ips);
    expect(new Set(ips).size).toBe(20);
    for (const ip of ips) expect(inCidr(ip, CIDR.c), ip).toBe(true);
    // nothing else is on the LAN: a sign here is a wrong check (CI saw "tcp/22 open" at an empty address once; what
    // the probe's neighbour table and log said then is kept in the message, to find the cause should it come back)
    const signed = answers.filter((a) => a.body.skipped.length || a.body.addresses[0].check.signs.length);
    if (signed.length) {
      const neigh = (await topo!.exec(topo!.ns.scan, ['ip', '-4', 'neigh', 'show'])).stdout;
      const sockets = (await topo!.exec(topo!.ns.scan, ['ss', '-tan'])).stdout.split('\n').filter((l) => l.includes(':22 ')).slice(0, 40).join('\n');
      expect.fail(`signs at empty addresses: ${JSON.stringify(signed.map((a) => a.body))}\n--- neighbours:\n${neigh}\n--- tcp/22 sockets:\n${sockets}\n--- probe log:\n${probeLog()}`);
    }
    for (const a of answers) expect(a.body).toMatchObject({ verified: true, skipped: [], addresses: [{ check: { signs: [] } }] });
    const reserved = (await hostsOf(subnets.c)).filter((h) => h.reserved);
    expect(reserved.map((h) => h.ip).sort()).toEqual([...ips].sort());
    expect(new Set(handedOut).size).toBe(handedOut.length);
  }, 120_000);

  it('with the probe stopped: 503 probe_offline when verifying; verify:false hands out an address and says it was not verified', async () => {
    killGroup(probe!.child, 'SIGTERM');
    await Promise.race([exited(probe!.child), sleep(5000)]);
    await until('the probe shown offline', async () => (await probeRow())?.connected === false, 15_000);
    const before = (await hostsOf(subnets.a)).length;
    const offline = await allocate(subnets.a, {});
    expect(offline.status, JSON.stringify(offline.body)).toBe(503);
    expect(offline.body.error.code).toBe('probe_offline');
    expect((await hostsOf(subnets.a)).length).toBe(before);

    const unverified = await allocate(subnets.a, { verify: false });
    expect(unverified.status, JSON.stringify(unverified.body)).toBe(201);
    expect(unverified.body).toMatchObject({ verified: false, skipped: [], addresses: [{ ip: '198.18.120.7', check: null }] });
    expect(new Set(handedOut).size).toBe(handedOut.length);
  }, 60_000);
});
