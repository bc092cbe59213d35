// @ts-check
// Scheduled traffic tests' pure parts on the Traffic page: the POST /api/traffic-schedules body from the form,
// the period and the last run as people read them.
import { wholeNumber } from './form-values.js';
import { bandwidthText, buildRequest } from './traffic.js';

/** The server's bounds of `everyHours` (a week at most). */
export const EVERY_HOURS = { min: 1, max: 168 };

/**
 * The schedule's body: the test's (buildRequest, the same checks) with `everyHours`, or the first field at fault.
 * @returns {{ body: any } | { field: string, error: string }}
 */
export function buildSchedule(form) {
  const built = buildRequest(form);
  if ('error' in built) return built;
  const every = wholeNumber(form.everyHours, 'everyHours', 'Hours between runs', EVERY_HOURS);
  if ('error' in every) return every;
  return { body: { ...built.body, everyHours: every.value } };
}

/** "every hour", "every 6 hours", "every day", "every 3 days", "every week". */
export function everyText(hours) {
  if (hours === 1) return 'every hour';
  if (hours === 168) return 'every week';
  if (hours % 24 === 0) return hours === 24 ? 'every day' : `every ${hours / 24} days`;
  return `every ${hours} hours`;
}

/** What each run does: "TCP · 10 s · 50M · 4 streams · reverse". */
export function runText(s) {
  return [
    s.protocol.toUpperCase(),
    `${s.durationSeconds} s`,
    ...(s.bandwidthBps != null ? [bandwidthText(s.bandwidthBps)] : []),
    ...(s.parallel > 1 ? [`${s.parallel} streams`] : []),
    ...(s.reverse ? ['reverse'] : []),
  ].join(' · ');
}

/**
 * The last run, as a kind and a line: `none` (not run yet), `refused` (it started no test: the server's words and
 * code) or `started` (its test is `testId`).
 * @returns {{ kind: 'none' | 'refused' | 'started', text: string, testId?: string }}
 */
export function lastRun(s) {
  if (!s.lastRunAt) return { kind: 'none', text: 'not run yet' };
  if (s.lastCode) return { kind: 'refused', text: `not started: ${s.lastError || s.lastCode}${s.lastError ? ` (${s.lastCode})` : ''}` };
  return s.lastTestId ? { kind: 'started', text: 'started a test', testId: s.lastTestId } : { kind: 'none', text: 'not run yet' };
}
