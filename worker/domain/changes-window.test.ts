import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { bounded, parseSince } from './changes-window.js';

const NOW = Date.UTC(2026, 10, 26, 12);

describe('parseSince', () => {
  it.each([
    ['2026-11-25T12:00:00Z', Date.UTC(2026, 10, 25, 12)],
    ['2026-11-25T12:00:00.250Z', Date.UTC(2026, 10, 25, 12, 0, 0, 250)],
    ['2026-11-25t12:00z', Date.UTC(2026, 10, 25, 12)],
    ['2026-11-25T13:00:00+01:00', Date.UTC(2026, 10, 25, 12)],
    ['2026-11-25T07:00:00-0500', Date.UTC(2026, 10, 25, 12)],
    ['2026-11-25', Date.UTC(2026, 10, 25)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    [' 1795600800000 ', 1795600800000],
    ['0', 0],
    [String(NOW), NOW],
  ])('%j → %d', (text, ms) => expect(parseSince(text, NOW)).toBe(ms));

  it.each([
    ['', 'not'],
    ['yesterday', 'not'],
    ['2026-11-25T12:00:00', 'not'], // no zone: whose local time?
    ['2026-02-30', 'not'],
    ['2025-02-29', 'not'],
    ['2026-13-01', 'not'],
    ['2026-11-25T24:00Z', 'not'],
    ['-5', 'not'],
    ['1.5e12', 'not'],
    ['99999999999999999', 'not'],
    [String(NOW + 1), 'future'],
    ['2026-11-27', 'future'],
  ])('%j is 400 invalid_since (%s)', (text, why) => {
    let error: unknown;
    try {
      parseSince(text, NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).status, (error as AppError).code]).toEqual([400, 'invalid_since']);
    expect((error as AppError).message).toContain(why === 'future' ? 'in the future' : 'is not');
  });
});

describe('bounded', () => {
  it.each([
    [0, 3, 0, false],
    [3, 3, 3, false],
    [4, 3, 3, true],
  ])('%i rows, limit %i → %i kept, cut %s', (n, limit, kept, cut) => {
    const r = bounded(Array.from({ length: n }, (_, i) => i), limit);
    expect([r.list.length, r.cut]).toEqual([kept, cut]);
  });
});
