import type { HostStatus } from '../../schema/tables/index.js';
import type { AlertPolicy, HostAlert } from './types.js';

/** One observation of a host in time order: whether it answered, and its status after the observation. */
export interface HostStep {
  at: number;
  answered: boolean;
  status: HostStatus;
}

export interface HostFlip {
  at: number;
  to: 'up' | 'down';
}

/**
 * The alert state machine of one host, over the observations of one batch. Down when the host's status turns down
 * (the status machine already waited for N silent sweeps); up again only after `upAfter` answers in a row, so a
 * flapping host stays down. `unknown` (its probe is gone, or it never answered) changes nothing: a host that was
 * up when its probe went away and is down when it returns is one "down". `prev` null: never alerted; the first
 * known status is taken as it is (a host first seen up is no news), except down, which is.
 */
export function stepHostAlert(prev: HostAlert | null, steps: readonly HostStep[], policy: Pick<AlertPolicy, 'upAfter'>): { next: HostAlert | null; flips: HostFlip[] } {
  let cur = prev ? { ...prev } : null;
  const flips: HostFlip[] = [];
  for (const s of steps) {
    if (!cur) {
      if (s.status === 'up') cur = { state: 'up', notified: 'up', ups: 0, since: s.at, lastSentAt: null };
      else if (s.status === 'down') {
        cur = { state: 'down', notified: null, ups: 0, since: s.at, lastSentAt: null };
        flips.push({ at: s.at, to: 'down' });
      }
      continue;
    }
    if (cur.state === 'up') {
      if (s.status === 'down') {
        cur = { ...cur, state: 'down', ups: 0, since: s.at };
        flips.push({ at: s.at, to: 'down' });
      }
      continue;
    }
    // alerted down: count answers in a row
    if (!s.answered) {
      cur.ups = 0;
      continue;
    }
    cur.ups += 1;
    if (cur.ups >= policy.upAfter && s.status === 'up') {
      cur = { ...cur, state: 'up', ups: 0, since: s.at };
      flips.push({ at: s.at, to: 'up' });
    }
  }
  return { next: cur, flips };
}
