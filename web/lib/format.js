// @ts-check
/** Display helpers: plain values in, strings out. */

/** @param {string | number | null | undefined} t ISO text or epoch seconds */
export function toMs(t) {
  if (t == null) return null;
  return typeof t === 'number' ? t * 1000 : Date.parse(t);
}

/** "just now", "12 s", "4 m", "3 h", "2 d" */
export function span(ms) {
  const s = Math.max(0, ms / 1000);
  if (s < 1.5) return 'just now';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} m`;
  if (s < 129600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** @param {string | number | null | undefined} t */
export function ago(t, now = Date.now()) {
  const ms = toMs(t);
  if (ms == null) return 'never';
  const text = span(now - ms);
  return text === 'just now' ? text : `${text} ago`;
}

/** @param {number | null | undefined} ms */
export function latency(ms) {
  if (ms == null) return '';
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** @param {number | null | undefined} p */
export function percent(p) {
  return p == null ? '—' : `${p >= 99.995 ? 100 : p.toFixed(2)} %`;
}

/** "down 12 m ago" from a status and the time it last changed */
export function lastChange(status, t, now = Date.now()) {
  const ms = toMs(t);
  return ms == null ? `${status}, never changed` : `${status} ${ago(t, now)}`;
}

/**
 * An integer (number, BigInt or decimal string) with its thousands grouped: 1234567 → "1,234,567". By hand, not
 * toLocaleString: the first use of Intl in a fresh page loads its locale data, ~80 ms of the subnet view's first paint.
 */
export function grouped(n) {
  const s = String(n);
  const sign = s.startsWith('-') ? '-' : '';
  const digits = s.slice(sign.length);
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return sign + out;
}

/** Compact counts for big numbers: 1234 → "1,234"; IPv6 sizes arrive as decimal strings. */
export function count(n) {
  const s = String(n);
  if (s.length > 15) return `2^${Math.round(Math.log2(Number(s)))}`;
  return grouped(s);
}

const pad = (n) => String(n).padStart(2, '0');

/** A day in local time as a date input holds it: "2026-12-01". */
export function localDay(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A moment (ISO text or epoch seconds, as toMs) in local time, to the minute: "2026-12-01 09:05"; '' for none. */
export function stamp(t) {
  const ms = toMs(t);
  if (ms == null || Number.isNaN(ms)) return '';
  const d = new Date(ms);
  return `${localDay(ms)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A date input's "YYYY-MM-DD" → epoch ms of that local day's first (or, with end, last) millisecond; null when not a date. */
export function dayBound(text, end = false) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const first = new Date(y, mo, d);
  if (first.getMonth() !== mo || first.getDate() !== d) return null;
  return end ? new Date(y, mo, d + 1).getTime() - 1 : first.getTime();
}
