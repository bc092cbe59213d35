/**
 * Helpers for the traffic-test suite and bench (issue 16): a second probe namespace with its own link to the
 * control plane, a link between the two probe namespaces shaped with tc tbf in both directions, and an iperf3 that
 * records each of its runs before it runs (so a suite can tell that none ran).
 *
 * Safety: only 198.18.0.0/15 addresses on the probe link; the namespaces forward nothing (the link's is a bridge with
 * no address) and have no default route; the extra namespaces are deleted by their exact names.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ADMIN_PASSWORD } from '../support/app.js';
import { client, login } from '../support/targets.js';
import { waitFor } from '../support/wait.js';
import { linkToCp } from './operations-kit.js';
import { assertNetPrerequisites, createTopology, run, type Topology } from './netns.js';
import { exited, inNamespace, killGroup, startNodeControlPlane, startProbe, type ProbeProc } from './webhook-kit.js';

/** The shaped link: probe A (the topology's scan namespace) .1, probe B .2. */
export const LINK = { cidr: '198.18.9.0/30', a: '198.18.9.1', b: '198.18.9.2' } as const;
/** Probe B's veth to the control plane (cp's side .5, B's .6), as in the operations suite. */
export const CP_FOR_B = '198.19.0.5';
/**
 * The tbf. It shapes the link in a namespace of its own (a bridge between A's and B's veths, tbf on the port
 * towards each): at a sender's own qdisc, UDP faster than the link is held back by its socket's send buffer and loses
 * nothing, and a queue small enough to drop it (10 ms) cost TCP 5-10 % with thousands of retransmits on a busy machine.
 * In the middle, TCP reads 47.7-47.9 Mbit/s of payload at 50 Mbit/s with next to no retransmits and UDP at 60M loses ~17 %.
 * The bucket is 64 KB: with 4 KB, a machine whose timers fire late let TCP through at 39-41 Mbit/s (the bucket emptied between
 * wake-ups); over a test of seconds 64 KB adds a negligible 0.1 Mbit/s to the long-run rate.
 */
export const SHAPE = { burst: '64kb', latency: '50ms' } as const;

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
  /** The link's own namespace: bridge br0 and its ports `pa` (towards A) and `pb` (towards B), each shaped. */
  nsLink: string;
  /** Sets the link's rate both ways (tc tbf on pa and pb, `50mbit`). */
  shape(rate: string): Promise<void>;
  /** Deletes probe B's and the link's namespaces by name (their veths go with them). */
  destroy(): Promise<void>;
}

