import type { ServerMessage } from '../schema/protocol.js';
import type { AppConfig } from './config.js';
import type { Db } from './db.js';
import type { Logger } from '../schema/log.js';

/** How the app reaches connected probes; each host implements it (a ws server on Node, a Durable Object on Workers). */
export interface ProbeHub {
  /** Delivers a message if the probe is connected; false when it is not. */
  send(probeId: number, message: ServerMessage): Promise<boolean>;
  isConnected(probeId: number): Promise<boolean>;
  /** Closes the probe's connection (after a revoke). */
  disconnect(probeId: number, reason: string): Promise<void>;
}

export interface Clock {
  now(): number;
}

/** Everything the app needs from its host. Pure code never reaches past this. */
export interface AppDeps {
  db: Db;
  hub: ProbeHub;
  clock: Clock;
  config: AppConfig;
  log: Logger;
}
