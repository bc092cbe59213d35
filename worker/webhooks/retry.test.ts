import { describe, expect, it } from 'vitest';
import {
  DELIVERY_TIMEOUT_MS,
  DISABLE_AFTER_FAILING_MS,
  RETRY_DELAYS_MS,
  classifyStatus,
  honoursRetryAfter,
  nextAttemptDelay,
  parseHttpDate,
  planAfterAttempt,
  retryAfterMs,
  type AttemptPlan,
  type AttemptResult,
} from './retry.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;
const mid = () => 0.5; // no jitter
const low = () => 0; // −10 %
const high = () => 0.999_999_999; // just under +10 %
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('the schedule', () => {
  it('is the Standard Webhooks example: 10 attempts over 75 h 35 min 5 s', () => {
    expect(RETRY_DELAYS_MS).toEqual([0, 5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H]);
    expect(RETRY_DELAYS_MS.reduce((a, b) => a + b)).toBe(75 * H + 35 * MIN + 5 * S);
    expect(DISABLE_AFTER_FAILING_MS).toBe(5 * DAY);
    expect(DELIVERY_TIMEOUT_MS).toBe(15_000);
  });
});

describe('nextAttemptDelay', () => {
  it.each([
    [0, mid, 0],
    [0, low, 0],
    [0, high, 0],
    [1, mid, 5 * S],
    [1, low, 4.5 * S],
    [1, high, 5.5 * S],
    [2, mid, 5 * MIN],
    [2, low, 4.5 * MIN],
    [3, high, 33 * MIN],
    [5, mid, 5 * H],
    [9, low, 77_760_000], // 21.6 h
    [9, high, 95_040_000], // 26.4 h
    [10, mid, null],
    [11, mid, null],
    [1, () => -5, 4.5 * S], // a broken random source stays inside ±10 %
    [1, () => 7, 5.5 * S],
  ])('after %i attempts (random %o) → %o ms', (made, random, expected) => {
    expect(nextAttemptDelay(made, random)).toBe(expected);
  });

  it('spreads, and never goes negative', () => {
    const delays = Array.from({ length: 200 }, (_, i) => nextAttemptDelay(2, () => i / 200)!);
    expect(Math.min(...delays)).toBe(4.5 * MIN);
    expect(Math.max(...delays)).toBeLessThanOrEqual(5.5 * MIN);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it.each([-1, 1.5, NaN])('refuses attemptsMade %o', (made) => {
    expect(() => nextAttemptDelay(made, mid)).toThrow();
  });
});

describe('retryAfterMs', () => {
  it.each([
    [null, null],
    ['', null],
    ['0', 0],
    ['120', 120 * S],
    [' 30 ', 30 * S],
    ['86400', DAY],
    ['86401', DAY], // clamped to 24 h
    ['99999999999999999999', DAY],
    ['-5', null],
    ['1.5', null],
    ['1e3', null],
    ['soon', null],
    ['2026', 2026 * S], // delta-seconds (Date.parse would take it for a year)
    ['2026-01-15T12:01:00Z', null], // not an HTTP-date
    ['Thu, 15 Jan 2026 12:01:00 GMT', MIN],
    ['Thu, 15 Jan 2026 11:00:00 GMT', 0], // in the past
    ['Fri, 16 Jan 2026 12:00:01 GMT', DAY], // beyond 24 h
    ['Thursday, 15-Jan-26 12:00:30 GMT', 30 * S], // RFC 850
    ['Thu Jan 15 12:02:00 2026', 2 * MIN], // asctime, always UTC
    ['Thu Jan  5 12:02:00 2026', 0],
    ['Thu, 15 Jan 2026 12:01:00 UTC', null],
    ['Thu, 31 Feb 2026 12:01:00 GMT', null],
    ['Thu, 15 Jan 2026 24:01:00 GMT', null],
    ['thu, 15 jan 2026 12:01:00 gmt', null],
  ])('%j → %o', (header, expected) => {
    expect(retryAfterMs(header, NOW)).toBe(expected);
  });
});

describe('parseHttpDate', () => {
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Monday, 01-Jan-75 00:00:00 GMT', Date.UTC(2075, 0, 1)], // 49 years ahead of 2026: the future
    ['Monday, 01-Jan-77 00:00:00 GMT', Date.UTC(1977, 0, 1)], // 51 years ahead: the past
  ])('%j', (text, expected) => {
    expect(parseHttpDate(text, NOW)).toBe(expected);
  });
});