/** Probe B's namespace linked to cp, and the shaped link between probe A (scan) and B: A ─ tl0 ═ pa [br0 tbf] pb ═ tl0 ─ B. */
export async function addShapedPair(topo: Topology, rate: string): Promise<ShapedPair> {
  const nsB = `${topo.id}-tb`;
  const nsLink = `${topo.id}-tl`;
  const destroy = async () => {
    for (const ns of [nsB, nsLink]) await run(['ip', 'netns', 'del', ns]);
  };
  try {
    for (const ns of [nsB, nsLink]) {
      await must(['ip', 'netns', 'add', ns]);
      await must(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0', 'net.ipv6.conf.all.accept_ra=0', 'net.ipv6.conf.default.accept_ra=0']);
      await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await linkToCp(topo, nsB, { addr: '198.19.0.6', cpAddr: CP_FOR_B, cpDev: 'pb0' });
    const prefix = LINK.cidr.split('/')[1];
    const end = (peer: string, addr: string) => [`link add tl0 type veth peer name ${peer} netns ${nsLink}`, 'link set tl0 addrgenmode none', `addr add ${addr}/${prefix} dev tl0`, 'link set tl0 up', ''].join('\n');
    await must(['ip', '-n', topo.ns.scan, '-batch', '-'], end('pa', LINK.a));
    await must(['ip', '-n', nsB, '-batch', '-'], end('pb', LINK.b));
    await must(['ip', '-n', nsLink, '-batch', '-'], ['link add br0 type bridge stp_state 0', 'link set br0 addrgenmode none', 'link set br0 up', ...['pa', 'pb'].flatMap((p) => [`link set ${p} addrgenmode none`, `link set ${p} master br0 up`]), ''].join('\n'));
    const shape = async (r: string) => {
      for (const port of ['pa', 'pb']) await must(['tc', '-n', nsLink, 'qdisc', 'replace', 'dev', port, 'root', 'tbf', 'rate', r, 'burst', SHAPE.burst, 'latency', SHAPE.latency]);
    };
    await shape(rate);
    const deadline = Date.now() + 10_000;
    while ((await topo.exec(topo.ns.scan, ['ping', '-c1', '-W1', LINK.b])).code !== 0) {
      if (Date.now() > deadline) throw new Error(`traffic-kit: ${LINK.a} cannot reach ${LINK.b} over the shaped link`);
    }
    return { nsB, nsLink, shape, destroy };
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

/** The lab of the suite and the bench: the topology, the shaped pair, the Node control plane, probes A and B connected. */
export interface TrafficLab {
  topo: Topology;
  pair: ShapedPair;
  cp: Awaited<ReturnType<typeof startNodeControlPlane>>;
  api: ReturnType<typeof client>;
  /** Probe A (the source, in scan) and B (in nsB): ids, processes, their recording iperf3. */
  a: { id: number; proc: ProbeProc; iperf3: { bin: string; runs: string } };
  b: { id: number; proc: ProbeProc; iperf3: { bin: string; runs: string } };
  /** The probes' last log lines, for a failure's message. */
  logs(): string;
  /** The probes and the control plane by their process groups, then the namespaces by name. Never throws. */
  stop(): Promise<void>;
}

export async function startTrafficLab(dir: string, rate: string): Promise<TrafficLab> {
  assertNetPrerequisites();
  assertTrafficTools();
  const topo = await createTopology({ hosts: [] });
  let pair: ShapedPair | undefined;
  let cp: TrafficLab['cp'] | undefined;
  const procs: ProbeProc[] = [];
  const logs = () => procs.map((p, i) => `--- probe ${'AB'[i]}:\n${p.log.slice(-15).map((l) => JSON.stringify(l.line)).join('\n')}\n${p.stderr().slice(-1500)}`).join('\n');
  const stop = async () => {
    const children = [...procs.map((p) => p.child), ...(cp ? [cp.child] : [])];
    for (const c of children) killGroup(c, 'SIGTERM');
    await Promise.all(children.map((c) => Promise.race([exited(c), new Promise((r) => setTimeout(r, 3000))])));
    await pair?.destroy();
    await topo.destroy();
  };
  try {
    pair = await addShapedPair(topo, rate);
    cp = await startNodeControlPlane(inNamespace(topo, topo.ns.cp), { dataDir: join(dir, 'server'), reachAt: topo.cpAddr, env: { ADMIN_PASSWORD, HEARTBEAT_SECONDS: '1', ENABLE_NMAP_SCHEDULER: '0' } });
    const api = client(cp.url, await login(cp.url));
    const enrol = async (name: string) => {
      const r = await api('POST', '/api/probes', { name, site: name });
      if (r.status !== 201) throw new Error(`POST /api/probes answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body as { id: number; token: string };
    };
    const [ea, eb] = [await enrol('traffic-a'), await enrol('traffic-b')];
    const [ia, ib] = [recordingIperf3(dir, 'a'), recordingIperf3(dir, 'b')];
    const env = { SWEEP_ENGINE: 'ping', ALLOWED_TARGETS: LINK.cidr };
    procs.push(
      startProbe(inNamespace(topo, topo.ns.scan), { server: `http://${topo.cpAddrFromScan}:8787`, token: ea.token, stateDir: join(dir, 'probe-a'), env: { ...env, IPERF3_BIN: ia.bin } }),
      startProbe(inNamespace(topo, pair.nsB), { server: `http://${CP_FOR_B}:8787`, token: eb.token, stateDir: join(dir, 'probe-b'), env: { ...env, IPERF3_BIN: ib.bin } }),
    );
    await waitFor('probes A and B connected as 0.8.0, offering traffic-server and traffic-client', async () => {
      const list = (await api('GET', '/api/probes')).body.probes;
      return [ea.id, eb.id].every((pid) => {
        const p = list.find((x: any) => x.id === pid);
        return p?.connected === true && p.version === '0.8.0' && ['traffic-server', 'traffic-client'].every((k) => (p.kinds ?? []).includes(k));
      });
    }, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}\n--- control plane:\n${cp?.output().slice(-2000)}`);
    });
    return { topo, pair, cp, api, a: { id: ea.id, proc: procs[0]!, iperf3: ia }, b: { id: eb.id, proc: procs[1]!, iperf3: ib }, logs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** POST /api/traffic-tests, then the test (GET /api/traffic-tests/{id}) once it is no longer running; throws on a refusal. */
export async function runTrafficTest(lab: Pick<TrafficLab, 'api' | 'logs'>, body: Record<string, unknown>, ms = 60_000): Promise<any> {
  const r = await lab.api('POST', '/api/traffic-tests', body);
  if (r.status !== 201) throw new Error(`POST /api/traffic-tests answered ${r.status}: ${JSON.stringify(r.body)}`);
  let test: any;
  await waitFor(`traffic test ${r.body.id} finished`, async () => (test = (await lab.api('GET', `/api/traffic-tests/${r.body.id}`)).body).state !== 'running', ms, 200).catch((e: Error) => {
    throw new Error(`${e.message}\nlast: ${JSON.stringify(test)}\n${lab.logs()}`);
  });
  return test;
}
