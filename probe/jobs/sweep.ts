import { parseCidr } from '../../schema/ip/cidr.js';
import { sweepJob, type SweepJob } from '../../schema/kinds/sweep.js';
import type { DnsServer } from '../identity/dns-client.js';
import { NameLookups } from '../identity/names.js';
import { PtrResolver } from '../identity/resolver.js';
import { splitSweep } from '../split.js';
import { Sweeper, type SweeperOptions } from '../sweep/sweeper.js';
import { JobRefused, type JobRunner } from './types.js';

export interface NamesOptions {
  /** Look up PTR names after sweeps (the server can also turn it off per subnet: `ptr: false`). */
  enabled: boolean;
  /** The DNS servers to ask; null: the system's. */
  dnsServers: DnsServer[] | null;
  /** Lookups at once, across all subnets. */
  concurrency: number;
}

export type SweepRunnerOptions = Pick<SweeperOptions, 'pingWorkers' | 'engine' | 'nmapAbove' | 'macCollection'> & {
  /** Required: a probe built in code states where its lookups go (a default of "the system's resolvers" once sent test lookups to this machine's resolver). */
  names: NamesOptions;
};

/** The `sweep` kind: one subnet, through the shared Sweeper (one ping limiter across subnets); then the names of its alive hosts. */
export function sweepRunner(opts: SweepRunnerOptions): JobRunner<SweepJob> {
  const { names: namesOpts, ...sweeperOpts } = opts;
  const sweeper = new Sweeper({ ...sweeperOpts, pingTimeoutMs: 1000, maxSweepAddresses: 65_536 });
  const names = namesOpts.enabled ? new NameLookups(new PtrResolver(namesOpts.dnsServers), namesOpts.concurrency) : null;
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
      ctx.log.info('sweep done', { subnet: subnet.cidr, up: result.up.length, macs: result.up.filter((u) => u.mac).length, ms: result.durationMs, batches: parts.length });
      if (names && subnet.ptr !== false && result.up.length) {
        const alive = result.up.map((u) => u.ip);
        // after the sweep's own batches: only the addresses whose cached name is due
        ctx.later(async () => {
          const started = performance.now();
          const items = await names.lookup(subnet.id, alive, ctx.now, ctx.signal);
          const looked = items.reduce((n, i) => n + i.names.length, 0);
          if (looked) ctx.log.info('names looked up', { subnet: subnet.cidr, addresses: looked, ms: Math.round(performance.now() - started) });
          return items;
        });
      }
      return parts.map((p) => ({ kind: 'sweep' as const, ...p }));
    },
    failureFrame: (job, code, error) => ({ type: 'sweep_failed', subnetId: job.subnetId, code, error, ...(job.jobId ? { jobId: job.jobId } : {}) }),
  };
}