describe('classifyStatus and honoursRetryAfter', () => {
  it.each([
    [200, 'delivered', false],
    [204, 'delivered', false],
    [299, 'delivered', false],
    [199, 'retry', false],
    [301, 'retry', false], // redirects are not followed
    [304, 'retry', false],
    [400, 'retry', false],
    [404, 'retry', false],
    [410, 'gone', false],
    [429, 'retry', true],
    [500, 'retry', false],
    [502, 'retry', false],
    [503, 'retry', true],
    [504, 'retry', false],
  ])('%i → %s (Retry-After honoured: %s)', (status, verdict, honoured) => {
    expect(classifyStatus(status)).toBe(verdict);
    expect(honoursRetryAfter(status)).toBe(honoured);
  });
});

describe('planAfterAttempt', () => {
  const base: AttemptResult = { attemptsMade: 1, status: 500, retryAfter: null, now: NOW, failingSince: null, random: mid };
  it.each<[string, Partial<AttemptResult>, AttemptPlan]>([
    ['2xx', { status: 200 }, { outcome: 'delivered' }],
    ['2xx on the last attempt', { status: 202, attemptsMade: 10 }, { outcome: 'delivered' }],
    ['2xx after failing for a week', { status: 200, failingSince: NOW - 7 * DAY }, { outcome: 'delivered' }],
    ['first failure: 5 s later', {}, { outcome: 'retry', at: NOW + 5 * S }],
    ['network error or timeout', { status: null }, { outcome: 'retry', at: NOW + 5 * S }],
    ['second failure: 5 min later', { attemptsMade: 2 }, { outcome: 'retry', at: NOW + 5 * MIN }],
    ['jitter applies', { attemptsMade: 2, random: low }, { outcome: 'retry', at: NOW + 4.5 * MIN }],
    ['ninth failure: 24 h later', { attemptsMade: 9 }, { outcome: 'retry', at: NOW + 24 * H }],
    ['tenth failure: give up', { attemptsMade: 10 }, { outcome: 'failed' }],
    ['410 Gone', { status: 410 }, { outcome: 'disable', reason: 'the endpoint answered 410 Gone' }],
    ['410 on the last attempt', { status: 410, attemptsMade: 10 }, { outcome: 'disable', reason: 'the endpoint answered 410 Gone' }],
    ['failing for exactly 5 days', { failingSince: NOW - 5 * DAY }, { outcome: 'disable', reason: 'failing for 5 days' }],
    ['failing for 5 days, network error', { status: null, failingSince: NOW - 6 * DAY }, { outcome: 'disable', reason: 'failing for 5 days' }],
    ['failing for 5 days less 1 ms', { failingSince: NOW - 5 * DAY + 1 }, { outcome: 'retry', at: NOW + 5 * S }],
    ['429 Retry-After seconds', { status: 429, retryAfter: '120' }, { outcome: 'retry', at: NOW + 120 * S }],
    ['503 Retry-After date', { status: 503, retryAfter: 'Thu, 15 Jan 2026 13:00:00 GMT' }, { outcome: 'retry', at: NOW + H }],
    ['429 Retry-After 0: the schedule stands', { status: 429, retryAfter: '0', attemptsMade: 4 }, { outcome: 'retry', at: NOW + 2 * H }],
    ['503 Retry-After in the past: the schedule stands', { status: 503, retryAfter: 'Thu, 15 Jan 2026 11:00:00 GMT' }, { outcome: 'retry', at: NOW + 5 * S }],
    ['429 Retry-After shorter than the schedule: the schedule', { status: 429, retryAfter: '10', attemptsMade: 2 }, { outcome: 'retry', at: NOW + 5 * MIN }],
    ['429 Retry-After clamped', { status: 429, retryAfter: '999999' }, { outcome: 'retry', at: NOW + DAY }],
    ['429 Retry-After garbage: schedule', { status: 429, retryAfter: 'later' }, { outcome: 'retry', at: NOW + 5 * S }],
    ['429 without Retry-After: schedule', { status: 429 }, { outcome: 'retry', at: NOW + 5 * S }],
    ['500 Retry-After ignored', { status: 500, retryAfter: '120' }, { outcome: 'retry', at: NOW + 5 * S }],
    ['429 Retry-After still counts an attempt', { status: 429, retryAfter: '1', attemptsMade: 10 }, { outcome: 'failed' }],
  ])('%s', (_name, change, expected) => {
    expect(planAfterAttempt({ ...base, ...change })).toEqual(expected);
  });

  it('refuses a plan before any attempt', () => {
    expect(() => planAfterAttempt({ ...base, attemptsMade: 0 })).toThrow();
  });

  it('walks the whole schedule, then gives up', () => {
    let now = NOW;
    const at: number[] = [];
    for (let made = 1; ; made++) {
      const plan = planAfterAttempt({ ...base, attemptsMade: made, now, failingSince: NOW });
      if (plan.outcome !== 'retry') {
        expect(plan).toEqual({ outcome: 'failed' });
        expect(made).toBe(10);
        break;
      }
      now = plan.at;
      at.push(now - NOW);
    }
    expect(at.at(-1)).toBe(75 * H + 35 * MIN + 5 * S);
  });
});
