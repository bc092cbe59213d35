/**
 * A ping operation to 20 simulated probes (real WebSocket clients speaking the real protocol), on each host: the time
 * from POST /api/operations to the 202, to the last job arriving at a probe, to the last `operation` done event on
 * /api/live and to GET /api/operations/{id} showing all 20 runs done. Two variants: the final result at once, and 5
 * streamed snapshots before it. Repeated RUNS times after WARMUP unmeasured ones.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { caller } from '../tests/support/http.js';
import { login, type HostName } from '../tests/support/targets.js';
import { hostLabel, startBenchHost } from './hosts.js';
import { SimFleet, TimedLive } from './operations-sim.js';

const PROBES = 20;
const RUNS = 20;
const WARMUP = 2;
const COUNT = 5;
const TARGET = '198.18.0.10';
const POLL_GAP_MS = 10;
const VARIANTS = [
  { name: 'final at once', snapshots: 0 },
  { name: '5 snapshots + final', snapshots: 5 },
];
// the default (10 a minute per user) would stop the bench after ten operations
const ENV = { OPERATIONS_PER_MINUTE: '1000' };
// wrangler dev sometimes holds a request for many seconds under this load: slow is a figure, a minute is a stall
const REQUEST_TIMEOUT_MS = 60_000;

const client = (url: string, cookie: string) => caller((path, init) => fetch(url + path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }), { cookie }, url);
type Api = ReturnType<typeof client>;
interface Sample {
  accepted: number;
  lastJob: number;
  lastEvent: number;
  allDone: number;
  polls: number;
}

/** One operation, timed; every figure in ms from just before the POST. */
async function once(api: Api, live: TimedLive, fleet: SimFleet, probeIds: number[]): Promise<Sample> {
  const jobs: number[] = [];
  fleet.onJob = (at) => jobs.push(at);
  const t0 = performance.now();
  const res = await api('POST', '/api/operations', { kind: 'ping', target: TARGET, probes: probeIds, count: COUNT });
  const accepted = performance.now() - t0;
  if (res.status !== 202) throw new Error(`POST /api/operations answered ${res.status}: ${JSON.stringify(res.body)}`);
  const id: string = res.body.id;
  let polls = 0;
  let allDone = NaN;
  const deadline = t0 + REQUEST_TIMEOUT_MS;
  for (;;) {
    const op = (await api('GET', `/api/operations/${id}`)).body;
    polls++;
    if (op.counts?.done === PROBES) {
      allDone = performance.now() - t0;
      const wrong = op.runs.filter((r: any) => r.result?.received !== COUNT || r.address !== TARGET);
      if (wrong.length) throw new Error(`runs with the wrong result: ${JSON.stringify(wrong[0])}`);
      break;
    }
    if (op.counts && op.counts.done + op.counts.failed + op.counts.offline + op.counts.unsupported === PROBES) throw new Error(`runs ended but not done: ${JSON.stringify(op.counts)}, e.g. ${JSON.stringify(op.runs.find((r: any) => r.state !== 'done'))}`);
    if (performance.now() > deadline) throw new Error(`operation ${id} not done after ${REQUEST_TIMEOUT_MS / 1000} s: ${JSON.stringify(op.counts)}`);
    await new Promise((r) => setTimeout(r, POLL_GAP_MS));
  }
  await fleet.settle();
  const done = new Map<number, number>();
  for (const e of live.events) if (e.event === 'operation' && e.data.operationId === id && e.data.state === 'done') done.set(e.data.probeId, e.at);
  if (done.size !== PROBES || jobs.length !== PROBES) throw new Error(`heard ${done.size} done events and ${jobs.length} jobs of ${PROBES}`);
  return { accepted, lastJob: Math.max(...jobs) - t0, lastEvent: Math.max(...done.values()) - t0, allDone, polls };
}

