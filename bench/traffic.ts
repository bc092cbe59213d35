/**
 * The traffic test's measured rate against the shaped link's rate (issue 16): the traffic suite's lab (two real
 * probes in namespaces joined by a link shaped with tc tbf both ways, the Node control plane), RUNS TCP tests through
 * `POST /api/traffic-tests` at each rate, each followed by plain iperf3 between the same namespaces without edge-ipam
 * (the reference tool, same link, same run). Root only; every packet stays in the bench's own namespaces.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINK, SHAPE, runTrafficTest, startTrafficLab, type TrafficLab } from '../tests/net/traffic-kit.js';

const RATES = [
  { tc: '50mbit', bps: 50e6 },
  { tc: '200mbit', bps: 200e6 },
];
const RUNS = 5;
const SECONDS = 5;
/** The reference iperf3's port (the probes' listener takes 5201). */
const PLAIN_PORT = 5210;

interface Sample {
  receivedBps: number;
  sentBps: number;
  retransmits: number;
  /** From the start of the run to its figures (POST → the test done, or iperf3 -c started → exited). */
  wallMs: number;
}

const exec = (ns: string, argv: string[]) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} in ${ns} exited ${code}: ${err || out.slice(-500)}`))));
  });

/** iperf3 -s -1 in B, iperf3 -c in A: the tool as anyone would run it by hand. */
async function plain(lab: TrafficLab): Promise<Sample> {
  const server = exec(lab.pair.nsB, ['iperf3', '-s', '-1', '-p', String(PLAIN_PORT), '-B', LINK.b]);
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  const report = JSON.parse(await exec(lab.topo.ns.scan, ['iperf3', '-c', LINK.b, '-p', String(PLAIN_PORT), '-J', '-t', String(SECONDS)]));
  const wallMs = performance.now() - t0;
  await server;
  const end = report.end;
  return { receivedBps: end.sum_received.bits_per_second, sentBps: end.sum_sent.bits_per_second, retransmits: end.sum_sent.retransmits, wallMs };
}

async function throughEdgeIpam(lab: TrafficLab): Promise<Sample> {
  const t0 = performance.now();
  const test = await runTrafficTest(lab, { from: lab.a.id, to: lab.b.id, protocol: 'tcp', durationSeconds: SECONDS });
  const wallMs = performance.now() - t0;
  if (test.state !== 'done') throw new Error(`traffic test ended ${test.state}: ${test.code} ${test.error}`);
  return { receivedBps: test.receivedBps, sentBps: test.sentBps, retransmits: test.retransmits, wallMs };
}

const mbit = (bps: number) => (bps / 1e6).toFixed(2);
const stats = (xs: number[]) => ({ mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) });

function row(rate: (typeof RATES)[number], via: string, samples: Sample[]): string {
  const r = stats(samples.map((s) => s.receivedBps));
  const sent = stats(samples.map((s) => s.sentBps));
  const retr = stats(samples.map((s) => s.retransmits));
  const wall = stats(samples.map((s) => s.wallMs / 1000));
  return `| ${rate.tc} | ${via} | ${samples.length} | ${mbit(r.mean)} / ${mbit(r.min)} / ${mbit(r.max)} | ${((r.min / rate.bps) * 100).toFixed(1)}–${((r.max / rate.bps) * 100).toFixed(1)} % | ${mbit(sent.mean)} | ${retr.mean.toFixed(0)} | ${wall.mean.toFixed(2)} s |`;
}

export async function benchTraffic(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'eipam-bench-traffic-'));
  const load = loadavg()[0]!;
  const rows: string[] = [];
  const lab = await startTrafficLab(dir, RATES[0]!.tc);
  try {
    for (const rate of RATES) {
      await lab.pair.shape(rate.tc);
      const edge: Sample[] = [];
      const ref: Sample[] = [];
      // alternated, so both see the same machine over the run
      for (let i = 0; i < RUNS; i++) {
        edge.push(await throughEdgeIpam(lab));
        ref.push(await plain(lab));
        console.error(`  ${rate.tc} run ${i + 1}: edge-ipam ${mbit(edge.at(-1)!.receivedBps)}, iperf3 ${mbit(ref.at(-1)!.receivedBps)} Mbit/s`);
      }
      rows.push(row(rate, 'edge-ipam (API → probes)', edge), row(rate, 'plain iperf3', ref));
    }
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    '## Traffic tests: measured rate against the shaped link',
    '',
    `Command: \`npm run bench -- traffic\` (${new Date().toISOString().slice(0, 10)}; ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${execFileSync('iperf3', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim()}).`,
    `The traffic suite's lab (tests/net/traffic-kit.ts): two real probes (probe/main.ts) in network namespaces, joined by veths`,
    `to a bridge in a third namespace whose port towards each probe is shaped with \`tc qdisc … tbf rate <rate> burst ${SHAPE.burst} latency ${SHAPE.latency}\`;`,
    `the Node control plane in its own namespace. "edge-ipam": \`POST /api/traffic-tests\` {from A, to B, tcp, ${SECONDS} s}, then`,
    `\`GET /api/traffic-tests/{id}\` polled every 200 ms until done (B's listener job, A's client job, the result stored). "plain iperf3":`,
    `\`iperf3 -s -1\` in B and \`iperf3 -c … -J -t ${SECONDS}\` in A, run by the bench right after each edge-ipam run. ${RUNS} runs of each per rate.`,
    `Received = iperf3's receiver count of TCP payload (headers are ~4 % of a 1500-byte frame, so a full link reads ~96 %);`,
    `wall = POST → the test read done, or iperf3 -c started → exited.`,
    '',
    '| link (tbf) | via | runs | received Mbit/s mean / min / max | of the shaped rate (min–max) | sent Mbit/s mean | retransmits mean | wall mean |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Load average (1 min) when the bench started: ${load.toFixed(2)}.`,
  ].join('\n');
}
