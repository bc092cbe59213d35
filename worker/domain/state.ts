import type { HostStatus } from '../../schema/tables/index.js';

export interface HostState {
  status: HostStatus;
  consecutiveFailures: number;
}

/** What a sweep (or the loss of the probe) said about one address. */
export type Observation = 'answered' | 'silent' | 'probe_lost';

/**
 * The host state machine. Up after one answer; down only after `downAfter` silent sweeps in a row
 * (so one lost packet does not page anybody); unknown when the probe that watches it is gone.
 */
export function nextState(prev: HostState, seen: Observation, downAfter: number): HostState {
  switch (seen) {
    case 'answered':
      return { status: 'up', consecutiveFailures: 0 };
    case 'silent': {
      const failures = prev.consecutiveFailures + 1;
      return { status: failures >= downAfter ? 'down' : prev.status, consecutiveFailures: failures };
    }
    case 'probe_lost':
      return { status: 'unknown', consecutiveFailures: 0 };
  }
}
