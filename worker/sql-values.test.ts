import { describe, expect, it } from 'vitest';
import { chunks, literal } from './sql-values.js';

describe('literal', () => {
  it.each<[Parameters<typeof literal>[0], string]>([
    [null, 'NULL'],
    [true, '1'],
    [0.25, '0.25'],
    ['198.18.0.1', "'198.18.0.1'"],
    ['fd00:18::1', "'fd00:18::1'"],
    ['up', "'up'"],
  ])('%j → %s', (v, out) => expect(literal(v)).toBe(out));

  it.each(["x'; DROP TABLE hosts; --", 'a b', Number.NaN, Number.POSITIVE_INFINITY, 'x'.repeat(65)])('refuses %j', (v) => {
    expect(() => literal(v)).toThrow(/refusing/);
  });
});

describe('chunks', () => {
  it('splits evenly and keeps the rest', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });
});
