import type { Logger } from '../../schema/log.js';
import { findExecutable } from '../executable.js';
import { portScanRunner, type PortScanOptions } from './port-scan.js';
import { ptrNameLookup } from '../identity/resolver.js';
import { sweepRunner, type SweepRunnerOptions } from './sweep.js';
import { tracerouteRunner, type TracerouteOptions } from './traceroute.js';
import type { JobRunner } from './types.js';

export type RunnerOptions = SweepRunnerOptions & { portScan: PortScanOptions; traceroute?: TracerouteOptions };

/** Every kind of work this probe runs, one module each; `hello` announces their kinds. traceroute only when its binary is there. */
export function jobRunners(opts: RunnerOptions, log?: Logger): JobRunner[] {
  const runners = [sweepRunner(opts), portScanRunner(opts.portScan)] as JobRunner[];
  const bin = opts.traceroute?.bin ?? 'traceroute';
  if (findExecutable(bin)) runners.push(tracerouteRunner(withHopNames(opts)) as JobRunner);
  else log?.warn('traceroute not found: traces are not offered by this probe (apt-get install traceroute, or set TRACEROUTE_BIN)', { bin });
  return runners;
}

/** Hop names through the probe's resolver, unless names are off or the options bring their own. */
const withHopNames = (opts: RunnerOptions) =>
  opts.names.enabled ? { reverseName: ptrNameLookup(opts.names.dnsServers), ...opts.traceroute } : opts.traceroute;
