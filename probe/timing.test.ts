import { describe, expect, it } from 'vitest';
import { backoffDelay, nextSweepAt } from './timing.js';

describe('backoffDelay', () => {
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [1, 1, 1000],
    [3, 0.5, 3000],
    [10, 1, 30_000],
    [10, 0, 15_000],
    [1000, 1, 30_000],
  ])('attempt %i, random %f → %i ms', (attempt, random, ms) => {
    expect(backoffDelay(attempt, random)).toBe(ms);
  });
});

describe('nextSweepAt', () => {
  it.each([
    [1000, 60, 0, true, 1000],
    [1000, 60, 1, true, 4000],
    [1000, 2, 1, true, 3000],
    [0, 60, 0, false, 54_000],
    [0, 60, 0.5, false, 60_000],
    [0, 60, 1, false, 66_000],
  ])('now %i, every %i s, random %f, first %s → %i', (now, interval, random, first, at) => {
    expect(nextSweepAt(now, interval, random, first)).toBe(at);
  });
});
