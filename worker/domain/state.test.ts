import { describe, expect, it } from 'vitest';
import { nextState, type HostState, type Observation } from './state.js';

const s = (status: HostState['status'], consecutiveFailures = 0): HostState => ({ status, consecutiveFailures });

describe('nextState', () => {
  it.each<[HostState, Observation, number, HostState]>([
    [s('unknown'), 'answered', 2, s('up')],
    [s('down', 7), 'answered', 2, s('up')],
    [s('up'), 'answered', 2, s('up')],
    [s('up'), 'silent', 2, s('up', 1)],
    [s('up', 1), 'silent', 2, s('down', 2)],
    [s('up'), 'silent', 1, s('down', 1)],
    [s('up', 2), 'silent', 3, s('down', 3)],
    [s('down', 2), 'silent', 2, s('down', 3)],
    [s('unknown'), 'silent', 2, s('unknown', 1)],
    [s('unknown', 1), 'silent', 2, s('down', 2)],
    [s('up', 1), 'probe_lost', 2, s('unknown')],
    [s('down', 5), 'probe_lost', 2, s('unknown')],
    [s('unknown'), 'probe_lost', 2, s('unknown')],
  ])('%j + %s (down after %i) → %j', (prev, seen, downAfter, expected) => {
    expect(nextState(prev, seen, downAfter)).toEqual(expected);
  });
});