async function run(host: HostName) {
  const server = await startBenchHost(host, ENV);
  try {
    const cookie = await login(server.url);
    const api = client(server.url, cookie);
    const enrolled: { id: number; token: string }[] = [];
    for (let i = 0; i < PROBES; i++) enrolled.push((await api('POST', '/api/probes', { name: `op-sim-${i}`, site: i < PROBES / 2 ? 'east' : 'west' })).body);
    const fleet = await SimFleet.connect(server.url, enrolled, TARGET, () => {});
    const live = await TimedLive.open(server.url, cookie);
    const out: { variant: string; samples: Sample[]; frames: number; failure: string | null }[] = [];
    const load = loadavg()[0]!;
    try {
      for (const v of VARIANTS) {
        fleet.snapshots = v.snapshots;
        const samples: Sample[] = [];
        let failure: string | null = null;
        for (let i = 0; i < WARMUP + RUNS && !failure; i++) {
          try {
            const s = await once(api, live, fleet, enrolled.map((e) => e.id));
            console.error(`  ${host} ${v.name} #${i + 1}: 202 ${s.accepted.toFixed(0)} ms, all done ${s.allDone.toFixed(0)} ms`);
            if (i >= WARMUP) samples.push(s);
          } catch (e) {
            // a stalled host is a result too: the row says so, and the rest of this host is not measured
            failure = `operation ${i + 1} (warm-ups included): ${(e as Error).message.slice(0, 200)}`;
            console.error(`  ${host} ${v.name}: ${failure}`);
          }
        }
        out.push({ variant: v.name, samples, frames: v.snapshots + 3, failure });
        if (failure) break;
      }
      if (fleet.rejected) throw new Error(`the server refused ${fleet.rejected} result items`);
    } finally {
      live.close();
      fleet.close();
    }
    return { host, variants: out, load };
  } finally {
    await server.close();
  }
}

/** Nearest-rank percentiles of a small sample. */
function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const rank = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)]!;
  return { p50: rank(0.5), p95: rank(0.95), max: s.at(-1)! };
}
const fmt = (xs: number[]) => {
  const { p50, p95, max } = stats(xs);
  return `${p50.toFixed(0)} / ${p95.toFixed(0)} / ${max.toFixed(0)} ms`;
};

function machine(): string {
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0]!;
    } catch {
      return 'unknown';
    }
  };
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, wrangler ${version('node_modules/.bin/wrangler', ['--version'])}`;
}

export async function benchOperations(): Promise<string> {
  const rows = [await run('node'), await run('edge')];
  return [
    `## Operations: a ping to ${PROBES} probes, both hosts`,
    '',
    `Command: \`npm run bench -- operations\` (${new Date().toISOString().slice(0, 10)}; ${machine()}).`,
    `${PROBES} simulated probes (real WebSocket clients speaking the real protocol, one process, hello as a 0.6 probe`,
    'with the operation tools) are connected; one operation at a time, `POST /api/operations` a ping (count ' + `${COUNT}) to all ${PROBES} by id.`,
    'Each probe answers its `op-ping` job at once, with the frames the agent sends: `job_status` started, the results',
    '(each snapshot its own batch, without waiting for acks), `job_status` done. "final at once": one final result;',
    '"5 snapshots + final": five partial results (1 to 5 replies) then the final one. No packet is sent: the results',
    `are made up (${COUNT} replies, 0.25 to 1.2 ms). Node: \`npm start\` as its own process with a libSQL file. Workers:`,
    '`wrangler dev` (workerd, local D1 and Durable Objects). OPERATIONS_PER_MINUTE=1000 (the default 10 would stop it).',
    `${RUNS} measured operations per row after ${WARMUP} unmeasured ones; figures are median / p95 / max, from just before`,
    'the POST to: its 202; the last job arriving at a probe; the last run\'s `operation` done event on `GET /api/live`',
    `(one subscriber); \`GET /api/operations/{id}\` first showing all ${PROBES} runs done (polled back to back, ${POLL_GAP_MS} ms apart).`,
    '',
    '| host | variant | frames per probe | POST → 202 | → last job at a probe | → last done event | → GET shows all done |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.flatMap((r) =>
      r.variants.map((v) =>
        v.failure
          ? `| ${hostLabel(r.host)} | ${v.variant} | ${v.frames} | stalled at ${v.failure} | | | |`
          : `| ${hostLabel(r.host)} | ${v.variant} | ${v.frames} | ${fmt(v.samples.map((s) => s.accepted))} | ${fmt(v.samples.map((s) => s.lastJob))} | ${fmt(v.samples.map((s) => s.lastEvent))} | ${fmt(v.samples.map((s) => s.allDone))} |`,
      ),
    ),
    '',
    `Load average (1 min) when each host started measuring: ${rows.map((r) => `${r.host} ${r.load.toFixed(2)}`).join(', ')}.`,
    '',
    'The jobs go out while the POST is answered (one per run, all at once), so the last job can reach its probe before the',
    '202 does; the results then take one stored batch per frame. The GET column includes one poll round trip; the',
    'done event is what the Operations page waits on before it reads the operation again.',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchOperations());
