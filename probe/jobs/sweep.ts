import { parseCidr } from '../../schema/ip/cidr.js';
import { sweepJob, type SweepJob } from '../../schema/kinds/sweep.js';
import { splitSweep } from '../split.js';
import { Sweeper, type SweeperOptions } from '../sweep/sweeper.js';
import { JobRefused, type JobRunner } from './types.js';

/** The `sweep` kind: one subnet, through the shared Sweeper (one ping limiter across subnets). */
export function sweepRunner(opts: Pick<SweeperOptions, 'pingWorkers' | 'engine' | 'nmapAbove'>): JobRunner<SweepJob> {
  const sweeper = new Sweeper({ ...opts, pingTimeoutMs: 1000, maxSweepAddresses: 65_536 });
  return {
    kind: 'sweep',
    schema: sweepJob,
    shareKey: (job) => `sweep:${job.subnetId}`,
    refuse: (job, ctx) => (ctx.assigned.has(job.subnetId) ? null : new JobRefused('not_assigned', `subnet ${job.subnetId} is not assigned to this probe`)),
    async run(job, ctx) {
      // refuse() has checked it, in the same turn
      const subnet = ctx.assigned.get(job.subnetId)!;
      sweeper.update({ pingTimeoutMs: ctx.limits.pingTimeoutMs, maxSweepAddresses: ctx.limits.maxSweepAddresses });
      const result = await sweeper.sweep(subnet, ctx.now, ctx.progress);
      // a big block goes as several batches, each within what the server writes at once (MAX_FRAME_SAMPLES)
      const parts = splitSweep(job.jobId ? { ...result, jobId: job.jobId } : result, parseCidr(subnet.cidr));
      ctx.log.info('sweep done', { subnet: subnet.cidr, up: result.up.length, ms: result.durationMs, batches: parts.length });
      return parts.map((p) => ({ kind: 'sweep' as const, ...p }));
    },
    failureFrame: (job, code, error) => ({ type: 'sweep_failed', subnetId: job.subnetId, code, error, ...(job.jobId ? { jobId: job.jobId } : {}) }),
  };
}
