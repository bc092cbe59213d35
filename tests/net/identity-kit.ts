/**
 * Helpers for the identity suite (identity.test.ts, issue 12): a routed LAN behind a router namespace added to a
 * netns.ts topology, a real DNS server (dnsmasq) inside one of its host namespaces, MACs set on test hosts, a
 * resolver check run from inside a namespace, and a witness for the trace tools the probe starts.
 *
 * Safety: only 198.18.0.0/15 and fd00::/8 addresses; the router's only links are veth pairs to other test
 * namespaces, its unreachable default route answers anything else with an ICMP error, and dnsmasq has no upstream
 * (--no-resolv, no --server) and listens on one test address only. Namespaces are deleted by exact name.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';
import { waitFor } from '../support/wait.js';
import { run, type Topology } from './netns.js';

export const DNSMASQ = '/usr/sbin/dnsmasq';
const INSTALL_FIX = 'apt-get install dnsmasq-base traceroute';

const testRanges = new BlockList();
testRanges.addSubnet('198.18.0.0', 15, 'ipv4');
testRanges.addSubnet('fd00::', 8, 'ipv6');

function assertTestAddress(addr: string): void {
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : null;
  if (!family || !testRanges.check(addr, family)) throw new Error(`identity-kit: refusing ${addr}: not in 198.18.0.0/15 or fd00::/8`);
}

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function findOnPath(tool: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  return dirs.map((d) => join(d, tool)).find(isExecutable) ?? null;
}

/** Throws with the fix when dnsmasq or traceroute is missing (CI installs both in .ci/run). Never skips. */
export function assertIdentityTools(): void {
  const missing = [isExecutable(DNSMASQ) ? null : DNSMASQ, findOnPath('traceroute') ? null : 'traceroute'].filter(Boolean);
  if (missing.length) throw new Error(`identity suite: missing ${missing.join(', ')}; fix: ${INSTALL_FIX}`);
}

