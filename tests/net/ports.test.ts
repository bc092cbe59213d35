/**
 * Port scans end to end on a real network (issue 10): the control plane in its namespace, the real probe in the
 * scanner namespace, the real nmap against test hosts that listen on real TCP ports. NMAP_BIN points the probe
 * at a wrapper that logs each start and then execs nmap, so the suite sees exactly how many nmap processes ran
 * and with which arguments, and proves that refused work started none. That the probe refuses on its own what a
 * server should never send is probe-refusals.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../support/app.js';
import { startEdgeServer } from '../support/edge.js';
import { client, HOSTS as CONTROL_PLANE_HOSTS, login, type HostName } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';
import { PROBE_ARGS, sleep, startListeners, startProbe, TSX, writeNmapWrapper, type NmapWitness } from './port-scan-kit.js';

const COOLDOWN_SECONDS = 8;

/** Subnet A (198.18.0.8/29): scanned on request only. Subnet B (198.18.0.40/29): left to the scheduler. */
const SUBNET_A = '198.18.0.8/29';
const SUBNET_B = '198.18.0.40/29';
const TEST_HOSTS = [
  { v4: '198.18.0.10', listen: ['http:80', 'ssh:22'] },
  { v4: '198.18.0.11', listen: [] }, // nothing open
  { v4: '198.18.0.12', listen: ['ssh:22', 'http:8080'] },
  { v4: '198.18.0.42', listen: ['http:80', 'ssh:22'] }, // in subnet B
];
const DEFAULT_ARGS = ['-Pn', '-T3', '--top-ports', '1000', '-sT', '-sV'];

const SSH = { port: 22, protocol: 'tcp', state: 'open', service: 'ssh', product: 'OpenSSH', version: '9.2p1' };
const HTTP = (port: number) => ({ port, protocol: 'tcp', state: 'open', service: 'http', product: 'nginx', version: '1.22.1' });

/** Refused options, as a user would type them: the text, and the option the 400 must name. */
const FORBIDDEN: Array<[string, string]> = [
  ['-Pn --script vuln', '--script'],
  ['--script=vuln', '--script=vuln'],
  ['-sT --script-args user=x', '--script-args'],
  ['-sC', '-sC'],
  ['-iL /etc/passwd', '-iL'],
  ['-oN /tmp/x', '-oN'],
  ['-oX -', '-oX'],
  ['-oG /tmp/x', '-oG'],
  ['-oA /tmp/x', '-oA'],
  ['--resume /tmp/x', '--resume'],
  ['--datadir /tmp', '--datadir'],
  ['--proxies http://198.18.0.1:3128', '--proxies'],
  ['-D 198.18.0.99', '-D'],
  ['-S 198.18.0.99', '-S'],
  ['-e lan0', '-e'],
  ['--interactive', '--interactive'],
  ['-A', '-A'],
  ['-O', '-O'],
  ['--stylesheet /tmp/x.xsl', '--stylesheet'],
  ['-p 22 198.18.0.99', '198.18.0.99'],
];

interface ControlPlane {
  cron(): Promise<void>;
  /** Removes what the control plane left on disk (its process dies with the topology). */
  cleanUp(): Promise<void>;
}

async function startControlPlane(host: HostName, topo: Topology, dir: string, vars: Record<string, string>): Promise<ControlPlane> {
  if (host === 'node') {
    topo.spawnIn(topo.ns.cp, [TSX, 'worker/node/main.ts'], {
      env: { ...process.env, HOST: '0.0.0.0', PORT: '8787', DATA_DIR: join(dir, 'server'), ADMIN_PASSWORD, LOCAL_PROBE: '0', ...vars },
      stdio: 'ignore',
    });
    await waitFor('control plane health', async () => (await fetch(`http://${topo.cpAddr}:8787/health`, { signal: AbortSignal.timeout(1000) })).ok, 30_000);
    // the Node host runs the scheduler on its own timer (PORT_SCAN_TICK_SECONDS); its data lives in `dir`
    return { cron: async () => {}, cleanUp: async () => {} };
  }
  const edge = await startEdgeServer(vars, { ip: '0.0.0.0', reachAt: topo.cpAddr, spawnIn: (argv, env) => topo.spawnIn(topo.ns.cp, argv, { env, stdio: 'pipe' }) });
  // on Workers the scheduler is a duty of the cron trigger, which wrangler dev runs on request
  return { cron: edge.cron, cleanUp: edge.close };
}

