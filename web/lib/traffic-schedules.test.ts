import { describe, expect, it } from 'vitest';
import { MAX_TRAFFIC_SCHEDULE_HOURS } from '../../schema/tables/traffic.js';
// the browser UI is plain ES modules (no bundler, no types); these tables test the schedules' pure helpers
import { buildSchedule, EVERY_HOURS, everyText, lastRun, runText } from './traffic-schedules.js';
import { blankForm } from './traffic.js';

const form = (over: Record<string, unknown> = {}) => ({ ...blankForm(), from: '1', to: '2', everyHours: '6', ...over });

describe('buildSchedule', () => {
  it('is the test’s body with everyHours', () => {
    expect(buildSchedule(form({ bandwidth: '50M' }))).toEqual({ body: { from: 1, to: 2, protocol: 'tcp', durationSeconds: 10, parallel: 1, reverse: false, bandwidth: '50M', everyHours: 6 } });
  });
  it.each([
    ['the test’s own fault first', { to: '1', everyHours: '0' }, 'to'],
    ['no period', { everyHours: '' }, 'everyHours'],
    ['0 hours', { everyHours: '0' }, 'everyHours'],
    ['over a week', { everyHours: '169' }, 'everyHours'],
    ['not whole', { everyHours: '1.5' }, 'everyHours'],
  ])('%s', (_n, over, field) => expect(buildSchedule(form(over))).toMatchObject({ field }));
  it('has the server’s upper bound', () => expect(EVERY_HOURS.max).toBe(MAX_TRAFFIC_SCHEDULE_HOURS));
});

describe('everyText', () => {
  it.each([
    [1, 'every hour'],
    [6, 'every 6 hours'],
    [24, 'every day'],
    [36, 'every 36 hours'],
    [72, 'every 3 days'],
    [168, 'every week'],
  ])('%i', (h, text) => expect(everyText(h)).toBe(text));
});

describe('runText', () => {
  const s = { protocol: 'tcp', durationSeconds: 10, bandwidthBps: null, parallel: 1, reverse: false };
  it.each([
    ['the defaults', {}, 'TCP · 10 s'],
    ['all of it', { protocol: 'udp', bandwidthBps: 50_000_000, parallel: 4, reverse: true, durationSeconds: 30 }, 'UDP · 30 s · 50M · 4 streams · reverse'],
  ])('%s', (_n, over, text) => expect(runText({ ...s, ...over })).toBe(text));
});

describe('lastRun', () => {
  it.each([
    ['never run', { lastRunAt: null, lastCode: null, lastTestId: null }, { kind: 'none', text: 'not run yet' }],
    ['started', { lastRunAt: '2026-12-03T03:00:00Z', lastCode: null, lastTestId: 't1' }, { kind: 'started', text: 'started a test', testId: 't1' }],
    ['refused with words', { lastRunAt: '2026-12-03T03:00:00Z', lastCode: 'probe_offline', lastError: 'probe dst is not connected', lastTestId: 't1' }, { kind: 'refused', text: 'not started: probe dst is not connected (probe_offline)' }],
    ['refused, a code only', { lastRunAt: '2026-12-03T03:00:00Z', lastCode: 'traffic_test_busy', lastError: null, lastTestId: null }, { kind: 'refused', text: 'not started: traffic_test_busy' }],
  ])('%s', (_n, s, out) => expect(lastRun(s)).toEqual(out));
});
