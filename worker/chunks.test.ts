import { describe, expect, it } from 'vitest';
import { chunks } from './chunks.js';

describe('chunks', () => {
  it.each([
    [[1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]],
    [[1, 2], 2, [[1, 2]]],
    [[], 3, []],
  ])('%j by %i → %j', (items, size, out) => expect(chunks(items, size)).toEqual(out));
});