describe.each(CONTROL_PLANE_HOSTS)('port scans on a real network, real probe, real nmap, %s host', (host) => {
  let topo: Topology;
  let dir: string;
  let cp: ControlPlane | undefined;
  let api: ReturnType<typeof client>;
  let nmap: NmapWitness;
  let probeId: number;
  let subnetA: number;
  const listeners: Array<Awaited<ReturnType<typeof startListeners>>> = [];
  const ids: Record<string, number> = {};

  const ports = async (ip: string) => (await api('GET', `/api/hosts/${ids[ip]}/ports`)).body;
  const hostIps = async (query: string) => (await api('GET', `/api/hosts?${query}`)).body.hosts.map((h: any) => h.ip);
  const portEvents = async (ip: string) => (await api('GET', '/api/events?limit=1000')).body.events.filter((e: any) => e.kind === 'port' && e.hostId === ids[ip]);
  const view = (p: any) => ({ port: p.port, protocol: p.protocol, state: p.state, service: p.service, product: p.product, version: p.version });

  /** Waits until each host has a scan applied newer than `before` (its scannedAt) and no job under way. */
  async function waitScanned(ips: string[], before: Record<string, string | null>, ms = 60_000) {
    await waitFor(`port scan of ${ips.join(', ')} applied`, async () => {
      for (const ip of ips) {
        const p = await ports(ip);
        if (p.job !== null || p.scannedAt === null || p.scannedAt === before[ip]) return false;
      }
      return true;
    }, ms);
  }
  const scannedAt = async (ips: string[]) => Object.fromEntries(await Promise.all(ips.map(async (ip) => [ip, (await ports(ip)).scannedAt])));

  /** "Scan now", waiting out the cool-down of an earlier request (429 + Retry-After) first. */
  async function scanWhenAllowed(path: string, body?: unknown) {
    const deadline = Date.now() + (COOLDOWN_SECONDS + 5) * 1000;
    for (;;) {
      const sentAt = Date.now();
      const r = { ...(await api('POST', path, body)), sentAt };
      if (r.status !== 429 || Date.now() > deadline) return r;
      await sleep(Number(r.headers.get('retry-after')) * 1000);
    }
  }

  beforeAll(async () => {
    assertNetPrerequisites();
    dir = mkdtempSync(join(tmpdir(), 'eipam-ports-'));
    nmap = writeNmapWrapper(dir);
    topo = await createTopology({ hosts: TEST_HOSTS.map((h) => ({ v4: h.v4 })) });
    const base = `http://${topo.cpAddr}:8787`;
    await Promise.all(
      TEST_HOSTS.map(async (h, i) => {
        if (h.listen.length) listeners[i] = await startListeners(topo, i, h.listen);
      }),
    );
    cp = await startControlPlane(host, topo, dir, {
      HEARTBEAT_SECONDS: '1',
      DOWN_AFTER_FAILURES: '2',
      PORT_SCAN_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS),
      PORT_SCAN_TICK_SECONDS: '1',
      SCAN_NMAP_INTERVAL_MINUTES: '60',
      ENABLE_NMAP_SCHEDULER: '1',
    });
    api = client(base, await login(base));

    const probe = (await api('POST', '/api/probes', { name: 'port-probe', site: 'netns' })).body;
    probeId = probe.id;
    startProbe(topo, { server: `http://${topo.cpAddrFromScan}:8787`, token: probe.token, stateDir: join(dir, 'probe'), nmapBin: nmap.bin });
    await waitFor('probe connected, announcing port scans', async () => {
      const p = (await api('GET', '/api/probes')).body.probes.find((x: any) => x.id === probeId);
      return p?.connected === true && (p.kinds ?? []).includes('port_scan');
    }, 30_000);
    // the scheduler stays off for subnet A: every scan of it in this suite is one the test asked for
    const a = await api('POST', '/api/subnets', { cidr: SUBNET_A, probeId, sweepIntervalSeconds: 10, portScan: { enabled: false } });
    expect(a.status).toBe(201);
    subnetA = a.body.id;
    await waitFor('hosts of subnet A up', async () => {
      const rows = (await api('GET', `/api/subnets/${subnetA}/hosts`)).body.rows.filter((r: any) => r.kind === 'host' && r.status === 'up');
      for (const r of rows) ids[r.ip] = r.id;
      return rows.length === 3;
    }, 30_000);
  }, 150_000);

  afterAll(async () => {
    await topo?.destroy(); // kills the control plane, the probes and the listeners too
    await cp?.cleanUp();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('"scan ports now" on a subnet: one nmap run finds exactly the listening ports, with http and ssh (OpenSSH 9.2p1)', async () => {
    const started = nmap.runs().length;
    const targets = ['198.18.0.10', '198.18.0.11', '198.18.0.12'];
    const r = await api('POST', `/api/subnets/${subnetA}/scan-ports`);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ coalesced: false, hosts: 3 });
    await waitScanned(targets, { '198.18.0.10': null, '198.18.0.11': null, '198.18.0.12': null });

    expect(nmap.runs().slice(started)).toEqual([[...DEFAULT_ARGS, ...PROBE_ARGS, ...targets]]);
    const [h0, h1, h2] = await Promise.all(targets.map(ports));
    expect(h0.ports.map(view)).toEqual([SSH, HTTP(80)]);
    expect(h1.ports).toEqual([]);
    expect(h2.ports.map(view)).toEqual([SSH, HTTP(8080)]);
    expect(h0.stale).toBe(false);
    expect(h0.history.map((e: any) => `${e.change} ${e.port}/${e.protocol} ${e.service}`).sort()).toEqual(['opened 22/tcp ssh', 'opened 80/tcp http']);
    expect(h1.history).toEqual([]);

    expect(await hostIps('service=ssh')).toEqual(['198.18.0.10', '198.18.0.12']);
    expect(await hostIps('port=8080/tcp')).toEqual(['198.18.0.12']);
    const listed = (await api('GET', `/api/hosts?subnetId=${subnetA}`)).body.hosts.find((h: any) => h.ip === '198.18.0.10');
    expect(listed.ports).toEqual([{ port: 22, protocol: 'tcp', service: 'ssh' }, { port: 80, protocol: 'tcp', service: 'http' }]);
    const services = (await api('GET', '/api/services')).body.services;
    expect(services.find((s: any) => s.service === 'ssh')).toMatchObject({ hosts: 2, ports: [{ port: 22, protocol: 'tcp', hosts: 2, up: 2 }] });
    expect(services.find((s: any) => s.service === 'http')).toMatchObject({ hosts: 2 });
  }, 90_000);

  it('the scheduler scans a fresh subnet\'s alive hosts with nobody asking, then not again before the interval', async () => {
    const started = nmap.runs().length;
    const b = await api('POST', '/api/subnets', { cidr: SUBNET_B, probeId, sweepIntervalSeconds: 10 });
    expect(b.status).toBe(201);
    expect(b.body.portScan).toMatchObject({ enabled: true });
    await waitFor('host of subnet B found by a sweep', async () => {
      const row = (await api('GET', `/api/subnets/${b.body.id}/hosts`)).body.rows.find((r: any) => r.kind === 'host' && r.status === 'up');
      if (row) ids[row.ip] = row.id;
      return !!row;
    }, 30_000);
    await waitFor('scheduled port scan applied', async () => {
      await cp!.cron();
      return (await ports('198.18.0.42')).ports.length === 2;
    }, 60_000, 500);

    const found = await ports('198.18.0.42');
    expect(found.ports.map(view)).toEqual([SSH, HTTP(80)]);
    // the next scan is the interval (60 min) ±15% away
    const next = Date.parse(found.nextScanAt) - Date.now();
    expect(next).toBeGreaterThan(50 * 60_000);
    expect(next).toBeLessThan(70 * 60_000);
    await cp!.cron();
    await sleep(1500);
    expect(nmap.runs().slice(started)).toEqual([[...DEFAULT_ARGS, ...PROBE_ARGS, '198.18.0.42']]);
    expect((await api('GET', '/api/services')).body.services.find((s: any) => s.service === 'ssh')).toMatchObject({ hosts: 3 });
  }, 90_000);

  it('forbidden nmap options and out-of-subnet targets are refused with a 400 naming them; nothing is stored and no nmap starts', async () => {
    const started = nmap.runs().length;
    const before = (await api('GET', `/api/subnets/${subnetA}`)).body;
    const refusals: string[] = [];
    for (const [args, option] of FORBIDDEN) {
      for (const [method, path, body] of [
        ['PATCH', `/api/subnets/${subnetA}`, { portScan: { enabled: true, args } }],
        ['POST', `/api/subnets/${subnetA}/scan-ports`, { args }],
        ['POST', `/api/hosts/${ids['198.18.0.10']}/scan-ports`, { args }],
      ] as const) {
        const r = await api(method, path, body);
        const ok = r.status === 400 && r.body.error.code === 'forbidden_nmap_option' && r.body.error.message.includes(option);
        if (!ok) refusals.push(`${method} ${path} ${JSON.stringify(args)} → ${r.status} ${JSON.stringify(r.body)}`);
      }
    }
    expect(refusals).toEqual([]);

    for (const targets of [['198.18.0.42'], ['198.18.0.10', '198.18.0.99'], ['198.18.1.10']]) {
      const r = await api('POST', `/api/subnets/${subnetA}/scan-ports`, { targets });
      expect(r.status, JSON.stringify(targets)).toBe(400);
      expect(r.body.error.code).toBe('target_outside_subnet');
      expect(r.body.error.message).toContain(targets.at(-1));
    }

    expect((await api('GET', `/api/subnets/${subnetA}`)).body).toEqual(before);
    await sleep(1000); // a job sent by mistake would have started nmap by now
    expect(nmap.runs().slice(started)).toEqual([]);
  }, 60_000);

  it('closing a port records exactly one "closed" event at the next scan; the port leaves the host and the searches', async () => {
    const ip = '198.18.0.10';
    const started = nmap.runs().length;
    await listeners[0]!.close(80);
    const before = await scannedAt([ip]);
    const r = await scanWhenAllowed(`/api/hosts/${ids[ip]}/scan-ports`);
    expect(r.status).toBe(202);
    await waitScanned([ip], before);

    expect(nmap.runs().slice(started)).toEqual([[...DEFAULT_ARGS, ...PROBE_ARGS, ip]]);
    const now = await ports(ip);
    expect(now.ports.map(view)).toEqual([SSH]);
    const closed = now.history.filter((e: any) => e.change === 'closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ kind: 'port', change: 'closed', port: 80, protocol: 'tcp', service: 'http' });
    expect(now.history.filter((e: any) => e.change !== 'opened' && e.change !== 'closed')).toEqual([]);
    const events = await portEvents(ip);
    expect(events.filter((e: any) => e.change === 'closed')).toMatchObject([{ port: 80, protocol: 'tcp', ip }]);

    expect(await hostIps('port=80/tcp')).toEqual(['198.18.0.42']);
    expect(await hostIps('port=22/tcp')).toEqual(['198.18.0.10', '198.18.0.12', '198.18.0.42']);
    const listed = (await api('GET', `/api/hosts?subnetId=${subnetA}`)).body.hosts.find((h: any) => h.ip === ip);
    expect(listed.ports).toEqual([{ port: 22, protocol: 'tcp', service: 'ssh' }]);
  }, 60_000);

  it('"scan now" is coalesced while a scan runs and rate-limited after it (429 with Retry-After)', async () => {
    const ip = '198.18.0.11';
    const started = nmap.runs().length;
    const before = await scannedAt([ip]);
    // a slow scan (150 ports at 50 a second) so the second request finds it running
    const slow = { args: '-Pn -sT -p 1-150 --max-rate 50' };
    const first = await scanWhenAllowed(`/api/hosts/${ids[ip]}/scan-ports`, slow);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ coalesced: false, hosts: 1 });
    const again = await api('POST', `/api/hosts/${ids[ip]}/scan-ports`, slow);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ jobId: first.body.jobId, coalesced: true, hosts: 0 });
    const viaSubnet = await api('POST', `/api/subnets/${subnetA}/scan-ports`, { targets: [ip] });
    expect(viaSubnet.body).toEqual({ jobId: first.body.jobId, coalesced: true, hosts: 0 });
    expect((await ports(ip)).job).toMatchObject({ id: first.body.jobId });
    await waitScanned([ip], before);

    const limited = await api('POST', `/api/hosts/${ids[ip]}/scan-ports`);
    expect(Date.now() - first.sentAt).toBeLessThan(COOLDOWN_SECONDS * 1000); // the scan is over, its cool-down is not
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('scan_rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(COOLDOWN_SECONDS);
    expect(nmap.runs().slice(started)).toEqual([['-Pn', '-sT', '-p', '1-150', '--max-rate', '50', ...PROBE_ARGS, ip]]);
  }, 60_000);

  it('a host that goes down keeps its ports, marked stale, and scanning it records no "closed" events', async () => {
    const ip = '198.18.0.12';
    const upPorts = (await ports(ip)).ports;
    expect(upPorts.map(view)).toEqual([SSH, HTTP(8080)]);
    await topo.setHostUp(2, false);
    await waitFor('host down', async () => (await api('GET', `/api/hosts/${ids[ip]}`)).body.status === 'down', 45_000);

    const down = await ports(ip);
    expect(down.stale).toBe(true);
    expect(down.ports).toEqual(upPorts);
    const started = nmap.runs().length;
    const r = await scanWhenAllowed(`/api/hosts/${ids[ip]}/scan-ports`, { args: '-Pn -T4 -sT -p 22,8080 --max-retries 1' });
    expect(r.status).toBe(202);
    await waitScanned([ip], { [ip]: down.scannedAt });

    expect(nmap.runs().slice(started)).toEqual([['-Pn', '-T4', '-sT', '-p', '22,8080', '--max-retries', '1', ...PROBE_ARGS, ip]]);
    const after = await ports(ip);
    expect(after.stale).toBe(true);
    expect(after.ports.map(view)).toEqual([SSH, HTTP(8080)]);
    expect(after.history.filter((e: any) => e.change === 'closed')).toEqual([]);
    expect((await portEvents(ip)).filter((e: any) => e.change === 'closed')).toEqual([]);
    expect(await hostIps('port=8080/tcp')).toEqual([ip]);
  }, 90_000);
});
