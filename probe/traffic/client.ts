import { setTimeout as sleep } from 'node:timers/promises';
import { trafficClientJob, type TrafficClientJob } from '../../schema/kinds/traffic.js';
import { JobRefused, type JobRunner } from '../jobs/types.js';
import { runTool } from '../operations/spawn.js';
import { parseIperf3Json } from './iperf3-json.js';
import { IPERF3_APT, runSignal, targetRefusal, TrafficFailed, type TrafficOptions } from './options.js';

/** How long iperf3 waits for one connect (ms), and the pause before another try after a refusal. */
const CONNECT_TIMEOUT_MS = 3_000;
const RETRY_PAUSE_MS = 250;

/** -J: one JSON report at the end; a refused or failed connect is in that report too. */
export const iperf3ClientArgv = (job: TrafficClientJob): string[] => [
  '-c', job.target, '-p', String(job.port), '-J', '-t', String(job.durationSeconds),
  ...(job.protocol === 'udp' ? ['-u'] : []),
  ...(job.bandwidthBps ? ['-b', String(job.bandwidthBps)] : []),
  ...(job.parallel > 1 ? ['-P', String(job.parallel)] : []),
  ...(job.reverse ? ['-R'] : []),
  '--connect-timeout', String(CONNECT_TIMEOUT_MS),
];

/** The sending side of a traffic test: iperf3 -c to an address within ALLOWED_TARGETS, its report as one `traffic` item. */
export function trafficClientRunner(opts: TrafficOptions): JobRunner<TrafficClientJob> {
  return {
    kind: 'traffic-client',
    schema: trafficClientJob,
    pool: 'traffic',
    shareKey: (job) => `traffic:${job.jobId}`,
    refuse: (job) => {
      const why = targetRefusal(job.target, opts.allowedTargets);
      return why ? new JobRefused('target_not_allowed', why) : null;
    },
    async run(job, ctx) {
      const { signal, timedOut } = runSignal(ctx, job.timeoutMs);
      const waitUntil = ctx.now() + job.connectWaitMs;
      for (let attempt = 1; ; attempt++) {
        const at = ctx.now();
        // iperf3 says nothing until its report: progress is the share of the test's seconds gone by
        const timer = setInterval(() => ctx.progress(Math.min(job.durationSeconds, Math.floor((ctx.now() - at) / 1000)), job.durationSeconds), 1_000);
        let out;
        try {
          out = await runTool({ bin: opts.iperf3Bin, apt: IPERF3_APT, argv: iperf3ClientArgv(job), signal, timedOut });
        } finally {
          clearInterval(timer);
        }
        if (!out.stdout.trim() && out.code !== 0) throw new TrafficFailed('tool_failed', `iperf3 exited with ${out.code}: ${out.stderr || 'no output'}`);
        const parsed = parseIperf3Json(out.stdout);
        if (parsed.ok) {
          ctx.log.info('traffic test done', { jobId: job.jobId, testId: job.testId, target: job.target, receivedBps: Math.round(parsed.result.receivedBps), attempts: attempt });
          return [{ kind: 'traffic', jobId: job.jobId, testId: job.testId, at, durationMs: ctx.now() - at, address: job.target, result: parsed.result }];
        }
        // the target probe's listener may start a moment after this job arrived
        if (!parsed.refused || ctx.now() + RETRY_PAUSE_MS > waitUntil) {
          const waited = parsed.refused && attempt > 1 ? ` (refused for ${Math.round(job.connectWaitMs / 100) / 10} s)` : '';
          throw new TrafficFailed(parsed.code, `${job.target} port ${job.port}: ${parsed.message}${waited}`);
        }
        await sleep(RETRY_PAUSE_MS, undefined, { signal }).catch(() => {
          throw timedOut() ? new TrafficFailed('timeout', 'the traffic test ran past its time limit and was stopped') : new TrafficFailed('stopped', 'the probe stopped during the traffic test');
        });
      }
    },
  };
}
