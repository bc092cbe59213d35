import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { flowRange } from './flow-range.js';

const NOW = Date.UTC(2026, 10, 26, 12, 30, 15);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const minute = (ms: number) => Math.floor(ms / MIN) * MIN;

describe('flowRange', () => {
  it.each([
    ['nothing: the last hour, in minutes', {}, { grain: 'minute', from: minute(NOW - HOUR), to: minute(NOW) + MIN }],
    ['from only: up to now', { from: iso(NOW - 2 * HOUR) }, { grain: 'minute', from: minute(NOW - 2 * HOUR), to: minute(NOW) + MIN }],
    ['to only: the hour before it', { to: String(Date.UTC(2026, 10, 26, 10)) }, { grain: 'minute', from: Date.UTC(2026, 10, 26, 9), to: Date.UTC(2026, 10, 26, 10) }],
    ['ms and ISO with an offset', { from: String(Date.UTC(2026, 10, 26, 11)), to: '2026-11-26T13:00:00+01:00' }, { grain: 'minute', from: Date.UTC(2026, 10, 26, 11), to: Date.UTC(2026, 10, 26, 12) }],
    ['minute edges widen outward', { from: iso(Date.UTC(2026, 10, 26, 11, 0, 30)), to: iso(Date.UTC(2026, 10, 26, 11, 5, 1)) }, { grain: 'minute', from: Date.UTC(2026, 10, 26, 11), to: Date.UTC(2026, 10, 26, 11, 6) }],
    ['from exactly 7 days back: still minutes', { from: String(NOW - 7 * DAY) }, { grain: 'minute', from: minute(NOW - 7 * DAY), to: minute(NOW) + MIN }],
    // the minutes of the hour holding now − 7 days are kept: a "last 7 days" asked a moment before (the browser's clock) still reads them
    ['from a second before 7 days back: the hour it is in is kept, still minutes', { from: String(NOW - 7 * DAY - 1000) }, { grain: 'minute', from: minute(NOW - 7 * DAY - 1000), to: minute(NOW) + MIN }],
    ['from before the hour holding 7 days back: hours', { from: String(Date.UTC(2026, 10, 19, 12) - 1) }, { grain: 'hour', from: Date.UTC(2026, 10, 19, 11), to: Date.UTC(2026, 10, 26, 13) }],
    ['an old window, a date: hours', { from: '2026-01-01', to: '2026-01-02' }, { grain: 'hour', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) }],
    ['400 days exactly', { from: String(NOW - 400 * DAY), to: String(NOW) }, { grain: 'hour', from: Math.floor((NOW - 400 * DAY) / HOUR) * HOUR, to: Date.UTC(2026, 10, 26, 13) }],
    ['a window ahead of now is allowed', { from: String(NOW + HOUR), to: String(NOW + 2 * HOUR) }, { grain: 'minute', from: minute(NOW + HOUR), to: minute(NOW + 2 * HOUR) + MIN }],
  ])('%s', (_, query, range) => {
    expect(flowRange(query, NOW)).toEqual(range);
  });

  it('reads the minute retention it is given', () => {
    expect(flowRange({ from: String(NOW - 2 * DAY) }, NOW, 1).grain).toBe('hour');
    expect(flowRange({ from: String(NOW - 2 * DAY) }, NOW, 3).grain).toBe('minute');
  });

  it.each([
    [{ from: 'yesterday' }, 'invalid_request', 'from: "yesterday" is not'],
    [{ to: '2026-11-26T12:00:00' }, 'invalid_request', 'to: "2026-11-26T12:00:00" is not'], // no zone
    [{ from: '-5' }, 'invalid_request', 'from:'],
    [{ from: '1.5e12' }, 'invalid_request', 'from:'],
    [{ from: '' }, 'invalid_request', 'from:'],
    [{ from: String(NOW), to: String(NOW) }, 'bad_range', 'is not before to'],
    [{ from: String(NOW), to: String(NOW - 1) }, 'bad_range', 'is not before to'],
    [{ from: String(NOW + 1) }, 'bad_range', 'is not before to'], // to defaults to now
    [{ from: String(NOW - 400 * DAY - 1), to: String(NOW) }, 'bad_range', 'at most 400 days'],
    [{ from: '2020-01-01' }, 'bad_range', 'at most 400 days'],
  ])('%j is 400 %s', (query, code, message) => {
    let error: unknown;
    try {
      flowRange(query, NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).status, (error as AppError).code]).toEqual([400, code]);
    expect((error as AppError).message).toContain(message);
  });
});
