/** Scheduled traffic tests' pure parts: when a schedule runs next, and what a run's outcome does to it. */

const HOUR_MS = 3_600_000;
/** A run refused because a test of one of its probes is still running tries again this soon (a test lasts at most ~6 min). */
export const BUSY_RETRY_MS = 60_000;

/**
 * The first run of the schedule's phase after `now`: `startsAt` itself while it is still ahead, else
 * `startsAt + k·period` for the smallest k that is after `now`. Runs missed while the server was down are not
 * made up for (one run, at the next time of the phase), and a schedule never drifts with the duty's lateness.
 */
export function nextRegularRun(startsAt: number, now: number, everyHours: number): number {
  if (startsAt > now) return startsAt;
  const period = everyHours * HOUR_MS;
  return startsAt + (Math.floor((now - startsAt) / period) + 1) * period;
}

export interface RunOutcome {
  /** The test started, or the refusal's code (no test was started). */
  started: boolean;
  code?: string;
}

/**
 * When a schedule that ran at `now` runs again: at its next regular time, except that a run refused as
 * `traffic_test_busy` tries again after BUSY_RETRY_MS (never later than the regular time).
 */
export function nextRunAfter(startsAt: number, now: number, everyHours: number, outcome: RunOutcome): number {
  const regular = nextRegularRun(startsAt, now, everyHours);
  if (!outcome.started && outcome.code === 'traffic_test_busy') return Math.min(now + BUSY_RETRY_MS, regular);
  return regular;
}
