import type { Logger } from '../../schema/log.js';
import { findExecutable } from '../executable.js';
import { addressCheckRunner } from './address-check.js';
import { portScanRunner, type PortScanOptions } from './port-scan.js';
import { ptrNameLookup } from '../identity/resolver.js';
import { sweepRunner, type SweepRunnerOptions } from './sweep.js';
import { tracerouteRunner, type TracerouteOptions } from './traceroute.js';
import type { JobRunner } from './types.js';
import { operationRunners } from '../operations/index.js';
import { resolver } from '../operations/resolve.js';
import { trafficRunners } from '../traffic/index.js';
import type { RunnerConfig } from '../config.js';

export type RunnerOptions = SweepRunnerOptions & {
  portScan: PortScanOptions;
  traceroute?: TracerouteOptions;
  operations?: RunnerConfig['operations'];
  traffic?: RunnerConfig['traffic'];
};

/** Every kind of work this probe runs, one module each; `hello` announces their kinds. traceroute only when its binary is there. */
export function jobRunners(opts: RunnerOptions, log?: Logger): JobRunner[] {
  const runners = [sweepRunner(opts), portScanRunner(opts.portScan)] as JobRunner[];
  const bin = opts.traceroute?.bin ?? 'traceroute';
  // one resolver for the hops of host traces and of operations
  const hops = withHopNames(opts);
  if (findExecutable(bin)) runners.push(tracerouteRunner(hops) as JobRunner);
  else log?.warn('traceroute not found: traces are not offered by this probe (apt-get install traceroute, or set TRACEROUTE_BIN)', { bin });
  // PTR lookups only when the probe makes them at all (PTR_LOOKUP); a second each, twice, within the check's share
  const ptrName = opts.names.enabled ? { ptrName: ptrNameLookup(opts.names.dnsServers, { timeoutMs: 1_000, attempts: 2 }) } : {};
  runners.push(addressCheckRunner({ pingBin: opts.operations?.pingBin ?? 'ping', ...ptrName }) as JobRunner);
  if (opts.operations) {
    runners.push(
      ...operationRunners(
        {
          allowedTargets: opts.operations.allowedTargets,
          resolve: resolver(opts.names.dnsServers),
          pingBin: opts.operations.pingBin,
          mtrBin: opts.operations.mtrBin,
          tracerouteBin: bin,
          ...(hops?.reverseName ? { reverseName: hops.reverseName } : {}),
        },
        log,
      ),
    );
  }
  if (opts.traffic) runners.push(...trafficRunners({ ...opts.traffic, allowedTargets: opts.operations?.allowedTargets ?? [] }, log));
  return runners;
}

/** Hop names through the probe's resolver, unless names are off or the options bring their own. */
const withHopNames = (opts: RunnerOptions) =>
  opts.names.enabled ? { reverseName: ptrNameLookup(opts.names.dnsServers), ...opts.traceroute } : opts.traceroute;
