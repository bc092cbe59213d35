/**
 * 200 simulated probes (real WebSocket clients speaking the real protocol) against each host:
 * every probe sends a sweep of its /28 every 2 s for 30 s. Reports batches and samples stored per
 * second (acknowledged = committed), ack latency, and the server's memory.
 */
import { formatIp, parseCidr } from '../schema/ip/cidr.js';
import { RawProbe } from '../tests/support/server.js';
import { client, login, type HostName } from '../tests/support/targets.js';
import { waitFor } from '../tests/support/wait.js';
import { startBenchHost, treeRssMiB } from './hosts.js';

const PROBES = 200;
const PERIOD_MS = 2000;
const DURATION_MS = 30_000;
const UP_PER_SWEEP = 14; // a /28 with every usable address alive

async function run(host: HostName) {
  const server = await startBenchHost(host);
  const pid = server.pid;
  try {
    const api = client(server.url, await login(server.url));
    const block = parseCidr('198.18.0.0/17');
    const probes: { ws: RawProbe; subnetId: number; ips: string[] }[] = [];
    for (let i = 0; i < PROBES; i++) {
      const p = (await api('POST', '/api/probes', { name: `sim-${i}` })).body;
      const first = block.first + BigInt(i * 16);
      const s = (await api('POST', '/api/subnets', { cidr: `${formatIp(first, 4)}/28`, probeId: p.id })).body;
      const ips = Array.from({ length: UP_PER_SWEEP }, (_, k) => formatIp(first + 1n + BigInt(k), 4));
      probes.push({ ws: await RawProbe.connect(server.url, p.token), subnetId: s.id, ips });
    }
    await Promise.all(probes.map((p) => p.ws.next('assignment')));
    const rssIdle = treeRssMiB(pid);

    const latencies: number[] = [];
    let acked = 0;
    const sentAt = new Map<string, number>();
    for (const p of probes) {
      p.ws.ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type !== 'ack') return;
        acked++;
        latencies.push(performance.now() - sentAt.get(m.batchId)!);
      });
    }
    const t0 = performance.now();
    let sent = 0;
    let rssPeak = rssIdle;
    const intervals: NodeJS.Timeout[] = [];
    const timers = probes.map((p, i) => {
      let seq = 0;
      const send = () => {
        const batchId = `sim-${i}-${++seq}`;
        sentAt.set(batchId, performance.now());
        p.ws.send({ type: 'results', batchId, sweeps: [{ subnetId: p.subnetId, at: Date.now(), durationMs: 5, complete: true, up: p.ips.map((ip) => ({ ip, latencyMs: 0.3 })), down: [] }] });
        sent++;
      };
      // spread the fleet over the period, like real probes with jitter
      const start = setTimeout(() => {
        send();
        intervals.push(setInterval(send, PERIOD_MS));
      }, (i * PERIOD_MS) / PROBES);
      return start;
    });
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, treeRssMiB(pid))), 1000);
    await new Promise((r) => setTimeout(r, DURATION_MS));
    timers.forEach(clearTimeout);
    intervals.forEach(clearInterval);
    await waitFor('all acks', () => acked >= sent, 60_000, 100).catch(() => {});
    clearInterval(sampler);
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    probes.forEach((p) => p.ws.close());
    return { host, sent, acked, seconds, perSecond: acked / seconds, samplesPerSecond: (acked * UP_PER_SWEEP) / seconds, p50: pct(0.5), p95: pct(0.95), rssIdle, rssPeak };
  } finally {
    await server.close();
  }
}

export async function benchProbes(): Promise<string> {
  const rows = [await run('node'), await run('edge')];
  return [
    '## 200 probes: messages stored per second, both hosts',
    '',
    `Command: \`npm run bench -- probes\`. ${PROBES} simulated probes (real WebSocket clients speaking the real protocol, one`,
    `process) each send a sweep of their /28 (${UP_PER_SWEEP} hosts up) every ${PERIOD_MS / 1000} s for ${DURATION_MS / 1000} s, spread evenly over the period.`,
    'Node: `npm start` as its own process with a libSQL file. Workers: `wrangler dev` (workerd, local D1 and Durable Objects).',
    'Memory is the resident set of the server process tree (for Workers: wrangler plus workerd), idle after connecting and peak under load.',
    '',
    '| host | batches sent | acked | batches/s stored | samples/s | ack p50 | ack p95 | RSS idle → peak |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.host === 'node' ? 'Node (libSQL)' : 'Workers (workerd, D1)'} | ${r.sent} | ${r.acked} | ${r.perSecond.toFixed(1)} | ${Math.round(r.samplesPerSecond)} | ${r.p50.toFixed(0)} ms | ${r.p95.toFixed(0)} ms | ${r.rssIdle.toFixed(0)} → ${r.rssPeak.toFixed(0)} MiB |`,
    ),
    '',
    `The offered load is ${PROBES / (PERIOD_MS / 1000)} batches/s; a host that keeps up stores all of them with a short ack time.`,
    '',
    '`wrangler dev` runs every Durable Object and the local D1 inside one workerd process on this 2-core machine, so the',
    'Workers row measures the emulator more than Cloudflare, and it moves from run to run. An A/B on 2026-11-26, the Workers',
    'half only, alternating the commit before the live feed and the current code: 70.6, 89.6, 70.1, 86.0 batches/s before;',
    '68.3, 66.6, 76.3, 62.2 now. The live feed costs each batch one Durable Object round trip (its hosts event); the',
    '99.3 batches/s recorded before it arrived is not reproduced by that older commit on this machine today either.',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchProbes());
