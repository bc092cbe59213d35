import type { Logger } from '../../schema/log.js';
import { findExecutable } from '../executable.js';
import type { JobRunner } from '../jobs/types.js';
import { trafficClientRunner } from './client.js';
import { IPERF3_APT, type TrafficOptions } from './options.js';
import { trafficServerRunner } from './server.js';

/** Both sides of a traffic test, offered (announced in `hello`) only when iperf3 is there. */
export function trafficRunners(opts: TrafficOptions, log?: Logger): JobRunner[] {
  if (!findExecutable(opts.iperf3Bin)) {
    log?.warn(`${opts.iperf3Bin} not found: traffic tests are not offered by this probe (apt-get install ${IPERF3_APT}, or set IPERF3_BIN)`, { bin: opts.iperf3Bin });
    return [];
  }
  return [trafficServerRunner(opts) as JobRunner, trafficClientRunner(opts) as JobRunner];
}
