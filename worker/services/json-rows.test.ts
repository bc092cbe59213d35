import { describe, expect, it } from 'vitest';
import { jsonArrays, utf8Length } from './json-rows.js';

describe('utf8Length', () => {
  it.each(['', 'abc', 'é', '€', '😀', 'a€😀é', '\u0000', '\uffff'])('%j', (s) => {
    expect(utf8Length(s)).toBe(Buffer.byteLength(s));
  });
});

describe('jsonArrays', () => {
  it.each<[string[], number, number, string[]]>([
    [[], 2, 100, []],
    [['1', '2', '3'], 2, 100, ['[1,2]', '[3]']],
    [['1', '2', '3'], 5, 100, ['[1,2,3]']],
    [['"aaaa"', '"bbbb"', '"cc"'], 5, 16, ['["aaaa","bbbb"]', '["cc"]']],
    [['"€€€€"'], 5, 4, ['["€€€€"]']], // a row larger than the cap still goes, alone
  ])('%j by %i rows, %i bytes', (rows, maxRows, maxBytes, out) => {
    const arrays = jsonArrays(rows, maxRows, maxBytes);
    expect(arrays).toEqual(out);
    for (const a of arrays) expect(JSON.parse(a)).toBeInstanceOf(Array);
    for (const a of arrays.filter((x) => JSON.parse(x).length > 1)) expect(Buffer.byteLength(a)).toBeLessThanOrEqual(maxBytes);
  });
});
