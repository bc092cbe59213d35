/**
 * Helpers for the real-network operations suite (operations.test.ts, issue 14): a second probe namespace linked to
 * the control plane, a route to the far LAN without a default route, a namespace's own IP/ICMP counters (what
 * reached a test host, read inside it), and the tools the probes' operations run.
 *
 * Safety: only 198.18.0.0/15 addresses; the extra link is a veth pair between two test namespaces and cp does not
 * forward, so the probe namespace reaches the control plane and nothing through it.
 */
import { existsSync } from 'node:fs';
import { BlockList, isIPv4 } from 'node:net';
import { delimiter, join } from 'node:path';
import { waitFor } from '../support/wait.js';
import { run, type Topology } from './netns.js';

const testRanges = new BlockList();
testRanges.addSubnet('198.18.0.0', 15, 'ipv4');

function assertTestAddress(addr: string): void {
  if (!isIPv4(addr) || !testRanges.check(addr, 'ipv4')) throw new Error(`operations-kit: refusing ${addr}: not in 198.18.0.0/15`);
}

async function must(argv: string[], input?: string): Promise<string> {
  const r = await run(argv, input);
  if (r.code !== 0) throw new Error(`operations-kit: \`${argv.slice(0, 10).join(' ')}\` failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}
const ipBatch = (ns: string, lines: string[]) => must(['ip', '-n', ns, '-batch', '-'], lines.join('\n') + '\n');

/** Throws with the fix when a tool the operations run is missing (CI installs them in .ci/run). Never skips. */
export function assertOperationTools(): void {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin'];
  const missing = ['mtr', 'mtr-packet', 'traceroute', 'ping'].filter((t) => !dirs.some((d) => existsSync(join(d, t))));
  if (missing.length) throw new Error(`operations suite: missing ${missing.join(', ')}; fix: apt-get install mtr-tiny traceroute iputils-ping`);
}

/**
 * A veth pair between namespace `ns` (device cp0, `addr`/30) and the topology's cp (device `cpDev`, `cpAddr`/30), so a
 * probe in `ns` reaches the control plane. Waits until it does.
 */
export async function linkToCp(topo: Topology, ns: string, opts: { addr: string; cpAddr: string; cpDev: string }): Promise<void> {
  [opts.addr, opts.cpAddr].forEach(assertTestAddress);
  await must(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
  await ipBatch(ns, [`link add cp0 type veth peer name ${opts.cpDev} netns ${topo.ns.cp}`, 'link set cp0 addrgenmode none', `addr add ${opts.addr}/30 dev cp0`, 'link set cp0 up']);
  await ipBatch(topo.ns.cp, [`link set ${opts.cpDev} addrgenmode none`, `addr add ${opts.cpAddr}/30 dev ${opts.cpDev}`, `link set ${opts.cpDev} up`]);
  await waitFor(`${ns} reaching cp at ${opts.cpAddr}`, async () => (await topo.exec(ns, ['ping', '-c1', '-W1', opts.cpAddr])).code === 0, 10_000, 100);
}

/** A route to `cidr` via `via` in `ns` (the far LAN through the router: no default route). */
export async function addRoute(ns: string, cidr: string, via: string): Promise<void> {
  assertTestAddress(via);
  assertTestAddress(cidr.split('/')[0]!);
  await must(['ip', '-n', ns, 'route', 'replace', cidr, 'via', via]);
}

/** A namespace's /proc/net/snmp, read from inside it: `{ Ip: { InReceives: n, … }, Icmp: { InEchos: n, … }, … }`. */
export async function snmpCounters(topo: Topology, ns: string): Promise<Record<string, Record<string, number>>> {
  const r = await topo.exec(ns, ['cat', '/proc/net/snmp']);
  if (r.code !== 0) throw new Error(`operations-kit: /proc/net/snmp of ${ns}: ${r.stderr}`);
  const out: Record<string, Record<string, number>> = {};
  const lines = r.stdout.trim().split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [group, ...names] = lines[i]!.split(/\s+/);
    const values = lines[i + 1]!.split(/\s+/).slice(1).map(Number);
    out[group!.replace(/:$/, '')] = Object.fromEntries(names.map((n, j) => [n, values[j]!]));
  }
  return out;
}

/** IP datagrams and ICMP echo requests that reached `ns` so far. */
export async function arrivals(topo: Topology, ns: string): Promise<{ ip: number; echos: number }> {
  const c = await snmpCounters(topo, ns);
  return { ip: c.Ip!.InReceives!, echos: c.Icmp!.InEchos! };
}
