/** The time window of the flows API (GET /api/netflow/…): from/to, their defaults and bounds, and the grain read. Pure. */
import type { FlowGrain } from '../../schema/tables/flows.js';
import { AppError } from '../errors.js';
import { parseInstant } from './changes-window.js';

/** Minute rows are kept this long (FLOW_MINUTE_RETENTION_DAYS' default); older ranges read the hourly roll-up. */
export const FLOW_MINUTE_RETENTION_DAYS = 7;
/** The longest window one request may ask for (the hourly roll-up's retention). */
export const FLOW_MAX_RANGE_DAYS = 400;
/** Without from and to: the last hour. */
export const FLOW_DEFAULT_RANGE_MS = 3_600_000;
export const FLOW_LIMIT_DEFAULT = 50;
export const FLOW_LIMIT_MAX = 500;

const DAY_MS = 86_400_000;
export const GRAIN_MS: Record<FlowGrain, number> = { minute: 60_000, hour: 3_600_000 };

export interface FlowRange {
  grain: FlowGrain;
  /** Whole buckets: the rows read are those with from ≤ bucket < to (the asked window widened to its buckets). */
  from: number;
  to: number;
}

function invalid(field: 'from' | 'to', text: string): AppError {
  const message = `${field}: "${text.slice(0, 64)}" is not an ISO 8601 time (with Z or an offset) or ms since the epoch`;
  return new AppError(400, 'invalid_request', message, { issues: [{ path: field, message }] });
}

/**
 * The window of a flows query. `from`/`to`: ISO 8601 (with Z or an offset) or ms; default to = now, from = to − 1 h.
 * 400 invalid_request for a time that is neither, 400 bad_range when to ≤ from or to − from > 400 days.
 * Grain: 'minute' when from is within the minute retention (from ≥ now − minuteRetentionDays), else 'hour'.
 */
export function flowRange(query: { from?: string | undefined; to?: string | undefined }, now: number, minuteRetentionDays = FLOW_MINUTE_RETENTION_DAYS): FlowRange {
  const parse = (field: 'from' | 'to') => {
    const text = query[field];
    if (text === undefined) return undefined;
    const ms = parseInstant(text);
    if (ms === null) throw invalid(field, text);
    return ms;
  };
  const askedFrom = parse('from');
  const askedTo = parse('to');
  const to = askedTo ?? now;
  const from = askedFrom ?? to - FLOW_DEFAULT_RANGE_MS;
  if (to <= from) throw new AppError(400, 'bad_range', `from ${new Date(from).toISOString()} is not before to ${new Date(to).toISOString()}`);
  if (to - from > FLOW_MAX_RANGE_DAYS * DAY_MS) throw new AppError(400, 'bad_range', `at most ${FLOW_MAX_RANGE_DAYS} days from from to to`);
  // the prune keeps the minutes of the hour holding now − retention, so a "last 7 days" asked a moment ago (the
  // browser's clock) still reads minutes at its edges rather than dropping the hours not rolled up yet
  const kept = Math.floor((now - minuteRetentionDays * DAY_MS) / GRAIN_MS.hour) * GRAIN_MS.hour;
  const grain: FlowGrain = from >= kept ? 'minute' : 'hour';
  const step = GRAIN_MS[grain];
  return { grain, from: Math.floor(from / step) * step, to: Math.ceil(to / step) * step };
}
