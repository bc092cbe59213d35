import type { z } from 'zod';
import type { Logger } from '../../schema/log.js';
import type { AssignedSubnet, JobMessage, ProbeMessage, ResultItem } from '../../schema/protocol.js';

/** What the probe grants a job beyond its own fields. */
export interface ProbeLimits {
  pingTimeoutMs: number;
  maxSweepAddresses: number;
  /** Whether this process may open raw sockets (root or CAP_NET_RAW): a SYN scan needs them. */
  rawSockets: boolean;
}

export interface JobContext {
  now: () => number;
  log: Logger;
  limits: ProbeLimits;
  /** The probe's assignment: a job naming an address outside these subnets is refused before anything runs. */
  assigned: ReadonlyMap<number, AssignedSubnet>;
  /** Raw progress (done of total); the agent throttles it into job_status frames. */
  progress: (done: number, total: number) => void;
  /** Aborted when the probe stops or the job times out; the runner kills what it spawned. */
  signal: AbortSignal;
  /**
   * Work that follows the job's results without holding them back (PTR lookups after a sweep): the agent starts it
   * once the job's own items are spooled and spools what it returns, each item its own batch. Its failure is logged.
   */
  later: (work: () => Promise<ResultItem[]>) => void;
  /** Results sent while the job still runs (a ping's replies so far): each item spooled as its own batch at once. */
  emit: (items: ResultItem[]) => void;
}

/**
 * One kind of work on the probe. The agent parses a job with `schema`, runs it, spools each returned item as its
 * own numbered batch (so each must fit one: MAX_FRAME_SAMPLES) and reports the job's states.
 */
export interface JobRunner<J extends JobMessage = JobMessage> {
  kind: J['kind'];
  schema: z.ZodType<J>;
  /** Jobs of a pool share its slots (AgentOptions.pools); more wait in the pool's bounded queue, reported `queued`. */
  pool?: 'operations' | 'traffic';
  /** Jobs with the same key share one run (a "sweep now" arriving mid-sweep joins it). */
  shareKey(job: J): string;
  /** Why the job must not run at all (checked before it is reported started), or null. */
  refuse?(job: J, ctx: Pick<JobContext, 'assigned' | 'limits'>): JobRefused | null;
  run(job: J, ctx: JobContext): Promise<ResultItem[]>;
  /** An extra frame to send when a run fails (sweeps: `sweep_failed`, which the server logs per subnet). */
  failureFrame?(job: J, code: string, error: string): ProbeMessage | null;
}

/** An error a runner throws when it refuses a job before running anything; `code` goes to the job status. */
export class JobRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
