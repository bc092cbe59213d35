import type { SQL } from 'drizzle-orm';
import type { Cidr } from '../../schema/ip/cidr.js';
import type { LiveEvent } from '../../schema/live.js';
import type { ResultItem, ResultRejection } from '../../schema/protocol.js';
import type { AlertSetup } from '../alerts/context.js';
import type { AlertDraft, AlertPolicy } from '../alerts/types.js';
import type { AppDeps } from '../deps.js';

export interface IngestContext {
  deps: AppDeps;
  probeId: number;
  now: number;
  /** The batch's subnets that are this probe's (results of others were rejected before). */
  owned: ReadonlyMap<number, Cidr>;
  /** Rows the batch may still make the server write (MAX_FRAME_SAMPLES in all); kinds take from it as they read. */
  budget: { left: number };
  /** Who wants events and what mutes them: read at most once a batch, and only by a kind with a change to judge. */
  alerts: () => Promise<AlertSetup>;
  /** Each owned subnet's alert thresholds. */
  policies: ReadonlyMap<number, AlertPolicy>;
}

export interface Rejection {
  kind: ResultItem['kind'];
  subnetId: number;
  at: number;
  reason: ResultRejection;
}

/** What one kind's results will write, planned before the write. */
export interface PreparedResults {
  /** Written in the one atomic batch with the ledger row. */
  statements: SQL[];
  rejected: Rejection[];
  /** Reported addresses that are not usable addresses of the result's subnet (the first few per subnet). */
  ignored: { subnetId: number; addresses: string[] }[];
  /** Rows written (counted against MAX_FRAME_SAMPLES). */
  samples: number;
  /** Events recorded (state changes, port changes). */
  events: number;
  /** Alert events the results raise; the orchestrator writes them (and their deliveries) to the outbox in the same batch. */
  drafts: AlertDraft[];
  /** After the batch is committed: what the live feed hears (may read rows the batch created). */
  announce(deps: AppDeps): Promise<LiveEvent[]>;
}

/**
 * How the server stores one kind of result. `prepare` reads what it needs and plans; it writes nothing (the
 * batch is refused whole if any kind returns null: over the budget).
 */
export interface ResultIngest<R extends ResultItem = ResultItem> {
  kind: R['kind'];
  /** Items of the whole probe, not of one subnet (flows): given to `prepare` without the ownership filter. */
  probeWide?: boolean;
  /** Rows the items name outright, counted before anything is read (a cheap first bound). */
  listed(items: readonly R[]): number;
  prepare(ctx: IngestContext, items: readonly R[]): Promise<PreparedResults | null>;
}
