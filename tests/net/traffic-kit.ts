/**
 * Helpers for the traffic-test suite and bench (issue 16): a second probe namespace with its own link to the
 * control plane, a veth link between the two probe namespaces shaped with tc tbf on both ends, and an iperf3 that
 * records each of its runs before it runs (so a suite can tell that none ran).
 *
 * Safety: only 198.18.0.0/15 addresses on the probe link; both namespaces forward nothing and have no default route;
 * the extra namespace is deleted by its exact name.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { linkToCp } from './operations-kit.js';
import { run, type Topology } from './netns.js';

/** The shaped link: probe A (the topology's scan namespace) .1, probe B .2. */
export const LINK = { cidr: '198.18.9.0/30', a: '198.18.9.1', b: '198.18.9.2' } as const;
/** Probe B's veth to the control plane (cp's side .5, B's .6), as in the operations suite. */
export const CP_FOR_B = '198.19.0.5';
/**
 * tbf's burst and queue: with a queue of 10 ms (62.5 kB at 50 Mbit/s), smaller than a UDP socket's send buffer (208 kB), a
 * sender faster than the link loses datagrams at its own qdisc instead of being held back by it; TCP still fills the
 * link (47.7 of 50 Mbit/s of payload, measured; at 50 ms it was the same, but UDP at 60M then lost nothing).
 */
export const SHAPE = { burst: '32kbit', latency: '10ms' } as const;

async function must(argv: string[], input?: string): Promise<string> {
  const r = await run(argv, input);
  if (r.code !== 0) throw new Error(`traffic-kit: \`${argv.slice(0, 12).join(' ')}\` failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Throws with the fix when iperf3 or tc is missing (CI installs them). Never skips. */
export function assertTrafficTools(): void {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin'];
  const missing = ['iperf3', 'tc'].filter((t) => !dirs.some((d) => existsSync(join(d, t))));
  if (missing.length) throw new Error(`traffic suite: missing ${missing.join(', ')}; fix: apt-get install iperf3 iproute2`);
}

export interface ShapedPair {
  /** Probe B's namespace (probe A's is topo.ns.scan). */
  nsB: string;
  /** Sets the link's rate on both ends (tc tbf, `50mbit`). */
  shape(rate: string): Promise<void>;
  /** Deletes probe B's namespace by name (its veths go with it). */
  destroy(): Promise<void>;
}

/** Probe B's namespace linked to cp, and the shaped veth between probe A (scan) and B. */
export async function addShapedPair(topo: Topology, rate: string): Promise<ShapedPair> {
  const nsB = `${topo.id}-tb`;
  const destroy = async () => void (await run(['ip', 'netns', 'del', nsB]));
  await must(['ip', 'netns', 'add', nsB]);
  try {
    await must(['ip', 'netns', 'exec', nsB, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0', 'net.ipv6.conf.all.accept_ra=0', 'net.ipv6.conf.default.accept_ra=0']);
    await must(['ip', '-n', nsB, 'link', 'set', 'lo', 'up']);
    await linkToCp(topo, nsB, { addr: '198.19.0.6', cpAddr: CP_FOR_B, cpDev: 'pb0' });
    const prefix = LINK.cidr.split('/')[1];
    await must(['ip', '-n', topo.ns.scan, '-batch', '-'], [`link add tl0 type veth peer name tl0 netns ${nsB}`, 'link set tl0 addrgenmode none', `addr add ${LINK.a}/${prefix} dev tl0`, 'link set tl0 up', ''].join('\n'));
    await must(['ip', '-n', nsB, '-batch', '-'], ['link set tl0 addrgenmode none', `addr add ${LINK.b}/${prefix} dev tl0`, 'link set tl0 up', ''].join('\n'));
    const shape = async (r: string) => {
      for (const ns of [topo.ns.scan, nsB]) await must(['tc', '-n', ns, 'qdisc', 'replace', 'dev', 'tl0', 'root', 'tbf', 'rate', r, 'burst', SHAPE.burst, 'latency', SHAPE.latency]);
    };
    await shape(rate);
    const deadline = Date.now() + 10_000;
    while ((await topo.exec(topo.ns.scan, ['ping', '-c1', '-W1', LINK.b])).code !== 0) {
      if (Date.now() > deadline) throw new Error(`traffic-kit: ${LINK.a} cannot reach ${LINK.b} over the shaped link`);
    }
    return { nsB, shape, destroy };
  } catch (e) {
    await destroy();
    throw e;
  }
}

/** A stand-in for iperf3 that appends its arguments (one run a line) to `runs`, then becomes the real iperf3. */
export function recordingIperf3(dir: string, name: string): { bin: string; runs: string } {
  const bin = join(dir, `${name}-iperf3.sh`);
  const runs = join(dir, `${name}-iperf3.runs`);
  writeFileSync(bin, `#!/bin/sh\necho "$*" >> '${runs}'\nexec iperf3 "$@"\n`);
  chmodSync(bin, 0o755);
  writeFileSync(runs, '');
  return { bin, runs };
}
