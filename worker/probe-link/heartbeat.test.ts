import { describe, expect, it } from 'vitest';
import { isSilent, silentBefore } from './heartbeat.js';

describe('isSilent (three heartbeat periods)', () => {
  it.each<[string, number, number, number, boolean]>([
    ['just heard', 100_000, 100_000, 15, false],
    ['one period', 100_000, 115_000, 15, false],
    ['exactly three periods: not yet', 100_000, 145_000, 15, false],
    ['a millisecond past three periods', 100_000, 145_001, 15, true],
    ['long silent', 0, 1_000_000, 15, true],
    ['a 1 s heartbeat, 3.5 s silent', 10_000, 13_500, 1, true],
    ['a 60 s heartbeat, 2 minutes silent', 0, 120_000, 60, false],
    ['heard after now (clock skew)', 200_000, 100_000, 15, false],
  ])('%s', (_name, lastHeard, now, heartbeatSeconds, silent) => {
    expect(isSilent(lastHeard, now, heartbeatSeconds)).toBe(silent);
  });
});

describe('silentBefore', () => {
  it.each<[number, number, number]>([
    [145_000, 15, 100_000],
    [0, 1, -3_000],
  ])('now %d, heartbeat %d s: %d', (now, heartbeatSeconds, cutoff) => {
    expect(silentBefore(now, heartbeatSeconds)).toBe(cutoff);
  });
});
