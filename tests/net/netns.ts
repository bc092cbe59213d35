/**
 * Network-namespace test topology for real-network tests and benchmarks.
 *
 * Safety: only 198.18.0.0/15 and fd00::/8 addresses are ever configured, no namespace gets a
 * default route, forwarding is off in scan/cp/lan, and the scanner's only links lead to other
 * test namespaces. Namespaces are deleted by exact name only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import { accessSync, constants, readFileSync } from 'node:fs';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';

/** One host namespace: addresses without prefix; the prefix length is taken from scanV4/scanV6. */
export interface HostSpec { v4: string; v6?: string }
/** Options for {@link createTopology}. scanV4 defaults to 198.18.0.1/24, scanV6 to fd00:18::1/64. */
export interface TopologyOptions { hosts: HostSpec[]; scanV4?: string; scanV6?: string }
/** Result of a finished command; `code` is the exit code (128+n when killed by a signal, 127 if it could not start). */
export interface ExecResult { stdout: string; stderr: string; code: number }

/** A running topology; see the file header and {@link createTopology}. */
export interface Topology {
  /** Unique prefix of every name, e.g. `eip1a2b3c`. */
  id: string;
  /** Namespace names. */
  ns: { lan: string; scan: string; cp: string; hosts: string[] };
  /** Control-plane address reachable from the root namespace (198.19.1.2 unless another topology holds that /30). */
  cpAddr: string;
  /** Control-plane address reachable from the scan namespace (198.19.0.1). */
  cpAddrFromScan: string;
  /** Runs argv inside namespace `ns` (via `ip netns exec`) and collects its output; never rejects. */
  exec(ns: string, argv: string[]): Promise<ExecResult>;
  /** Spawns argv inside `ns` in its own process group; destroy() kills that group. */
  spawnIn(ns: string, argv: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string; stdio?: 'pipe' | 'inherit' | 'ignore' }): ChildProcess;
  /** Removes (false) or re-adds (true) host `index`'s addresses so it stops/starts answering. Idempotent. */
  setHostUp(index: number, up: boolean): Promise<void>;
  /** Takes the cp end of the scan<->cp veth down: scan keeps its route but sees no carrier, packets are lost. */
  cutScanToCp(): Promise<void>;
  /** Undoes {@link Topology.cutScanToCp}; resolves once scan reaches cp again. */
  restoreScanToCp(): Promise<void>;
  /** Kills spawned process groups, deletes all namespaces and the root-side veth. Idempotent, never throws. */
  destroy(): Promise<void>;
}

const CP_FROM_SCAN = '198.19.0.1';
const SCAN_TO_CP = '198.19.0.2';
const ROOT_SLOTS = 64; // /30 slots in 198.19.1.0/24 for the root<->cp link
const READY_TIMEOUT_MS = 10_000;
const NO_FORWARDING = ['net.ipv4.ip_forward=0', 'net.ipv6.conf.all.forwarding=0'];
const ROUTED_NS_SYSCTLS = [...NO_FORWARDING, 'net.ipv6.conf.all.accept_ra=0', 'net.ipv6.conf.default.accept_ra=0',
  'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'];
