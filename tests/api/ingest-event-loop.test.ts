import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIp, parseCidr } from '../../schema/ip/cidr.js';
import { MAX_FRAME_SAMPLES, MAX_RESULTS_PER_FRAME } from '../../schema/protocol.js';
import { RawProbe, startTestServer } from '../support/server.js';
import { client } from '../support/targets.js';

// A results frame's parsing and planning run on the event loop (its write on the database thread).
// MAX_FRAME_SAMPLES is chosen so that the heaviest legal frame stays well under ~100 ms (docs/ARCHITECTURE.md).
const LIMIT_MS = 150;
const PER_SWEEP = Math.floor(MAX_FRAME_SAMPLES / MAX_RESULTS_PER_FRAME);

let server: Awaited<ReturnType<typeof startTestServer>>;
let probe: RawProbe;
let subnetId: number;
const cidr = parseCidr('198.18.0.0/16');
let batch = 0;

/** Sends a frame and waits for its ack, watching the event loop meanwhile: its longest stall, in ms. */
async function timed(sweeps: object[]) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let worstGap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
  }, 5);
  histogram.enable();
  const batchId = `loop-${batch++}`;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  probe.send({ type: 'results', batchId, sweeps });
  const ack = await probe.next('ack', 20_000);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await new Promise((r) => setTimeout(r, 20)); // let the interval see the loop free again
  clearInterval(tick);
  histogram.disable();
  return { ack, batchId, wallMs, cpuMs, stallMs: Math.max(histogram.max / 1e6, worstGap) };
}

const addresses = (from: number, n: number) => Array.from({ length: n }, (_, i) => formatIp(cidr.first + BigInt(from + i), 4));
const part = (at: number, from: number, n: number, answering: boolean) => ({
  subnetId,
  at,
  durationMs: 1,
  complete: true,
  range: [formatIp(cidr.first + BigInt(from), 4), formatIp(cidr.first + BigInt(from + n - 1), 4)],
  up: answering ? addresses(from, n).map((ip, i) => ({ ip, latencyMs: 0.1 + (i % 50) / 10 })) : [],
  down: [],
});
/** Addresses no frame has used yet, so a retried case is the same case again. */
let unused = 20_000;
const fresh = (n: number) => (unused += n) - n;
let clockStep = 0;
const at = () => Date.now() - 600_000 + clockStep++ * 1000;

beforeAll(async () => {
  server = await startTestServer();
  const api = client(server.url, await server.login());
  const p = (await api('POST', '/api/probes', { name: 'loop' })).body;
  subnetId = (await api('POST', '/api/subnets', { cidr: cidr.cidr, probeId: p.id })).body.id;
  probe = await RawProbe.connect(server.url, p.token);
  await probe.next('assignment');
  // the hosts the silent case finds, created by frames the way a probe sends them; this also warms the paths measured
  // (a server that has run for a minute has run them), so what is timed is the frame, not the JIT
  for (let from = 1; from <= MAX_FRAME_SAMPLES; from += 100) expect((await timed([part(at(), from, 100, true)])).ack.refused).toBeUndefined();
  for (let i = 0; i < 3; i++) expect((await timed(Array.from({ length: MAX_RESULTS_PER_FRAME }, () => part(at(), fresh(10), 10, true)))).ack.refused).toBeUndefined();
}, 60_000);
afterAll(async () => {
  probe?.close();
  await server?.close();
});

describe('a maximal results frame on the Node host', () => {
  const figures: string[] = [];
  afterAll(() => console.log(`event loop, longest stall per frame (${MAX_FRAME_SAMPLES} samples):\n  ${figures.join('\n  ')}`));

  // Timing on a shared 2-core machine: a case is tried up to three times, each time with a fresh frame, since a busy
  // neighbour can deschedule the process mid-frame (seen: 400 ms of stall for 55 ms of CPU). The CPU the process
  // spent on the frame does not depend on the neighbours. A frame that really holds the loop (the hostile
  // frame on today's code: 600 ms) fails every attempt.
  it.each<[string, () => { sweeps: { at: number }[]; samples: number }]>([
    ['new hosts: every address of a part answers for the first time', () => ({ sweeps: [part(at(), fresh(MAX_FRAME_SAMPLES), MAX_FRAME_SAMPLES, true)], samples: MAX_FRAME_SAMPLES })],
    ['known hosts all silent (a sample each, events once they go down)', () => ({ sweeps: [part(at(), 1, MAX_FRAME_SAMPLES, false)], samples: MAX_FRAME_SAMPLES })],
    [
      `${MAX_RESULTS_PER_FRAME} sweeps of new hosts at different times`,
      () => ({ sweeps: Array.from({ length: MAX_RESULTS_PER_FRAME }, () => part(at(), fresh(PER_SWEEP), PER_SWEEP, true)), samples: PER_SWEEP * MAX_RESULTS_PER_FRAME }),
    ],
    [
      `refused: ${MAX_RESULTS_PER_FRAME} complete sweeps of the whole /16`,
      () => ({ sweeps: Array.from({ length: MAX_RESULTS_PER_FRAME }, () => ({ subnetId, at: at(), durationMs: 1, complete: true, up: [], down: [] })), samples: 0 }),
    ],
  ])(`%s, without holding the loop for ${LIMIT_MS} ms`, { retry: 2 }, async (name, frame) => {
    const { sweeps, samples } = frame();
    const { ack, batchId, wallMs, cpuMs, stallMs } = await timed(sweeps);
    figures.push(`${name}: ${stallMs.toFixed(0)} ms stall, ${wallMs.toFixed(0)} ms to the ack, ${cpuMs.toFixed(0)} ms CPU`);
    expect(ack).toMatchObject({ batchId, duplicate: false });
    if (samples) expect(ack.refused).toBeUndefined();
    else expect(ack.refused).toMatchObject({ code: 'too_many_samples' });
    // a part's samples are its own range's: nothing outside it is marked silent
    const [{ n }] = (await server.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM host_samples WHERE at IN (SELECT value FROM json_each(${JSON.stringify(sweeps.map((s) => s.at))}))`)) as [{ n: number }];
    expect(n).toBe(samples);
    expect(cpuMs).toBeLessThan(LIMIT_MS);
    expect(stallMs).toBeLessThan(LIMIT_MS);
  });
});
