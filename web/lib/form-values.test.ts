import { describe, expect, it } from 'vitest';
import { wholeNumber } from './form-values.js';

describe('wholeNumber', () => {
  const bounds = { min: 1, max: 16 };
  it.each([
    ['1', { value: 1 }],
    [' 16 ', { value: 16 }],
    ['016', { value: 16 }],
    ['0', { field: 'n', error: 'Streams must be from 1 to 16.' }],
    ['17', { field: 'n', error: 'Streams must be from 1 to 16.' }],
    ['1.5', { field: 'n', error: 'Streams must be a whole number from 1 to 16.' }],
    ['-1', { field: 'n', error: 'Streams must be a whole number from 1 to 16.' }],
    ['', { field: 'n', error: 'Streams must be a whole number from 1 to 16.' }],
    ['1e1', { field: 'n', error: 'Streams must be a whole number from 1 to 16.' }],
  ])('%j', (text, out) => expect(wholeNumber(text, 'n', 'Streams', bounds)).toEqual(out));
});
