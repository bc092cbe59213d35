/**
 * The probe checks a port-scan job itself, whatever the server sent (issue 10): the real probe, in the scanner
 * namespace, is connected to a fake control plane (tests/net/fake-control-plane.mjs, a raw protocol peer in the cp
 * namespace) that sends jobs the real server never would. The nmap witness proves that nothing refused ran.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMessage } from '../../schema/protocol.js';
import { waitFor } from '../support/wait.js';
import { assertNetPrerequisites, createTopology, type Topology } from './netns.js';
import { FAKE_CONTROL_PLANE, lines, PROBE_ARGS, sleep, startListeners, startProbe, writeNmapWrapper, type Lines, type NmapWitness } from './port-scan-kit.js';

const PORT = 8790;
const SUBNET = '198.18.0.8/29';

describe('the real probe refuses port-scan jobs on its own', () => {
  let topo: Topology;
  let dir: string;
  let nmap: NmapWitness;
  let fake: ChildProcess;
  let out: Lines;
  let probe: ReturnType<typeof startProbe>;

  const frames = (): any[] => out.seen.map((l) => JSON.parse(l)).filter((e) => e.event === 'frame').map((e) => e.frame);
  const send = (frame: unknown) => fake.stdin!.write(`${JSON.stringify(frame)}\n`);
  const statusOf = (jobId: string, state: string) => frames().find((f) => f.type === 'job_status' && f.jobId === jobId && f.state === state);
  // on a timeout, show what the probe said and sent
  const waitOrShow = (what: string, check: () => boolean, ms: number) =>
    waitFor(what, check, ms, 100).catch((e) => {
      throw new Error(`${(e as Error).message}\nframes: ${JSON.stringify(frames()).slice(-3000)}\nprobe log: ${probe.log().slice(-3000)}`);
    });
  const job = (jobId: string, fields: Record<string, unknown>) => ({
    type: 'job', kind: 'port_scan', jobId, subnetId: 1, targets: ['198.18.0.10'], args: ['-Pn', '-sT', '-p', '22'], timeoutMs: 60_000, ...fields,
  });

  beforeAll(async () => {
    assertNetPrerequisites();
    dir = mkdtempSync(join(tmpdir(), 'eipam-refusals-'));
    nmap = writeNmapWrapper(dir);
    // .10 is in the assigned subnet; .42 is a live test host outside it
    topo = await createTopology({ hosts: [{ v4: '198.18.0.10' }, { v4: '198.18.0.42' }] });
    await startListeners(topo, 0, ['ssh:22']);
    await startListeners(topo, 1, ['ssh:22']);
    fake = topo.spawnIn(topo.ns.cp, [process.execPath, FAKE_CONTROL_PLANE, String(PORT)], { stdio: 'pipe' });
    out = lines(fake);
    await out.wait('fake control plane listening', (l) => l.includes('"listening"'));
    probe = startProbe(topo, { server: `http://${topo.cpAddrFromScan}:${PORT}`, token: 'eipp_fake-control-plane-token', stateDir: join(dir, 'probe'), nmapBin: nmap.bin });
    await waitOrShow('hello from the real probe', () => frames().some((f) => f.type === 'hello'), 30_000);
    send({ type: 'welcome', probeId: 99, name: 'fake', serverTime: Date.now() });
    send({ type: 'assignment', subnets: [{ id: 1, cidr: SUBNET, intervalSeconds: 3600, knownHosts: [] }], settings: { pingTimeoutMs: 1000, maxSweepAddresses: 65_536 } });
  }, 90_000);

  afterAll(async () => {
    await topo?.destroy(); // kills the fake control plane, the probe and the listeners
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('announces port scans in hello', () => {
    expect(frames().find((f) => f.type === 'hello')).toMatchObject({ kinds: expect.arrayContaining(['sweep', 'port_scan']) });
  });

  it('answers "failed" naming the problem to a forbidden option or a target outside its subnets, and starts no nmap', async () => {
    const started = nmap.runs().length;
    const refused: Array<[string, Record<string, unknown>, RegExp]> = [
      ['script', { args: ['--script', 'vuln'] }, /--script/],
      ['script-eq', { args: ['-Pn', '--script=vuln'] }, /--script=vuln/],
      ['output-file', { args: ['-Pn', '-sT', '-oN', '/tmp/eipam-x'] }, /-oN/],
      ['input-list', { args: ['-iL', '/etc/passwd'] }, /-iL/],
      ['xml-output', { args: ['-oX', '/tmp/eipam-x.xml'] }, /-oX/],
      ['target-in-args', { args: ['-Pn', '198.18.0.42'] }, /198\.18\.0\.42/],
      ['outside-subnet', { targets: ['198.18.0.42'] }, /198\.18\.0\.42 is outside subnet 198\.18\.0\.8\/29/],
      ['one-outside', { targets: ['198.18.0.10', '198.18.0.99'] }, /198\.18\.0\.99/],
      ['not-assigned', { subnetId: 2, targets: ['198.18.0.42'] }, /subnet 2 is not assigned/],
    ];
    for (const [id, fields] of refused) send(job(`fake-${id}`, fields));
    await waitOrShow('a "failed" status for every refused job', () => refused.every(([id]) => statusOf(`fake-${id}`, 'failed')), 15_000);
    for (const [id, , error] of refused) {
      expect(statusOf(`fake-${id}`, 'failed').error, id).toMatch(error);
      expect(statusOf(`fake-${id}`, 'done'), id).toBeUndefined();
    }
    await sleep(1000); // a job run by mistake would have started nmap by now
    expect(nmap.runs().slice(started)).toEqual([]);
    expect(frames().filter((f) => f.type === 'results' && f.results?.some((r: any) => r.kind === 'port_scan'))).toEqual([]);
  }, 30_000);

  it('answers "unsupported" to a job of a kind it does not know', async () => {
    // a kind of a later issue (probes run traceroute since 0.4)
    send({ type: 'job', kind: 'iperf3', jobId: 'fake-iperf3', subnetId: 1, target: '198.18.0.10' });
    await waitOrShow('unsupported status', () => !!statusOf('fake-iperf3', 'unsupported'), 10_000);
    expect(statusOf('fake-iperf3', 'unsupported')).toMatchObject({ kind: 'iperf3', subnetId: 1, error: expect.stringContaining('iperf3') });
  }, 20_000);

  it('runs a job that passes its checks: the witness sees exactly that nmap', async () => {
    const started = nmap.runs().length;
    send(job('fake-allowed', {}));
    await waitOrShow('allowed job done', () => !!statusOf('fake-allowed', 'done'), 30_000);
    expect(nmap.runs().slice(started)).toEqual([['-Pn', '-sT', '-p', '22', ...PROBE_ARGS, '198.18.0.10']]);
    const result = frames().find((f) => f.type === 'results' && f.results?.some((r: any) => r.kind === 'port_scan' && r.jobId === 'fake-allowed'));
    expect(result.results[0].hosts).toMatchObject([{ ip: '198.18.0.10', responsive: true, ports: [{ port: 22, protocol: 'tcp', state: 'open' }] }]);
  }, 40_000);

  it('sent only frames the real server parses', () => {
    for (const f of frames()) expect(probeMessage.safeParse(f).success, JSON.stringify(f)).toBe(true);
  });
});
