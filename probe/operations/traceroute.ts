import { opTracerouteJob, type OpTracerouteJob } from '../../schema/kinds/operation.js';
import { parseHopLine } from '../jobs/traceroute-parse.js';
import { traceHops, tracerouteArgv } from '../jobs/traceroute.js';
import type { JobRunner } from '../jobs/types.js';
import { OperationFailed } from './failure.js';
import { prepareRun, refuseTarget, type OperationOptions } from './prepare.js';
import { runTool } from './spawn.js';

/** traceroute to any target this probe may reach (the host trace of `probe/jobs/traceroute.ts` is for the IPAM's own hosts). */
export function tracerouteOperationRunner(opts: OperationOptions): JobRunner<OpTracerouteJob> {
  return {
    kind: 'op-traceroute',
    schema: opTracerouteJob,
    pool: 'operations',
    shareKey: (job) => `op:${job.jobId}`,
    refuse: (job) => refuseTarget(job, opts),
    async run(job, ctx) {
      const run = await prepareRun(job, ctx, opts);
      const at = ctx.now();
      let seen = 0;
      const out = await runTool({
        bin: opts.tracerouteBin,
        apt: 'traceroute',
        argv: tracerouteArgv(run.address, run.family, job.maxHops),
        signal: run.signal,
        timedOut: run.timedOut,
        onLine: (line) => {
          const hop = parseHopLine(line)?.hop ?? 0;
          if (hop > seen) ctx.progress(Math.min((seen = hop), job.maxHops), job.maxHops);
        },
      });
      if (out.code !== 0) throw new OperationFailed('tool_failed', `traceroute exited with ${out.code}: ${out.stderr || 'no output'}`);
      const { hops, reached } = await traceHops(out.stdout, run.address, job.maxHops, opts.reverseName, run.signal);
      ctx.log.info('traceroute done', { jobId: job.jobId, address: run.address, hops: hops.length, reached });
      return [{ kind: 'operation', jobId: job.jobId, at, seq: 0, final: true, address: run.address, result: { tool: 'traceroute', reached, hops } }];
    },
  };
}
