import type { LiveEvent } from '../schema/live.js';
import type { AppDeps } from './deps.js';
import { announce } from './live/announce.js';
import { pushAssignment, pushAssignmentsToAll } from './probe-link/session.js';

/**
 * What a committed change means for the world outside the database. Services return it; `follow` is the one
 * place that acts on it, so no route or socket handler repeats "push the assignment, announce, wake the sender".
 * Outbox rows are not here: they are written in the change's own batch, and `deliveries` only says there are some.
 */
export interface Effects {
  /** Probes whose assignment changed (null/undefined: none). */
  assignments?: Iterable<number | null | undefined>;
  /** Every connected probe's assignment changed: the managed subnets they label flows with (a subnet created or deleted). */
  everyProbe?: boolean;
  live?: readonly LiveEvent[];
  /** Webhook deliveries the change wrote to the outbox. */
  deliveries?: number;
}

export const NO_EFFECTS: Effects = {};

/** Acts on a committed change's effects; never throws for the feed or the waker (the change is already stored). */
export async function follow(deps: AppDeps, effects: Effects): Promise<void> {
  if (effects.everyProbe) await pushAssignmentsToAll(deps, effects.assignments);
  else for (const probeId of new Set(effects.assignments ?? [])) await pushAssignment(deps, probeId);
  for (const event of effects.live ?? []) await announce(deps, event);
  if (effects.deliveries) {
    try {
      await deps.outbox.wake();
    } catch (e) {
      deps.log.warn('could not wake the webhook sender; the next tick sends', { error: String(e) });
    }
  }
}
