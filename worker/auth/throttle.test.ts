import { describe, expect, it } from 'vitest';
import { afterFailure, waitMs, type ThrottleState } from './throttle.js';

const policy = { freeAttempts: 3, baseSeconds: 2, maxSeconds: 10, forgetSeconds: 60 };

function run(times: number[]): ThrottleState | undefined {
  let s: ThrottleState | undefined;
  for (const t of times) s = afterFailure(s, t, policy);
  return s;
}

describe('login back-off', () => {
  it.each([
    [[0], 1, 0],
    [[0, 1, 2], 3, 0],
    [[0, 1, 2, 3], 4, 2_003],
    [[0, 1, 2, 3, 4], 5, 4_004],
    [[0, 1, 2, 3, 4, 5], 6, 8_005],
    [[0, 1, 2, 3, 4, 5, 6], 7, 10_006],
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10, 10_009],
  ])('failures at %j: %i counted, blocked until %i', (times, failures, until) => {
    expect(run(times)).toMatchObject({ failures, blockedUntil: until });
  });

  it('forgets failures a while after the last one', () => {
    const s = run([0, 1, 2, 3]);
    expect(afterFailure(s, 3 + 60_001, policy)).toEqual({ failures: 1, lastFailureAt: 60_004, blockedUntil: 0 });
    expect(afterFailure(s, 3 + 60_000, policy).failures).toBe(5);
  });

  it.each([
    [undefined, 0, 0],
    [{ failures: 4, lastFailureAt: 0, blockedUntil: 2_000 }, 500, 1_500],
    [{ failures: 4, lastFailureAt: 0, blockedUntil: 2_000 }, 2_000, 0],
    [{ failures: 4, lastFailureAt: 0, blockedUntil: 2_000 }, 9_000, 0],
  ])('wait for %j at %i: %i ms', (state, now, wait) => {
    expect(waitMs(state, now)).toBe(wait);
  });
});
