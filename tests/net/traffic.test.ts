/**
 * Traffic tests end to end on a real network (issue 16): the Node control plane in its namespace, two real probes
 * (probe/main.ts) in two namespaces joined by a link shaped to 50 Mbit/s with tc tbf both ways, each probe
 * reaching the control plane through a link of its own. Tests are started and read through the REST API; the probes
 * run the real iperf3 (through a wrapper that records each run, to show when none ran).
 *
 * Topology (veth pairs between namespaces this suite creates; no namespace has a default route):
 *   cp (control plane) ─┬─ scan: probe A 198.18.9.1 ═ pa [ns …-tl: bridge, tbf 50mbit on pa and pb] pb ═ probe B 198.18.9.2 (ns …-tb)
 *                       └───────────────────────────────────────────────────────────────────────────┘ (B's own link, 198.19.0.5/.6)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';
import { CP_FOR_B, LINK, runTrafficTest, startTrafficLab, type TrafficLab } from './traffic-kit.js';

const RATE_BPS = 50_000_000;
/** An address in the test range outside probe A's ALLOWED_TARGETS (the link's /30). */
const FENCED = '198.18.20.1';

describe('traffic tests on a real network: two probes across a link shaped to 50 Mbit/s (Node host)', () => {
  let lab: TrafficLab | undefined;
  let dir: string;
  const id = { a: 0, b: 0 };
  const runsOf = (w: { runs: string }) => readFileSync(w.runs, 'utf8').split('\n').filter(Boolean);
  const runTest = (body: Record<string, unknown>) => runTrafficTest(lab!, body);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eipam-traffic-'));
    lab = await startTrafficLab(dir, '50mbit');
    Object.assign(id, { a: lab.a.id, b: lab.b.id });
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('the topology: no default route in either probe namespace, each reaches cp on its own link, the link is shaped both ways', async () => {
    const t = lab!.topo;
    for (const ns of [t.ns.scan, lab!.pair.nsB, lab!.pair.nsLink]) {
      expect((await t.exec(ns, ['ip', '-4', 'route', 'show', 'default'])).stdout.trim(), ns).toBe('');
      expect((await t.exec(ns, ['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim(), ns).toBe('0');
    }
    for (const port of ['pa', 'pb']) expect((await t.exec(lab!.pair.nsLink, ['tc', 'qdisc', 'show', 'dev', port])).stdout).toMatch(/tbf .*rate 50Mbit burst 64Kb lat 50/);
    expect((await t.exec(t.ns.scan, ['ip', '-4', 'route', 'get', t.cpAddrFromScan])).stdout).toContain('dev cp0');
    expect((await t.exec(lab!.pair.nsB, ['ip', '-4', 'route', 'get', CP_FOR_B])).stdout).toContain('dev cp0');
    expect((await t.exec(t.ns.scan, ['ip', '-4', 'route', 'get', FENCED])).code).not.toBe(0);
  });

  it('a TCP test from A to B measures the shaped rate within 10 %', async () => {
    const test = await runTest({ from: id.a, to: id.b, protocol: 'tcp', durationSeconds: 5 });
    expect(test, JSON.stringify(test)).toMatchObject({
      state: 'done', code: null, failedStep: null, protocol: 'tcp', port: 5201,
      from: { probeId: id.a, name: 'traffic-a' }, to: { probeId: id.b, name: 'traffic-b', address: LINK.b },
      serverState: 'done', clientState: 'done', retransmits: expect.any(Number), jitterMs: null, lossPercent: null,
    });
    console.log(`TCP over tbf 50mbit: received ${(test.receivedBps / 1e6).toFixed(2)} Mbit/s, sent ${(test.sentBps / 1e6).toFixed(2)}, retransmits ${test.retransmits}`);
    expect(test.receivedBps).toBeGreaterThan(RATE_BPS * 0.9);
    expect(test.receivedBps).toBeLessThan(RATE_BPS * 1.1);
    expect(test.intervals.length).toBeGreaterThanOrEqual(5);
    expect(test.cpuLocalPercent).toBeGreaterThan(0);
    expect(JSON.parse(test.raw).start.connecting_to).toEqual({ host: LINK.b, port: 5201 });
    // the listener ran on B, bound to the address A connected to; the client on A
    expect(runsOf(lab!.b.iperf3).at(-1)).toBe(`-s -1 -p 5201 -B ${LINK.b}`);
    expect(runsOf(lab!.a.iperf3).at(-1)).toBe(`-c ${LINK.b} -p 5201 -J -t 5 --connect-timeout 3000`);
  });

  it('a UDP test faster than the link reports loss and jitter', async () => {
    const test = await runTest({ from: id.a, to: id.b, protocol: 'udp', durationSeconds: 3, bandwidth: '60M' });
    expect(test, JSON.stringify(test)).toMatchObject({ state: 'done', protocol: 'udp', bandwidthBps: 60_000_000, retransmits: null });
    console.log(`UDP at 60M over tbf 50mbit: received ${(test.receivedBps / 1e6).toFixed(2)} Mbit/s, loss ${test.lossPercent.toFixed(2)} % (${test.lostPackets}/${test.packets}), jitter ${test.jitterMs.toFixed(3)} ms`);
    expect(test.lossPercent).toBeGreaterThan(0);
    expect(test.lostPackets).toBeGreaterThan(0);
    expect(test.packets).toBeGreaterThan(test.lostPackets);
    expect(test.jitterMs).toBeGreaterThan(0);
    expect(test.receivedBps).toBeLessThan(RATE_BPS * 1.1);
  });

  it('a test to an address outside A’s ALLOWED_TARGETS fails target_not_allowed and no iperf3 client runs', async () => {
    const before = runsOf(lab!.a.iperf3).length;
    const test = await runTest({ from: id.a, to: FENCED, durationSeconds: 2 });
    expect(test, JSON.stringify(test)).toMatchObject({ state: 'failed', failedStep: 'client', code: 'target_not_allowed', to: { probeId: null, address: FENCED }, sentBps: null, receivedBps: null });
    expect(test.error).toContain(`${FENCED} is outside this probe's ALLOWED_TARGETS`);
    expect(runsOf(lab!.a.iperf3).length).toBe(before);
    expect(runsOf(lab!.a.iperf3).some((line) => line.includes(FENCED))).toBe(false);
    // the probe's own word, a warning on its stderr (the line may come a moment after the status it sent)
    const refusal = (line: string) => line.includes('"msg":"job refused"') && line.includes('"kind":"traffic-client"') && line.includes('"code":"target_not_allowed"');
    await waitFor('probe A logging the refusal', async () => lab!.a.proc.stderr().split('\n').some(refusal), 5_000, 50);
  });
});
