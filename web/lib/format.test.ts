import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { ago, count, grouped, lastChange, latency, percent, span } from './format.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('display formats', () => {
  it.each([
    [0, 'just now'],
    [30_000, '30 s'],
    [12 * 60_000, '12 m'],
    [3 * 3_600_000, '3 h'],
    [2 * 86_400_000, '2 d'],
  ])('span(%i) = %s', (ms, text) => expect(span(ms)).toBe(text));

  it.each([
    [null, 'never'],
    ['2026-11-26T11:48:00Z', '12 m ago'],
    [NOW / 1000 - 30, '30 s ago'],
    ['2026-11-26T12:00:00Z', 'just now'],
  ])('ago(%s) = %s', (t, text) => expect(ago(t, NOW)).toBe(text));

  it('says when the state last changed', () => {
    expect(lastChange('down', '2026-11-26T11:48:00Z', NOW)).toBe('down 12 m ago');
    expect(lastChange('unknown', null, NOW)).toBe('unknown, never changed');
  });

  it.each([
    [null, ''],
    [0.4234, '0.42 ms'],
    [23.45, '23.4 ms'],
    [240.6, '241 ms'],
  ])('latency(%s) = %s', (ms, text) => expect(latency(ms)).toBe(text));

  it.each([
    [null, '—'],
    [100, '100 %'],
    [99.999, '100 %'],
    [87.5, '87.50 %'],
  ])('percent(%s) = %s', (p, text) => expect(percent(p)).toBe(text));

  it.each([
    [5000, '5,000'],
    ['254', '254'],
    ['18446744073709551616', '2^64'],
  ])('count(%s) = %s', (n, text) => expect(count(n)).toBe(text));

  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [65536, '65,536'],
    [-1234567, '-1,234,567'],
    [123456789n, '123,456,789'],
    ['18446744073709551614', '18,446,744,073,709,551,614'],
  ])('grouped(%s) = %s, as toLocaleString("en") writes it', (n, text) => {
    expect(grouped(n)).toBe(text);
    expect(grouped(n)).toBe(BigInt(n).toLocaleString('en'));
  });
});
