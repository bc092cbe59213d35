/**
 * Helpers for the verified-allocation suite (allocate.test.ts, issue 15): a test host that drops ICMP echo requests,
 * what a namespace sees when it pings or connects to an address (read from inside it), and the allocation requests.
 *
 * Safety: only 198.18.0.0/15 addresses; every command runs inside a namespace the suite created (`ip netns exec`).
 * Echo requests are dropped by the namespace's own kernel (net.ipv4.icmp_echo_ignore_all, a per-namespace sysctl:
 * neither nft nor iptables is needed, and nothing outside the namespace changes).
 */
import { BlockList, isIPv4 } from 'node:net';
import type { Topology } from './netns.js';

const testRanges = new BlockList();
testRanges.addSubnet('198.18.0.0', 15, 'ipv4');

function assertTestAddress(addr: string): void {
  if (!isIPv4(addr) || !testRanges.check(addr, 'ipv4')) throw new Error(`allocate-kit: refusing ${addr}: not in 198.18.0.0/15`);
}

/** Makes the kernel of `ns` ignore every ICMP echo request (it still answers ARP and TCP). */
export async function dropEchoes(topo: Topology, ns: string): Promise<void> {
  const set = await topo.exec(ns, ['sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=1']);
  if (set.code !== 0) throw new Error(`allocate-kit: icmp_echo_ignore_all in ${ns}: ${set.stderr}`);
  const read = (await topo.exec(ns, ['sysctl', '-n', 'net.ipv4.icmp_echo_ignore_all'])).stdout.trim();
  if (read !== '1') throw new Error(`allocate-kit: icmp_echo_ignore_all in ${ns} reads ${read}`);
}

/** Whether one echo from `ns` to `ip` is answered within a second. */
export async function pingsFrom(topo: Topology, ns: string, ip: string): Promise<boolean> {
  assertTestAddress(ip);
  return (await topo.exec(ns, ['ping', '-n', '-c', '1', '-W', '1', ip])).code === 0;
}

const CONNECT_SCRIPT = `
const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
const end = (r) => { console.log(r); s.destroy(); process.exit(0); };
s.once('connect', () => end('open'));
s.once('error', (e) => end(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code));
setTimeout(() => end('timeout'), Number(process.argv[3]));
`;

/** One TCP connect from inside `ns`: open, refused, timeout or "error <code>". */
export async function connectFrom(topo: Topology, ns: string, ip: string, port: number, timeoutMs = 2_000): Promise<string> {
  assertTestAddress(ip);
  return (await topo.exec(ns, [process.execPath, '-e', CONNECT_SCRIPT, ip, String(port), String(timeoutMs)])).stdout.trim();
}

export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** `n` allocation requests at once, each `body`; the answers in request order. */
export const allocateAtOnce = (api: Api, subnetId: number, n: number, body: Record<string, unknown> = {}) =>
  Promise.all(Array.from({ length: n }, (_, i) => api('POST', `/api/subnets/${subnetId}/allocate`, { hostname: `par-${i}`, ...body })));
