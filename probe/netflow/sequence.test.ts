import { describe, expect, it } from 'vitest';
import { MAX_GAP, REORDER_WINDOW, Sequence } from './sequence.js';

/** Feeds [seq, units] packets; the gaps counted after each. */
function gaps(packets: [number, number][]): number[] {
  const s = new Sequence();
  let total = 0;
  return packets.map(([seq, units]) => {
    const gap = s.check(seq);
    if (gap >= 0) {
      total += gap;
      s.advance(seq, units, true);
    }
    return total;
  });
}

describe('Sequence', () => {
  it.each<[string, [number, number][], number[]]>([
    ['in order', [[0, 30], [30, 30], [60, 5]], [0, 0, 0]],
    ['the first packet starts anywhere', [[123_456, 1], [123_457, 1]], [0, 0]],
    ['one lost packet of 30 flows', [[0, 30], [60, 30]], [0, 30]],
    ['across the 32-bit wrap', [[4294967290, 4], [4294967294, 4], [2, 1], [5, 1]], [0, 0, 0, 2]],
    ['a late packet is no loss and changes nothing', [[1, 1], [3, 1], [2, 1], [4, 1]], [0, 1, 1, 1]],
    ['a restart back to 0 is not a loss', [[5_000_000, 1], [0, 1], [1, 1], [3, 1]], [0, 0, 0, 1]],
    ['a restart just behind: three late packets in a row start over', [[500, 1], [0, 1], [1, 1], [2, 1], [3, 1], [5, 1]], [0, 0, 0, 0, 0, 1]],
    ['a jump beyond MAX_GAP is a restart', [[0, 1], [MAX_GAP + 2, 1], [MAX_GAP + 4, 1]], [0, 0, 1]],
    ['a jump of MAX_GAP is a loss', [[0, 1], [MAX_GAP + 1, 1]], [0, MAX_GAP]],
    ['further back than the reorder window is a restart', [[10_000, 1], [10_000 - REORDER_WINDOW - 2, 1], [10_000 - REORDER_WINDOW, 1]], [0, 0, 1]],
  ])('%s', (_, packets, expected) => expect(gaps(packets)).toEqual(expected));

  it('after a packet it could not count, the next one only resynchronises', () => {
    const s = new Sequence();
    s.advance(100, 3, false);
    expect(s.check(500)).toBe(0);
    s.advance(500, 2, true);
    expect(s.check(503)).toBe(1);
  });
});
