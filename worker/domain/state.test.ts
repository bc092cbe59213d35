import { describe, expect, it } from 'vitest';
import { nextState, type HostState, type Observation } from './state.js';

const s = (status: HostState['status'], consecutiveFailures = 0, everAnswered = true): HostState => ({ status, consecutiveFailures, everAnswered });
const never = (status: HostState['status'], consecutiveFailures = 0) => s(status, consecutiveFailures, false);

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
    // seen before, then the probe was lost: the usual rules
    [s('unknown'), 'silent', 2, s('unknown', 1)],
    [s('unknown', 1), 'silent', 2, s('down', 2)],
    [s('up', 1), 'probe_lost', 2, s('unknown')],
    [s('down', 5), 'probe_lost', 2, s('unknown')],
    [s('unknown'), 'probe_lost', 2, s('unknown')],
    // never answered (reserved, hand-made, imported): unknown however long it stays silent
    [never('unknown'), 'silent', 2, never('unknown', 1)],
    [never('unknown', 1), 'silent', 2, never('unknown', 2)],
    [never('unknown', 9), 'silent', 1, never('unknown', 10)],
    // a record a bug once marked down without an answer is put right
    [never('down', 2), 'silent', 2, never('unknown', 3)],
    [never('unknown', 5), 'answered', 2, s('up')],
    [never('unknown', 1), 'probe_lost', 2, never('unknown')],
  ])('%j + %s (down after %i) → %j', (prev, seen, downAfter, expected) => {
    expect(nextState(prev, seen, downAfter)).toEqual(expected);
  });
});
