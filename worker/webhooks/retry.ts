/**
 * When to try a webhook delivery again, per the Standard Webhooks retry schedule and its status-code etiquette
 * (2xx delivered; 410 Gone disables the endpoint; everything else, redirects included, is a failure; Retry-After
 * on 429/503). Pure: the caller passes the clock reading and the random source.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The delay before each attempt, from the previous one: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
export const RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
]);
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;
export const JITTER = 0.1;
export const MAX_RETRY_AFTER_MS = 24 * HOUR;
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * HOUR;
export const DELIVERY_TIMEOUT_MS = 15_000;

/**
 * The delay before the next attempt when `attemptsMade` attempts have been made, ±10 % jitter (`random` in
 * [0, 1)); null when all ten have been made.
 */
export function nextAttemptDelay(attemptsMade: number, random: () => number): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 0) throw new Error(`attemptsMade ${attemptsMade}`);
  const base = RETRY_DELAYS_MS[attemptsMade];
  if (base === undefined) return null;
  const r = Math.min(1, Math.max(0, random()));
  return Math.max(0, Math.round(base * (1 + (2 * r - 1) * JITTER)));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MON = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MON} ([ \\d]\\d) ${TIME} (\\d{4})$`);

function utc(year: number, month: string, day: number, h: string, m: string, s: string): number | null {
  const mon = MONTHS.indexOf(month);
  const [hh, mm, ss] = [Number(h), Number(m), Number(s)];
  if (hh > 23 || mm > 59 || ss > 60) return null;
  const t = Date.UTC(year, mon, day, hh, mm, Math.min(ss, 59));
  return new Date(t).getUTCDate() === day ? t : null; // 31 Feb is not a date
}

/** An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms) in ms, or null. */
export function parseHttpDate(text: string, nowMs: number): number | null {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = RFC_850.exec(text);
  if (m) {
    // A two-digit year more than 50 years ahead means the most recent past year with those digits.
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = nowYear - (nowYear % 100) + Number(m[3]);
    if (year > nowYear + 50) year -= 100;
    return utc(year, m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  }
  m = ASCTIME.exec(text);
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!);
  return null;
}

/** Retry-After (delta-seconds or an HTTP-date) as a delay from now, clamped to [0, 24 h]; garbage → null. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  let delay: number;
  if (/^\d+$/.test(text)) delay = Number(text) * SECOND;
  else {
    const at = parseHttpDate(text, nowMs);
    if (at === null) return null;
    delay = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, delay));
}

export type StatusClass = 'delivered' | 'retry' | 'gone';

export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status <= 299) return 'delivered';
  if (status === 410) return 'gone';
  return 'retry';
}

/** The answers whose Retry-After replaces the schedule's delay. */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}

export interface AttemptResult {
  /** Attempts made so far, counting the one that just ended (≥ 1). */
  attemptsMade: number;
  /** The HTTP status, or null for a network error or a timeout. */
  status: number | null;
  /** The response's Retry-After header, if any. */
  retryAfter: string | null;
  now: number;
  /** Since when the endpoint has failed without a success in between (null: until this attempt it had not). */
  failingSince: number | null;
  random: () => number;
}

export type AttemptPlan =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; at: number }
  | { outcome: 'failed' }
  | { outcome: 'disable'; reason: string };

/** What to do after an attempt: done, try again at `at`, give up on this delivery, or disable the endpoint. */
export function planAfterAttempt(input: AttemptResult): AttemptPlan {
  const { attemptsMade, status, retryAfter, now, failingSince, random } = input;
  if (attemptsMade < 1) throw new Error(`attemptsMade ${attemptsMade}: plan after an attempt`);
  const verdict = status === null ? 'retry' : classifyStatus(status);
  if (verdict === 'delivered') return { outcome: 'delivered' };
  if (verdict === 'gone') return { outcome: 'disable', reason: 'the endpoint answered 410 Gone' };
  if (failingSince !== null && now - failingSince >= DISABLE_AFTER_FAILING_MS) {
    return { outcome: 'disable', reason: 'failing for 5 days' };
  }
  let delay = nextAttemptDelay(attemptsMade, random);
  if (delay === null) return { outcome: 'failed' };
  // Retry-After can only lengthen the wait: a 0 or a past date must not spend the remaining attempts at once
  if (status !== null && honoursRetryAfter(status)) delay = Math.max(delay, retryAfterMs(retryAfter, now) ?? 0);
  return { outcome: 'retry', at: now + delay };
}
