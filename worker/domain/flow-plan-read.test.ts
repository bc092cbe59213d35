import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLOW_READ_MAX_RANGES, planFlowRead, rollupSpan, type Span } from './flow-plan-read.js';
import type { FlowRange } from './flow-range.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const D = Date.UTC(2026, 10, 25);
/** Hour `n` of the day D (fractions: minutes), e.g. h(9.5) = 09:30. */
const h = (n: number) => D + Math.round(n * 60) * MIN;
const minute = (from: number, to: number): FlowRange => ({ grain: 'minute', from, to });
const clean = { hours: [], truncated: false };
const dirty = (...hours: number[]) => ({ hours: hours.map(h), truncated: false });
const spans = (...pairs: [number, number][]): Span[] => pairs.map(([a, b]) => [h(a), h(b)]);

describe('rollupSpan', () => {
  it.each([
    ['1 h: none', minute(h(9), h(10)), null],
    ['3 h exactly: none', minute(h(9.5), h(12.5)), null],
    ['3 h and a minute: its whole hours', minute(h(9), h(12) + MIN), [h(9), h(12)]],
    ['24 h with partial edges', minute(h(12 + 1 / 3), h(36 + 1 / 3)), [h(13), h(36)]],
    ['an hour-grain window: none', { grain: 'hour', from: h(0), to: h(48) } as FlowRange, null],
  ])('%s', (_, range, span) => {
    expect(rollupSpan(range)).toEqual(span);
  });
});

describe('planFlowRead', () => {
  it.each([
    ['1 h: minutes only', minute(h(9), h(10)), clean, { grain: 'minute', minuteRanges: spans([9, 10]), hourRanges: [] }],
    ['3 h: still minutes only, dirty hours or not', minute(h(9.5), h(12.5)), dirty(10), { grain: 'minute', minuteRanges: spans([9.5, 12.5]), hourRanges: [] }],
    ['a window past the minute retention: hours only', { grain: 'hour', from: h(-48), to: h(0) } as FlowRange, clean, { grain: 'hour', minuteRanges: [], hourRanges: spans([-48, 0]) }],
    ['24 h, all rolled: hours inside, minutes at both edges', minute(h(12.25), h(36.25)), clean, { grain: 'mixed', minuteRanges: spans([12.25, 13], [36, 36.25]), hourRanges: spans([13, 36]) }],
    ['whole hours, all rolled: hours only', minute(h(0), h(24)), clean, { grain: 'hour', minuteRanges: [], hourRanges: spans([0, 24]) }],
    ['a dirty hour inside: its minutes', minute(h(0), h(24)), dirty(5), { grain: 'mixed', minuteRanges: spans([5, 6]), hourRanges: spans([0, 5], [6, 24]) }],
    [
      'dirty hours next to each other and to the edges join them',
      minute(h(0.5), h(24.5)),
      dirty(1, 2, 7, 8, 9, 23),
      { grain: 'mixed', minuteRanges: spans([0.5, 3], [7, 10], [23, 24.5]), hourRanges: spans([3, 7], [10, 23]) },
    ],
    ['dirty hours outside the whole hours: already minutes or not read', minute(h(0.5), h(24.5)), dirty(-5, 0, 24, 30), { grain: 'mixed', minuteRanges: spans([0.5, 1], [24, 24.5]), hourRanges: spans([1, 24]) }],
    ['every hour dirty: minutes only', minute(h(0), h(4)), dirty(3, 1, 0, 2, 2), { grain: 'minute', minuteRanges: spans([0, 4]), hourRanges: [] }],
    ['the list cut at its limit: every hour from its last on is dirty', minute(h(0), h(24)), { hours: [h(2), h(5)], truncated: true }, { grain: 'mixed', minuteRanges: spans([2, 3], [5, 24]), hourRanges: spans([0, 2], [3, 5]) }],
    ['a bucket inside an hour counts for its hour', minute(h(0), h(12)), { hours: [h(4) + 7 * MIN], truncated: false }, { grain: 'mixed', minuteRanges: spans([4, 5]), hourRanges: spans([0, 4], [5, 12]) }],
  ])('%s', (_, range, dirtyHours, read) => {
    expect(planFlowRead(range, dirtyHours)).toEqual({ from: range.from, to: range.to, ...read });
  });

  it('scattered dirty hours: the minute ranges closest together are joined, at most 16 ranges', () => {
    // every fourth hour of a week dirty (42 of them), and hour 8 too: 6 and 8 are an hour apart, the closest
    const week = minute(h(0.5), h(168.5));
    const hours = [...Array.from({ length: 42 }, (_, i) => 4 * i + 2), 8].map(h);
    const read = planFlowRead(week, { hours, truncated: false });
    expect(read.minuteRanges.length + read.hourRanges.length).toBeLessThanOrEqual(FLOW_READ_MAX_RANGES);
    expect(read.grain).toBe('mixed');
    expect(read.minuteRanges.some(([a, b]) => a <= h(6) && b >= h(9))).toBe(true);
    for (const d of hours) expect(read.minuteRanges.some(([a, b]) => a <= d && d + HOUR <= b)).toBe(true);
  });

  it('always: the ranges cover the window in order, dirty hours are minutes, hour ranges are whole hours, at most 16', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 14 * 24 * 60 }),
        fc.integer({ min: 1, max: 8 * 24 * 60 }),
        fc.uniqueArray(fc.integer({ min: -2, max: 15 * 24 }), { maxLength: 70 }),
        fc.boolean(),
        (start, length, dirtyHours, truncated) => {
          const range = minute(D + start * MIN, D + (start + length) * MIN);
          const hours = dirtyHours.map((n) => D + n * HOUR);
          const read = planFlowRead(range, { hours, truncated });
          const all = [...read.minuteRanges.map((s) => ['m', ...s] as const), ...read.hourRanges.map((s) => ['h', ...s] as const)].sort((a, b) => a[1] - b[1]);
          expect(all.length).toBeLessThanOrEqual(FLOW_READ_MAX_RANGES);
          expect(all[0]![1]).toBe(range.from);
          expect(all.at(-1)![2]).toBe(range.to);
          all.forEach(([kind, a, b], i) => {
            expect(a).toBeLessThan(b);
            if (i > 0) expect([all[i - 1]![2], all[i - 1]![0] === kind]).toEqual([a, false]); // adjacent, grains alternate
            if (kind === 'h') expect([a % HOUR, b % HOUR]).toEqual([0, 0]);
          });
          if (length <= 180) expect(read.hourRanges).toEqual([]);
          for (const d of hours) for (const [a, b] of read.hourRanges) expect(d + HOUR <= a || d >= b).toBe(true);
          const span = rollupSpan(range);
          const lastDirty = Math.max(...hours.filter((d) => span && d >= span[0] && d < span[1]));
          if (truncated) for (const [, b] of read.hourRanges) expect(b).toBeLessThanOrEqual(lastDirty === -Infinity ? Infinity : lastDirty);
          expect(read.grain).toBe(read.hourRanges.length === 0 ? 'minute' : read.minuteRanges.length === 0 ? 'hour' : 'mixed');
        },
      ),
    );
  });
});
