import type { Logger } from '../../schema/log.js';
import type { NetflowConfig } from '../config.js';
import { NetflowProducer } from './netflow.js';
import type { Producer } from './types.js';

export interface ProducerOptions {
  /** Absent (an agent built without it) or disabled: no collector. */
  netflow?: NetflowConfig;
}

/**
 * Every producer this probe runs, the one list (adding one: a module here beside netflow.ts, its options in
 * probe/config.ts, its entry below). Disabled ones are not in it.
 */
export function producers(opts: ProducerOptions, log: Logger): Producer[] {
  const list: Producer[] = [];
  if (opts.netflow?.enabled) list.push(new NetflowProducer(opts.netflow));
  else if (opts.netflow) log.info('NetFlow collector off (NETFLOW_ENABLED=0)');
  return list;
}
