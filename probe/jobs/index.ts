import { portScanRunner, type PortScanOptions } from './port-scan.js';
import { sweepRunner } from './sweep.js';
import { tracerouteRunner, type TracerouteOptions } from './traceroute.js';
import type { SweeperOptions } from '../sweep/sweeper.js';
import type { JobRunner } from './types.js';

export type RunnerOptions = Pick<SweeperOptions, 'pingWorkers' | 'engine' | 'nmapAbove'> & { portScan: PortScanOptions; traceroute?: TracerouteOptions };

/** Every kind of work this probe runs, one module each; `hello` announces their kinds. */
export function jobRunners(opts: RunnerOptions): JobRunner[] {
  return [sweepRunner(opts), portScanRunner(opts.portScan), tracerouteRunner(opts.traceroute)] as JobRunner[];
}
