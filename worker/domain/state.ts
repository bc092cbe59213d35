import type { HostStatus } from '../../schema/tables/index.js';

export interface HostState {
  status: HostStatus;
  consecutiveFailures: number;
  /** Whether the address has ever answered; a reserved or hand-made record that never did is not "down". */
  everAnswered: boolean;
}

/** What a sweep (or the loss of the probe) said about one address. */
export type Observation = 'answered' | 'silent' | 'probe_lost';

/**
 * The host state machine. Up after one answer; down only after `downAfter` silent sweeps in a row
 * (so one lost packet does not page anybody); unknown when the probe that watches it is gone, and
 * unknown while it has never answered at all.
 */
export function nextState(prev: HostState, seen: Observation, downAfter: number): HostState {
  switch (seen) {
    case 'answered':
      return { status: 'up', consecutiveFailures: 0, everAnswered: true };
    case 'silent': {
      const failures = prev.consecutiveFailures + 1;
      if (!prev.everAnswered) return { status: 'unknown', consecutiveFailures: failures, everAnswered: false };
      return { status: failures >= downAfter ? 'down' : prev.status, consecutiveFailures: failures, everAnswered: true };
    }
    case 'probe_lost':
      return { status: 'unknown', consecutiveFailures: 0, everAnswered: prev.everAnswered };
  }
}