const LAN_SYSCTLS = [...NO_FORWARDING, 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'];
const TOOLS: Record<string, string> = { ip: 'iproute2', ping: 'iputils-ping', nmap: 'nmap', fping: 'fping', sysctl: 'procps' };

const testRanges = new BlockList();
testRanges.addSubnet('198.18.0.0', 15, 'ipv4');
testRanges.addSubnet('fd00::', 8, 'ipv6');

/** Throws with the exact fix if not running as root or a required tool is missing. Never skips silently. */
export function assertNetPrerequisites(): void {
  if (process.platform !== 'linux') throw new Error('netns tests need Linux network namespaces');
  if (process.getuid?.() !== 0) throw new Error('netns tests need root: run as root (e.g. `sudo -E npx vitest run tests/net`)');
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin'];
  const missing = Object.keys(TOOLS).filter((tool) => !dirs.some((d) => isExecutable(join(d, tool))));
  if (missing.length > 0) {
    const pkgs = [...new Set(Object.values(TOOLS))].join(' ');
    throw new Error(`netns tests: missing ${missing.join(', ')}; fix: apt-get install ${pkgs}`);
  }
}

const isExecutable = (path: string): boolean => { try { accessSync(path, constants.X_OK); return true; } catch { return false; } };

/** Runs argv in the current (root) namespace, optionally feeding `input` on stdin. Never rejects. */
export function run(argv: string[], input = ''): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'pipe' });
    let [stdout, stderr] = ['', ''];
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {});
    child.on('error', (err) => resolve({ stdout, stderr: stderr + String(err), code: 127 }));
    child.on('close', (code, signal) => resolve({ stdout, stderr, code: code ?? 128 + (signal ? osConstants.signals[signal] : 0) }));
    child.stdin.end(input);
  });
}

