import { opMtrJob, type OpMtrJob } from '../../schema/kinds/operation.js';
import type { JobRunner } from '../jobs/types.js';
import { OperationFailed } from './failure.js';
import { parseMtrJson } from './mtr-parse.js';
import { namesOf } from '../jobs/traceroute.js';
import { prepareRun, refuseTarget, type OperationOptions } from './prepare.js';
import { runTool } from './spawn.js';

/** mtr's -s is the whole packet; the API's packet size is the payload, as ping's -s (IPv4 20 + ICMP 8, IPv6 40 + 8). */
const HEADER_BYTES = { 4: 28, 6: 48 } as const;

/** mtr refuses an interval below a second to a user other than root. */
const UNPRIVILEGED_MIN_INTERVAL_MS = 1000;
export const mtrIntervalMs = (asked: number, root: boolean) => (root ? asked : Math.max(asked, UNPRIVILEGED_MIN_INTERVAL_MS));

/** Seconds mtr waits for late answers after its last cycle (its own default, 5, makes a short run mostly waiting). */
const GRACE_SECONDS = 2;

/** -n: mtr resolves no names itself (the probe's resolver names the hops); --json: one report at the end. */
export const mtrArgv = (job: OpMtrJob, address: string, family: 4 | 6, intervalMs: number): string[] => [
  '--json', '-n', family === 6 ? '-6' : '-4', '-G', String(GRACE_SECONDS),
  '-c', String(job.count), '-i', String(intervalMs / 1000), '-s', String(job.packetSize + HEADER_BYTES[family]), '-m', String(job.maxHops),
  address,
];

/** mtr: per-hop loss and latency over `count` cycles. */
export function mtrRunner(opts: OperationOptions): JobRunner<OpMtrJob> {
  return {
    kind: 'op-mtr',
    schema: opMtrJob,
    pool: 'operations',
    shareKey: (job) => `op:${job.jobId}`,
    refuse: (job) => refuseTarget(job, opts),
    async run(job, ctx) {
      const run = await prepareRun(job, ctx, opts);
      const started = ctx.now();
      const intervalMs = mtrIntervalMs(job.intervalMs, process.getuid?.() === 0);
      if (intervalMs !== job.intervalMs) ctx.log.info('mtr interval raised to a second: this probe does not run as root', { jobId: job.jobId, asked: job.intervalMs });
      const span = job.count * intervalMs;
      // mtr says nothing until its report: progress is the share of its cycles' time gone by
      const timer = setInterval(() => ctx.progress(Math.min(99, Math.floor(((ctx.now() - started) / span) * 100)), 100), 1_000);
      let out;
      try {
        out = await runTool({ bin: opts.mtrBin, apt: 'mtr-tiny', argv: mtrArgv(job, run.address, run.family, intervalMs), signal: run.signal, timedOut: run.timedOut });
      } finally {
        clearInterval(timer);
      }
      if (out.code !== 0) throw new OperationFailed('tool_failed', `mtr exited with ${out.code}: ${out.stderr || 'no output'}`);
      let result;
      try {
        result = parseMtrJson(out.stdout);
      } catch (e) {
        throw new OperationFailed('tool_failed', `mtr's report could not be read: ${(e as Error).message}`);
      }
      const names = await namesOf(result.hops.flatMap((h) => (h.address === null ? [] : [h.address])), opts.reverseName, run.signal);
      result.hops = result.hops.map((h) => ({ ...h, name: h.address === null ? null : (names.get(h.address) ?? null) }));
      ctx.progress(100, 100);
      ctx.log.info('mtr done', { jobId: job.jobId, address: run.address, hops: result.hops.length });
      return [{ kind: 'operation', jobId: job.jobId, at: started, seq: 0, final: true, address: run.address, result }];
    },
  };
}