async function must(argv: string[], input?: string): Promise<string> {
  const r = await run(argv, input);
  if (r.code !== 0) throw new Error(`identity-kit: \`${argv.slice(0, 10).join(' ')}\` failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}
const ipBatch = (ns: string, lines: string[]) => must(['ip', '-n', ns, '-batch', '-'], lines.join('\n') + '\n');
const sysctl = (ns: string, settings: string[]) => must(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings]);

/** IPv4-only namespaces: no IPv6 at all, no ICMP rate limit (a trace's three probes per hop all get answers). */
const V4_ONLY = ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv4.icmp_ratelimit=0'];

export interface RoutedLanOptions {
  /** The router's address on the topology's LAN (198.18.0.254/24). */
  routerLan: string;
  /** The router's address on the far LAN (198.18.1.1/24). */
  routerFar: string;
  /** The one host of the far LAN (198.18.1.10). */
  farHost: string;
}

/** A router namespace on the topology's LAN bridge and a far LAN (one host) behind it. */
export interface RoutedLan {
  ns: { router: string; far: string };
  /** Deletes both namespaces (and with them their veths). Idempotent, never throws. */
  destroy(): Promise<void>;
}

const liveLans = new Set<string[]>();
let exitHookInstalled = false;
const netnsDel = (names: string[]) => names.map((n) => `netns del ${n}\n`).join('');

/**
 * Adds `<id>-rtr` (forwarding on: the only namespace of the suite where it is) with one leg on the LAN bridge and
 * one to `<id>-far`, whose host routes back to the LAN via the router. Waits until the scanner reaches the far host.
 */
export async function addRoutedLan(topo: Topology, opts: RoutedLanOptions): Promise<RoutedLan> {
  const [routerLan, lanPrefix] = opts.routerLan.split('/');
  const [routerFar, farPrefix] = opts.routerFar.split('/');
  [routerLan!, routerFar!, opts.farHost].forEach(assertTestAddress);
  const names = { router: `${topo.id}-rtr`, far: `${topo.id}-far` };
  const all = [names.router, names.far];
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => liveLans.forEach((l) => spawnSync('ip', ['-force', '-batch', '-'], { input: netnsDel(l), stdio: ['pipe', 'ignore', 'ignore'] })));
  }
  liveLans.add(all);
  let destroyed: Promise<void> | undefined;
  const lan: RoutedLan = {
    ns: names,
    destroy: () =>
      (destroyed ??= run(['ip', '-force', '-batch', '-'], netnsDel(all)).then(() => {
        liveLans.delete(all);
      })),
  };
  try {
    await must(['ip', 'netns', 'add', names.router]);
    await must(['ip', 'netns', 'add', names.far]);
    await sysctl(names.router, ['net.ipv4.ip_forward=1', ...V4_ONLY]);
    await sysctl(names.far, ['net.ipv4.ip_forward=0', ...V4_ONLY]);
    await ipBatch(topo.ns.lan, [`link add rtr type veth peer name lan0 netns ${names.router}`, 'link set rtr master br0 up']);
    await ipBatch(names.router, [
      'link set lo up',
      `addr add ${routerLan}/${lanPrefix} dev lan0`,
      'link set lan0 up',
      `link add far0 type veth peer name eth0 netns ${names.far}`,
      `addr add ${routerFar}/${farPrefix} dev far0`,
      'link set far0 up',
      // nothing but the two test LANs is routed: anything else gets "network unreachable" from the router
      'route add unreachable default',
    ]);
    await ipBatch(names.far, ['link set lo up', `addr add ${opts.farHost}/${farPrefix} dev eth0`, 'link set eth0 up', `route add ${lanRoute(opts.routerLan)} via ${routerFar}`]);
    await waitFor(`router ${routerLan} answering the scanner`, async () => (await topo.exec(topo.ns.scan, ['ping', '-c1', '-W1', routerLan!])).code === 0, 10_000, 100);
    return lan;
  } catch (err) {
    await lan.destroy();
    throw err;
  }
}

/** "198.18.0.254/24" → "198.18.0.0/24". */
function lanRoute(cidr: string): string {
  const [addr, prefix] = cidr.split('/');
  const bits = Number(prefix);
  const n = addr!.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const net = bits === 0 ? 0 : Math.floor(n / 2 ** (32 - bits)) * 2 ** (32 - bits);
  return `${[24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')}/${bits}`;
}

/** Sets a namespace's IPv4 default route (replacing any). */
export async function setDefaultRoute(ns: string, via: string, dev: string): Promise<void> {
  assertTestAddress(via);
  await must(['ip', '-n', ns, 'route', 'replace', 'default', 'via', via, 'dev', dev]);
}

/** Sets the MAC of `dev` in `ns` (veth allows it while up; the kernel announces it with a gratuitous ARP). */
export async function setMac(ns: string, dev: string, mac: string): Promise<void> {
  await must(['ip', '-n', ns, 'link', 'set', dev, 'address', mac]);
}

/** The in-addr.arpa / ip6.arpa name of an address. Written again on purpose: the suite's DNS records must not come from the probe's own reverseName. */
export function reverseName(ip: string): string {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const full = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${full.map((g) => g.padStart(4, '0')).join('').split('').reverse().join('.')}.ip6.arpa`;
}

export interface DnsRecords {
  /** Forward names (A/AAAA; dnsmasq's --host-record gives their PTRs too). */
  hosts: Array<{ name: string; addresses: string[] }>;
  /** PTRs without a matching forward record (or pointing at a name that resolves elsewhere). */
  ptrs: Array<{ ip: string; name: string }>;
}

export interface Dnsmasq {
  proc: ChildProcess;
  pid: number;
  /** Every query dnsmasq logged (`query[PTR] <reverse name> from 198.18.0.1`), as it logged it. */
  queries(): string[];
  log(): string;
  /** SIGTERM to dnsmasq by its pid, then waits for it to exit (≤3 s, then SIGKILL). */
  stop(): Promise<void>;
}

/** The dnsmasq command line: one listening address, no upstream, no files of this machine, only our records. */
export function dnsmasqArgs(opts: { listen: string; ttlSeconds: number; pidFile: string; records: DnsRecords }): string[] {
  assertTestAddress(opts.listen);
  opts.records.hosts.forEach((h) => h.addresses.forEach(assertTestAddress));
  opts.records.ptrs.forEach((p) => assertTestAddress(p.ip));
  return [
    DNSMASQ,
    `--listen-address=${opts.listen}`,
    '--bind-interfaces',
    '--port=53',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    '--conf-file=/dev/null',
    '--keep-in-foreground',
    `--pid-file=${opts.pidFile}`,
    '--user=root',
    '--log-facility=-',
    '--log-queries',
    `--local-ttl=${opts.ttlSeconds}`,
    // answered here or NXDOMAIN, never forwarded (there is no upstream anyway)
    '--local=/in-addr.arpa/',
    '--local=/ip6.arpa/',
    '--local=/test/',
    ...opts.records.hosts.map((h) => `--host-record=${[h.name, ...h.addresses].join(',')}`),
    ...opts.records.ptrs.map((p) => `--ptr-record=${reverseName(p.ip)},${p.name}`),
  ];
}

/** Starts dnsmasq inside `ns` (a topology namespace: destroy() kills it too) and waits until it answers from `from`. */
export async function startDnsmasq(
  topo: Topology,
  ns: string,
  opts: { listen: string; ttlSeconds: number; dir: string; records: DnsRecords; checkFrom: string },
): Promise<Dnsmasq> {
  const pidFile = join(opts.dir, 'dnsmasq.pid');
  const proc = topo.spawnIn(ns, dnsmasqArgs({ ...opts, pidFile }), { stdio: 'pipe' });
  let log = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const probe = opts.records.hosts[0]?.addresses[0] ?? opts.records.ptrs[0]!.ip;
  await waitFor(`dnsmasq on ${opts.listen} answering PTR ${probe}`, async () => {
    if (proc.exitCode !== null) throw new Error(`dnsmasq exited ${proc.exitCode}: ${log}`);
    return (await resolveFrom(topo, opts.checkFrom, opts.listen, 'ptr', probe)).length > 0;
  }, 15_000, 200);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`dnsmasq wrote no pid to ${pidFile}`);
  const exited = () => proc.exitCode !== null || proc.signalCode !== null || !existsSync(`/proc/${pid}`);
  return {
    proc,
    pid,
    queries: () => log.split('\n').filter((l) => /\bquery\[/.test(l)),
    log: () => log,
    async stop() {
      if (exited()) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      try {
        await waitFor(`dnsmasq ${pid} exited`, exited, 3000, 50);
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  };
}

const RESOLVE_SCRIPT = `
const { Resolver } = require('node:dns').promises;
const [server, kind, name] = process.argv.slice(1);
const r = new Resolver({ timeout: 1000, tries: 1 });
r.setServers([server]);
const op = { ptr: () => r.reverse(name), a: () => r.resolve4(name), aaaa: () => r.resolve6(name) }[kind];
op().then((v) => console.log(JSON.stringify(v)), (e) => console.log(JSON.stringify({ error: e.code })));
`;

/**
 * Asks `server` (only it: node's Resolver with setServers, never resolv.conf) from inside namespace `ns`.
 * Returns the answers ([] for NXDOMAIN / no data / timeout).
 */
export async function resolveFrom(topo: Topology, ns: string, server: string, kind: 'ptr' | 'a' | 'aaaa', name: string): Promise<string[]> {
  assertTestAddress(server);
  const r = await topo.exec(ns, [process.execPath, '-e', RESOLVE_SCRIPT, server, kind, name]);
  const out = JSON.parse(r.stdout.trim() || '{"error":"no output"}');
  return Array.isArray(out) ? out : [];
}

export interface TraceWitness {
  /** Put first on the probe's PATH: `traceroute`, `traceroute6` and `mtr` there log, then exec the real tool. */
  dir: string;
  /** Every start so far: the tool's name and its argument list. */
  runs(): Array<{ tool: string; args: string[] }>;
}

/** Wrappers for the trace tools (the probe spawns them by name with an argument array, like the real ones). */
export function writeTraceWitness(dir: string): TraceWitness {
  const log = join(dir, 'trace-starts.log');
  writeFileSync(log, '');
  for (const tool of ['traceroute', 'traceroute6', 'mtr']) {
    const real = findOnPath(tool);
    if (!real) {
      if (tool === 'traceroute') throw new Error(`traceroute not found; fix: ${INSTALL_FIX}`);
      continue;
    }
    const bin = join(dir, tool);
    writeFileSync(bin, `#!/bin/sh\n(IFS='\t'; printf '%s\\t%s\\n' '${tool}' "$*") >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(bin, 0o755);
  }
  return {
    dir,
    runs: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [tool = '', ...args] = l.split('\t');
          return { tool, args };
        }),
  };
}
