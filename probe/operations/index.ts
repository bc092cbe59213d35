import type { Logger } from '../../schema/log.js';
import { findExecutable } from '../executable.js';
import type { JobRunner } from '../jobs/types.js';
import { mtrRunner } from './mtr.js';
import { pingRunner } from './ping.js';
import type { OperationOptions } from './prepare.js';
import { tracerouteOperationRunner } from './traceroute.js';

/** Each tool, one module: offered (announced in `hello`) only when its binary is there. */
const TOOLS: { bin: (o: OperationOptions) => string; apt: string; runner: (o: OperationOptions) => JobRunner }[] = [
  { bin: (o) => o.pingBin, apt: 'iputils-ping', runner: (o) => pingRunner(o) as JobRunner },
  { bin: (o) => o.mtrBin, apt: 'mtr-tiny', runner: (o) => mtrRunner(o) as JobRunner },
  { bin: (o) => o.tracerouteBin, apt: 'traceroute', runner: (o) => tracerouteOperationRunner(o) as JobRunner },
];

export function operationRunners(opts: OperationOptions, log?: Logger): JobRunner[] {
  const runners: JobRunner[] = [];
  for (const tool of TOOLS) {
    const bin = tool.bin(opts);
    if (findExecutable(bin)) runners.push(tool.runner(opts));
    else log?.warn(`${bin} not found: operations with it are not offered by this probe (apt-get install ${tool.apt})`, { bin });
  }
  if (!opts.allowedTargets.length) log?.info('operations may target any address (set ALLOWED_TARGETS to CIDRs to bound them)');
  else log?.info('operations only to ALLOWED_TARGETS', { allowed: opts.allowedTargets });
  return runners;
}