async function must(argv: string[], input?: string): Promise<string> {
  const r = await run(argv, input);
  if (r.code !== 0) throw new Error(`netns: \`${argv.slice(0, 8).join(' ')}\` failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Runs `ip` batch lines, in namespace `ns` or in the root namespace when ns is null. */
function ipBatch(ns: string | null, lines: string[]): Promise<string> {
  return must(ns ? ['ip', '-n', ns, '-batch', '-'] : ['ip', '-batch', '-'], lines.join('\n') + '\n');
}

type Cidr = { addr: string; prefix: number };
function splitCidr(cidr: string): Cidr {
  const [addr = '', prefix = ''] = cidr.split('/');
  if (!/^\d{1,3}$/.test(prefix)) throw new Error(`netns: ${cidr} needs a /prefix`);
  return { addr, prefix: Number(prefix) };
}

function assertTestAddress(addr: string, family: 'ipv4' | 'ipv6'): void {
  const valid = family === 'ipv4' ? isIPv4(addr) : isIPv6(addr);
  const range = family === 'ipv4' ? '198.18.0.0/15' : 'fd00::/8';
  if (!valid || !testRanges.check(addr, family)) throw new Error(`netns: refusing ${addr}: not an ${family} address in ${range}`);
}

function validateAddresses(scanV4: string, scanV6: string, hosts: HostSpec[]): void {
  const v4s = [scanV4, ...hosts.map((h) => h.v4)];
  const v6s = [scanV6, ...hosts.flatMap((h) => (h.v6 ? [h.v6] : []))];
  v4s.forEach((a) => assertTestAddress(a, 'ipv4'));
  v6s.forEach((a) => assertTestAddress(a, 'ipv6'));
  const seen = new Set<string>();
  const dup = [...v4s, ...v6s.map((a) => a.toLowerCase())].find((a) => seen.size === seen.add(a).size);
  if (dup) throw new Error(`netns: address ${dup} is used twice (scan and hosts must all differ)`);
  assertNeighbourRoom(hosts.length, v6s.length - 1);
}

/** ARP/ND tables are kernel-wide (shared by all namespaces); each host needs ~2 entries (scan's and its own). */
function assertNeighbourRoom(v4Hosts: number, v6Hosts: number): void {
  const need = (n: number) => 2 * n + 128;
  const limit = (f: string) => Number(readFileSync(`/proc/sys/net/${f}/neigh/default/gc_thresh3`, 'utf8'));
  const short = ([['ipv4', v4Hosts], ['ipv6', v6Hosts]] as const).filter(([f, n]) => n > 0 && limit(f) < need(n));
  if (short.length === 0) return;
  const size = 2 ** Math.ceil(Math.log2(need(v4Hosts) * 2));
  const fix = short.map(([f]) => `net.${f}.neigh.default.gc_thresh2=${size / 2} net.${f}.neigh.default.gc_thresh3=${size}`);
  throw new Error(`netns: ${v4Hosts} hosts overflow the kernel-wide neighbour table (gc_thresh3); fix: sysctl -w ${fix.join(' ')}`);
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => { while (next < items.length) { const i = next++; await fn(items[i]!, i); } };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const live = new Set<NetnsTopology>();
let exitHooksInstalled = false;

class NetnsTopology implements Topology {
  readonly id = `eip${randomBytes(3).toString('hex')}`;
  readonly ns: Topology['ns'];
  readonly rootDev = `${this.id}r`; // root-side veth, unique per topology
  cpAddr = '';
  readonly cpAddrFromScan = CP_FROM_SCAN;
  private readonly v4: Cidr;
  private readonly v6: Cidr;
  private readonly children = new Set<ChildProcess>();
  private destroying: Promise<void> | undefined;

  constructor(private readonly hosts: HostSpec[], scanV4: string, scanV6: string) {
    this.v4 = splitCidr(scanV4);
    this.v6 = splitCidr(scanV6);
    validateAddresses(this.v4.addr, this.v6.addr, hosts);
    const p = this.id;
    this.ns = { lan: `${p}-lan`, scan: `${p}-scan`, cp: `${p}-cp`, hosts: hosts.map((_, i) => `${p}-h${i}`) };
  }

  private allNs(): string[] { return [this.ns.lan, this.ns.scan, this.ns.cp, ...this.ns.hosts]; }
  /** Deletes by exact name only (never `ip -all netns delete`). */
  private netnsDelBatch(): string { return this.allNs().map((n) => `netns del ${n}\n`).join(''); }

  async build(): Promise<void> {
    await ipBatch(null, this.allNs().map((n) => `netns add ${n}`));
    for (const n of [this.ns.scan, this.ns.cp]) await must(['ip', 'netns', 'exec', n, 'sysctl', '-q', '-w', ...ROUTED_NS_SYSCTLS]);
    await must(['ip', 'netns', 'exec', this.ns.lan, 'sysctl', '-q', '-w', ...LAN_SYSCTLS]);
    await this.buildLan();
    await this.buildScan();
    await this.buildRootLink();
    await forEachLimit(this.hosts, 16, (_, i) => this.buildHost(i));
    await this.waitReady();
  }

  /** Bridge br0 (no STP, no multicast snooping so NDP is always flooded) plus one port per host and scan. */
  private buildLan(): Promise<string> {
    const port = (dev: string, peerNs: string, peerDev: string) =>
      [`link add ${dev} type veth peer name ${peerDev} netns ${peerNs}`, `link set ${dev} master br0 up`];
    return ipBatch(this.ns.lan, [
      'link add br0 type bridge stp_state 0 mcast_snooping 0', 'link set br0 up',
      ...port('scan', this.ns.scan, 'lan0'),
      ...this.ns.hosts.flatMap((hostNs, i) => port(`h${i}`, hostNs, 'eth0')),
    ]);
  }

  private buildScan(): Promise<string> {
    return ipBatch(this.ns.scan, [
      'link set lo up',
      `addr add ${this.v4.addr}/${this.v4.prefix} dev lan0`, `addr add ${this.v6.addr}/${this.v6.prefix} dev lan0 nodad`, 'link set lan0 up',
      `link add cp0 type veth peer name scan0 netns ${this.ns.cp}`, `addr add ${SCAN_TO_CP}/30 dev cp0`, 'link set cp0 up',
    ]);
  }

  /** veth root<->cp on a free /30 of 198.19.1.0/24, then the cp side of both links. */
  private async buildRootLink(): Promise<void> {
    await must(['ip', 'link', 'add', this.rootDev, 'type', 'veth', 'peer', 'name', 'root0', 'netns', this.ns.cp]);
    await run(['sysctl', '-q', '-w', `net.ipv6.conf.${this.rootDev}.disable_ipv6=1`]); // optional: keeps root quiet
    const base = (await claimRootSlot(this.rootDev)) * 4;
    this.cpAddr = `198.19.1.${base + 2}`;
    await must(['ip', 'link', 'set', this.rootDev, 'up']);
    await ipBatch(this.ns.cp, [
      'link set lo up', `addr add ${CP_FROM_SCAN}/30 dev scan0`, 'link set scan0 up',
      `addr add ${this.cpAddr}/30 dev root0`, 'link set root0 up',
    ]);
  }

  private hostAddrLines(index: number): string[] {
    const h = this.hosts[index]!;
    const lines = [`addr replace ${h.v4}/${this.v4.prefix} dev eth0`];
    if (h.v6) lines.push(`addr replace ${h.v6}/${this.v6.prefix} dev eth0 nodad`);
    return lines;
  }

  /** v4-only hosts get no IPv6 link-local (addrgenmode none): avoids RS/MLD floods that slow big bridges. */
  private async buildHost(index: number): Promise<void> {
    const noLinkLocal = this.hosts[index]!.v6 ? [] : ['link set eth0 addrgenmode none'];
    await ipBatch(this.ns.hosts[index]!, ['link set lo up', ...noLinkLocal, ...this.hostAddrLines(index), 'link set eth0 up']);
  }

  /** Polls with fping from scan (all hosts + cp) and ping from root (cp) until everything answers. */
  private async waitReady(): Promise<void> {
    let pending = [CP_FROM_SCAN, ...this.hosts.flatMap((h) => (h.v6 ? [h.v4, h.v6] : [h.v4]))];
    let rootOk = false;
    const budgetMs = READY_TIMEOUT_MS + pending.length * 2;
    const deadline = Date.now() + budgetMs;
    while (Date.now() < deadline) {
      const r = await this.exec(this.ns.scan, ['fping', '-u', '-r', '0', '-t', '300', '-i', '1', ...pending]);
      if (r.code > 1) throw new Error(`netns ${this.id}: fping failed (${r.code}): ${r.stderr.trim()}`);
      pending = r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
      rootOk ||= (await run(['ping', '-c1', '-W1', this.cpAddr])).code === 0;
      if (pending.length === 0 && rootOk) return;
      await sleep(100);
    }
    const missing = [...pending.slice(0, 10), ...(rootOk ? [] : [`${this.cpAddr} (from root)`])];
    throw new Error(`netns ${this.id}: not reachable after ${budgetMs} ms: ${missing.join(', ')}${pending.length > 10 ? ', …' : ''}`);
  }

  exec(ns: string, argv: string[]): Promise<ExecResult> {
    return run(['ip', 'netns', 'exec', ns, ...argv]);
  }

  spawnIn(ns: string, argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdio?: 'pipe' | 'inherit' | 'ignore' } = {}): ChildProcess {
    if (this.destroying) throw new Error(`netns ${this.id}: already destroyed`);
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { detached: true, env: opts.env, cwd: opts.cwd, stdio: opts.stdio ?? 'pipe' });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async setHostUp(index: number, up: boolean): Promise<void> {
    const ns = this.ns.hosts[index];
    if (ns === undefined) throw new Error(`netns ${this.id}: no host ${index}`);
    await ipBatch(ns, up ? this.hostAddrLines(index) : ['addr flush dev eth0 scope global']);
  }

  async cutScanToCp(): Promise<void> { await must(['ip', '-n', this.ns.cp, 'link', 'set', 'scan0', 'down']); }
  /** Link up, then waits (≤5 s) until scan reaches cp again: carrier-on is applied by the kernel's linkwatch with up to ~1 s delay. */
  async restoreScanToCp(): Promise<void> {
    await must(['ip', '-n', this.ns.cp, 'link', 'set', 'scan0', 'up']);
    const deadline = Date.now() + 5000;
    while ((await this.exec(this.ns.scan, ['ping', '-c1', '-W1', CP_FROM_SCAN])).code !== 0) {
      if (Date.now() > deadline) throw new Error(`netns ${this.id}: scan cannot reach cp ${CP_FROM_SCAN} after restoreScanToCp`);
    }
  }

  destroy(): Promise<void> {
    this.destroying ??= this.teardown().catch(() => {});
    return this.destroying;
  }

  private async teardown(): Promise<void> {
    const alive = [...this.children];
    alive.forEach((c) => killGroup(c, 'SIGTERM'));
    await Promise.all(alive.map((c) => waitExit(c, 2000)));
    alive.forEach((c) => killGroup(c, 'SIGKILL'));
    await run(['ip', 'link', 'del', this.rootDev]);
    await run(['ip', '-force', '-batch', '-'], this.netnsDelBatch());
    live.delete(this);
  }

  /** Best-effort synchronous cleanup for process exit / signals. */
  destroySync(): void {
    this.children.forEach((c) => killGroup(c, 'SIGKILL'));
    spawnSync('ip', ['link', 'del', this.rootDev], { stdio: 'ignore' });
    spawnSync('ip', ['-force', '-batch', '-'], { input: this.netnsDelBatch(), stdio: ['pipe', 'ignore', 'ignore'] });
    live.delete(this);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try { process.kill(-child.pid, signal); } catch { /* group already gone */ }
}

function waitExit(child: ChildProcess, ms: number): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return Promise.race([sleep(ms), new Promise((resolve) => child.once('exit', resolve))]);
}

/** Slots (index of the /30 in 198.19.1.0/24) used by root-namespace addresses, with their device. */
async function rootSlotUsers(): Promise<Array<{ dev: string; slot: number }>> {
  const out = await must(['ip', '-4', '-o', 'addr', 'show']);
  return [...out.matchAll(/^\d+:\s+([^\s@]+)\S*\s+inet\s+198\.19\.1\.(\d+)\//gm)]
    .map((m) => ({ dev: m[1]!, slot: Math.floor(Number(m[2]) / 4) }));
}

/**
 * Claims a free /30 for `dev` and adds its .1 address. Parallel runs may race for a slot: each adds,
 * then re-checks; whoever sees a rival backs off and retries (the later checker always sees the other).
 */
async function claimRootSlot(dev: string): Promise<number> {
  for (let attempt = 0; attempt < ROOT_SLOTS; attempt++) {
    const taken = new Set((await rootSlotUsers()).map((u) => u.slot));
    const slot = Array.from({ length: ROOT_SLOTS }, (_, i) => i).find((i) => !taken.has(i));
    if (slot === undefined) break;
    const cidr = `198.19.1.${slot * 4 + 1}/30`;
    await must(['ip', 'addr', 'add', cidr, 'dev', dev]);
    const rivals = (await rootSlotUsers()).filter((u) => u.slot === slot && u.dev !== dev);
    if (rivals.length === 0) return slot;
    await must(['ip', 'addr', 'del', cidr, 'dev', dev]);
    await sleep(Math.random() * 50);
  }
  throw new Error('netns: no free /30 left in 198.19.1.0/24 for the root<->cp link (stale topologies? see `ip netns list`)');
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => [...live].forEach((t) => t.destroySync()));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      [...live].forEach((t) => t.destroySync());
      if (process.listenerCount(signal) > 1) return; // someone else handles the signal
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Builds lan (bridge), scan, host and cp namespaces plus the root<->cp veth, and waits until scan
 * reaches every host (v4 and v6) and cp, and root reaches cp. On failure everything is removed.
 */
export async function createTopology(opts: TopologyOptions): Promise<Topology> {
  assertNetPrerequisites();
  const topo = new NetnsTopology(opts.hosts, opts.scanV4 ?? '198.18.0.1/24', opts.scanV6 ?? 'fd00:18::1/64');
  installExitHooks();
  live.add(topo);
  try {
    await topo.build();
    return topo;
  } catch (err) {
    await topo.destroy();
    throw err;
  }
}
