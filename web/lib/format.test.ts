import { describe, expect, it } from 'vitest';
// the browser UI is plain ES modules (no bundler, no types); these tables test its pure helpers
import { ago, count, dayBound, grouped, lastChange, latency, localDay, percent, span, stamp } from './format.js';

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

describe('local dates', () => {
  const at = (...a: [number, number, number, number?, number?, number?, number?]) => new Date(...a).getTime();
  it.each([
    [new Date(at(2026, 11, 1, 9, 5)).toISOString(), '2026-12-01 09:05'],
    [at(2026, 11, 1, 9, 5) / 1000, '2026-12-01 09:05'],
    [new Date(at(2026, 0, 9, 23, 59, 30)).toISOString(), '2026-01-09 23:59'],
    [null, ''],
    ['not a time', ''],
  ])('stamp(%s) = %s', (t, text) => expect(stamp(t)).toBe(text));

  it('localDay gives what a date input holds', () => expect(localDay(at(2026, 2, 7, 18))).toBe('2026-03-07'));

  it.each([
    ['2026-12-01', false, at(2026, 11, 1)],
    ['2026-12-01', true, at(2026, 11, 2) - 1],
    ['2026-12-31', true, at(2027, 0, 1) - 1],
    ['2026-02-29', false, null],
    ['2026-13-01', false, null],
    ['12/01/2026', false, null],
    ['', false, null],
    [null, false, null],
  ])('dayBound(%s, end %s)', (text, end, ms) => expect(dayBound(text, end)).toBe(ms));
});
