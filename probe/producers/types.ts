/**
 * Producers: work the probe does on its own, continuously, rather than as jobs (the NetFlow collector). Each
 * emits result items, which the agent spools and sends exactly like job results.
 */
import type { Logger } from '../../schema/log.js';
import type { AssignedSubnet, ManagedSubnet, ResultItem } from '../../schema/protocol.js';

export interface ProducerContext {
  /** Spools each item as its own batch and sends it (re-sent after a reconnect until acknowledged). */
  emit(items: ResultItem[]): void;
  log: Logger;
  now(): number;
}

export interface ProducerAssignment {
  /** Every subnet the control plane manages (or, from a server that does not send them, this probe's own). */
  managed: readonly ManagedSubnet[];
  /** This probe's own subnets. */
  subnets: readonly AssignedSubnet[];
}

export interface Producer {
  name: string;
  /** Starts producing; a rejection is logged by the agent and the probe goes on without this producer. */
  start(ctx: ProducerContext): Promise<void>;
  /** The latest assignment: given before start (the saved one) and after every new one. */
  assignment(a: ProducerAssignment): void;
  /** Emits what it still holds and stops; the agent calls it before its link closes. Safe after a failed start. */
  stop(): Promise<void>;
}
