/** The window of a subnet's "what is new and what is missing" (GET /api/subnets/:id/changes). Pure. */
import { AppError } from '../errors.js';

/** Each list of the answer holds at most this many entries. */
export const CHANGES_LIMIT = 500;

// a date, or a date and time with Z or an offset (a time without one would be the server's local time)
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i;
const MAX_MS = 8.64e15;

function daysIn(year: number, month: number) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseIso(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((p) => (p === undefined ? undefined : Number(p))) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!) || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.parse(m[4] === undefined ? `${text}T00:00:00Z` : text);
  return Number.isFinite(ms) ? ms : null;
}

/** An ISO 8601 date (UTC midnight) or date-time with Z or an offset, or ms since the epoch, as ms; null when it is neither. */
export function parseInstant(text: string): number | null {
  const t = text.trim();
  const ms = /^\d{1,16}$/.test(t) ? Number(t) : parseIso(t);
  return ms === null || ms > MAX_MS ? null : ms;
}

/**
 * `since` as ms: an ISO 8601 date ("2026-11-25", UTC midnight) or date-time with Z or an offset, or ms since the epoch.
 * 400 invalid_since when it is neither, or later than `now`.
 */
export function parseSince(text: string, now: number): number {
  const ms = parseInstant(text);
  if (ms === null) throw new AppError(400, 'invalid_since', `since: "${text.slice(0, 64)}" is not an ISO 8601 time (with Z or an offset) or ms since the epoch`);
  if (ms > now) throw new AppError(400, 'invalid_since', `since: ${new Date(ms).toISOString()} is in the future`);
  return ms;
}

/** The first `limit` of rows read with one more than the limit, and whether there were more. */
export function bounded<T>(rows: readonly T[], limit = CHANGES_LIMIT): { list: T[]; cut: boolean } {
  return { list: rows.slice(0, limit), cut: rows.length > limit };
}
