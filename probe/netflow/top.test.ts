import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topN } from './top.js';

const desc = (a: number, b: number) => b - a;

describe('topN', () => {
  it.each<[number[], number, number[]]>([
    [[], 3, []],
    [[5, 1, 4], 0, []],
    [[5, 1, 4], 5, [5, 4, 1]],
    [[1, 2, 3, 4, 5, 6], 3, [6, 5, 4]],
    [[6, 5, 4, 3, 2, 1], 3, [6, 5, 4]],
    [[3, 3, 3, 1], 2, [3, 3]],
  ])('%j, k=%d', (items, k, want) => expect(topN(items, k, desc)).toEqual(want));
  it('is the first k of a full sort, ties in the comparator order', () => {
    const cmp = (a: [number, number], b: [number, number]) => b[0] - a[0] || a[1] - b[1];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer()), { maxLength: 300 }), fc.integer({ min: 0, max: 60 }), (items, k) => {
        expect(topN(items, k, cmp)).toEqual([...items].sort(cmp).slice(0, k));
      }),
    );
  });
});
