/**
 * Worker thread of the abuse bench (bench/abuse-monitor.ts starts it): asks the server's `GET /health` every
 * 10 ms over one kept-alive connection (one request in flight; a slow answer delays the next ask) and reads the
 * server process's VmRSS from /proc every 50 ms. It runs on its own thread so that the load the bench makes on
 * its main thread (writing bodies, building frames) does not delay the asks it times.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, pid } = workerData as { url: string; pid: number };
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const POLL_MS = 10;
const RSS_MS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VmRSS and VmHWM (peak since the last reset) in bytes; null once the process is gone. */
function memory(): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return null;
  }
}

function ask(): Promise<{ ms: number; ok: boolean }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = get(`${url}/health`, { agent, timeout: 120_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t0, ok: res.statusCode === 200 }));
      res.on('error', () => resolve({ ms: performance.now() - t0, ok: false }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ms: performance.now() - t0, ok: false }));
  });
}

let running = false;
let latencies: number[] = [];
let failures = 0;
let rssSamples: number[] = [];
let loops: Promise<void>[] = [];

async function pollLoop() {
  while (running) {
    const started = performance.now();
    const r = await ask();
    if (r.ok) latencies.push(r.ms);
    else failures++;
    const wait = POLL_MS - (performance.now() - started);
    if (wait > 0) await sleep(wait);
  }
}

async function rssLoop() {
  while (running) {
    const m = memory();
    if (m) rssSamples.push(m.rss);
    await sleep(RSS_MS);
  }
}

parentPort!.on('message', async (msg: { cmd: 'start' | 'stop' }) => {
  if (msg.cmd === 'start') {
    latencies = [];
    failures = 0;
    rssSamples = [];
    await ask(); // not counted: opens a fresh connection (the server closes idle kept-alive ones between cases)
    // "5" resets the process's peak resident set (VmHWM) to its current size (proc(5), clear_refs)
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const start = memory();
    running = true;
    loops = [pollLoop(), rssLoop()];
    parentPort!.postMessage({ type: 'started', rss: start?.rss ?? NaN });
  } else {
    running = false;
    await Promise.all(loops);
    const end = memory();
    parentPort!.postMessage({ type: 'stopped', latencies, failures, rssSamples, hwm: end?.hwm ?? NaN, rss: end?.rss ?? NaN });
  }
});
