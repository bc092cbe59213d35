import { describe, expect, it } from 'vitest';
import { progressGate } from './progress.js';

describe('progressGate', () => {
  it.each<[string, [done: number, total: number, now: number][], boolean[]]>([
    ['the first tick goes out', [[1, 100, 0]], [true]],
    ['ticks within 250 ms are held back', [[1, 100, 0], [2, 100, 100], [3, 100, 249], [4, 100, 250]], [true, false, false, true]],
    ['the interval counts from the last report', [[1, 100, 0], [2, 100, 200], [3, 100, 300], [4, 100, 500]], [true, false, true, false]],
    ['the final tick always goes out', [[1, 10, 0], [10, 10, 10]], [true, true]],
    ['never the same count twice', [[5, 10, 0], [5, 10, 1000], [10, 10, 1001], [10, 10, 1002]], [true, false, true, false]],
  ])('%s', (_name, ticks, expected) => {
    const gate = progressGate();
    expect(ticks.map(([done, total, now]) => gate(done, total, now))).toEqual(expected);
  });

  it('lets a 10 s sweep ticking every 10 ms send about 4 reports a second', () => {
    const gate = progressGate();
    let sent = 0;
    for (let i = 0; i < 1000; i++) if (gate(i + 1, 1000, i * 10)) sent++;
    expect(sent).toBe(41); // every 250 ms over 10 s, plus the final tick
  });
});
