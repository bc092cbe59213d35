import { portScanRunner, type PortScanOptions } from './port-scan.js';
import { ptrNameLookup } from '../identity/resolver.js';
import { sweepRunner, type SweepRunnerOptions } from './sweep.js';
import { tracerouteRunner, type TracerouteOptions } from './traceroute.js';
import type { JobRunner } from './types.js';

export type RunnerOptions = SweepRunnerOptions & { portScan: PortScanOptions; traceroute?: TracerouteOptions };

/** Every kind of work this probe runs, one module each; `hello` announces their kinds. */
export function jobRunners(opts: RunnerOptions): JobRunner[] {
  return [sweepRunner(opts), portScanRunner(opts.portScan), tracerouteRunner(withHopNames(opts))] as JobRunner[];
}

/** Hop names through the probe's resolver, unless names are off or the options bring their own. */
const withHopNames = (opts: RunnerOptions) =>
  opts.names.enabled ? { reverseName: ptrNameLookup(opts.names.dnsServers), ...opts.traceroute } : opts.traceroute;
