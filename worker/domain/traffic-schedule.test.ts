import { describe, expect, it } from 'vitest';
import { BUSY_RETRY_MS, nextRegularRun, nextRunAfter } from './traffic-schedule.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 3, 0, 0);

describe('nextRegularRun', () => {
  it.each([
    ['a start still ahead is the next run', T0 + 5 * H, T0, 6, T0 + 5 * H],
    ['at the start itself: one period on', T0, T0, 6, T0 + 6 * H],
    ['a minute after the start', T0, T0 + 60_000, 6, T0 + 6 * H],
    ['just before the second run', T0, T0 + 6 * H - 1, 6, T0 + 6 * H],
    ['at the second run: the third', T0, T0 + 6 * H, 6, T0 + 12 * H],
    ['a late duty keeps the phase', T0, T0 + 6 * H + 59_000, 6, T0 + 12 * H],
    ['runs missed while down are not made up for', T0, T0 + 50 * H, 6, T0 + 54 * H],
    ['hourly', T0, T0 + 90 * 60_000, 1, T0 + 2 * H],
    ['weekly', T0, T0 + 1, 168, T0 + 168 * H],
  ])('%s', (_name, startsAt, now, everyHours, next) => {
    expect(nextRegularRun(startsAt, now, everyHours)).toBe(next);
  });
});

describe('nextRunAfter', () => {
  it.each([
    ['a started test: the regular time', { started: true }, T0 + 6 * H],
    ['a probe offline: the regular time, no retry', { started: false, code: 'probe_offline' }, T0 + 6 * H],
    ['an unsupported probe: the regular time', { started: false, code: 'unsupported_by_probe' }, T0 + 6 * H],
    ['busy: a minute on', { started: false, code: 'traffic_test_busy' }, T0 + 60_000 + BUSY_RETRY_MS],
  ])('%s', (_name, outcome, next) => {
    expect(nextRunAfter(T0, T0 + 60_000, 6, outcome)).toBe(next);
  });

  it('busy just before the regular time retries no later than it', () => {
    expect(nextRunAfter(T0, T0 + H - 10_000, 1, { started: false, code: 'traffic_test_busy' })).toBe(T0 + H);
  });
});
