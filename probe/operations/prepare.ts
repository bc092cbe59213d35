/** What every operation runner does first: resolve the target and check this probe may go there. */
import { canonicalIp } from '../../schema/ip/cidr.js';
import { specialTarget, unmapIPv4 } from '../../schema/ip/special.js';
import type { OperationJob } from '../../schema/kinds/operation.js';
import { deadlineSignal } from '../deadline.js';
import { JobRefused, type JobContext } from '../jobs/types.js';
import { targetAllowed } from './allow.js';
import { OperationFailed } from './failure.js';
import type { Resolve } from './resolve.js';

export interface OperationOptions {
  /** ALLOWED_TARGETS (CIDRs); empty: any. */
  allowedTargets: readonly string[];
  resolve: Resolve;
  pingBin: string;
  mtrBin: string;
  tracerouteBin: string;
  /** PTR names of mtr and traceroute hops (the probe's resolver); without it, hops have no names. */
  reverseName?: (ip: string, signal: AbortSignal) => Promise<string | null>;
}

const notAllowed = (address: string, target: string) =>
  `${address}${address === target ? '' : ` (${target})`} is outside this probe's ALLOWED_TARGETS; the probe does not run operations there`;

/** An address target outside the allow-list is refused before the run is reported started. */
export function refuseTarget(job: Pick<OperationJob, 'target'>, opts: Pick<OperationOptions, 'allowedTargets'>): JobRefused | null {
  const text = canonicalIp(job.target);
  if (!text) return null;
  const ip = unmapIPv4(text);
  const special = specialTarget(ip);
  if (special) return new JobRefused('target_not_allowed', `${special}; the probe does not run operations there`);
  return targetAllowed(ip, opts.allowedTargets) ? null : new JobRefused('target_not_allowed', notAllowed(ip, ip));
}

export interface Prepared {
  address: string;
  family: 4 | 6;
  /** The job's time limit and the probe's stop in one. */
  signal: AbortSignal;
  timedOut: () => boolean;
}

export async function prepareRun(job: OperationJob, ctx: JobContext, opts: OperationOptions): Promise<Prepared> {
  const { signal, timedOut } = deadlineSignal(ctx.signal, job.timeoutMs);
  const resolved = await opts.resolve(job.target, job.family, signal);
  // a mapped address is run as the IPv4 address it carries, as the allow-list judges it
  const address = unmapIPv4(resolved.address);
  const family = address.includes(':') ? 6 : 4;
  if (job.family && family !== job.family) throw new OperationFailed('resolve_failed', `${job.target} is not an IPv${job.family} address`);
  const special = specialTarget(address);
  if (special) throw new OperationFailed('target_not_allowed', `${special}${address === job.target ? '' : ` (${job.target})`}; the probe does not run operations there`);
  // a hostname's address is judged too: a name pointing outside the list is refused like the address itself
  if (!targetAllowed(address, opts.allowedTargets)) throw new OperationFailed('target_not_allowed', notAllowed(address, job.target));
  return { address, family, signal, timedOut };
}
