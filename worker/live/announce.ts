import type { LiveEvent } from '../../schema/live.js';
import type { AppDeps } from '../deps.js';

/** Publishes to the live feed. A failure is logged, never thrown: the feed must not fail a request or an ingest. */
export async function announce(deps: AppDeps, event: LiveEvent): Promise<void> {
  try {
    await deps.live.publish(event);
  } catch (e) {
    deps.log.warn('live feed publish failed', { type: event.type, error: String(e) });
  }
}

/** Hosts of these subnets changed through the API (no state transitions to report). */
export const hostsEdited = (subnetIds: Iterable<number>): LiveEvent => ({ type: 'hosts', data: { subnetIds: [...new Set(subnetIds)], changes: [] } });

export const subnetsChanged: LiveEvent = { type: 'subnets', data: {} };
