// @ts-check
/** Maintenance windows for display and for the create form: plain values in, plain values out. */
import { stamp, toMs } from './format.js';

/** Day names by the API's numbers (0 = Sunday); the form and the texts list them Monday first. */
export const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

/** "Mon, Wed, Sun"; "every day" for all seven. */
export function weekdaysText(days) {
  if (days.length === 7) return 'every day';
  return WEEK_ORDER.filter((d) => days.includes(d))
    .map((d) => DAY_NAMES[d])
    .join(', ');
}

/** 90 → "1 h 30 min", 120 → "2 h", 45 → "45 min", 2880 → "2 d". */
export function durationText(minutes) {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ') || '0 min';
}

/** When a window is: "2026-11-26 11:00 – 2026-11-26 13:00" (local time), or "Sat, Sun at 02:00 for 2 h (Europe/Berlin)". */
export function scheduleText(w) {
  if (w.kind === 'once') return `${stamp(w.startsAt)} – ${stamp(w.endsAt)}`;
  return `${weekdaysText(w.weekdays ?? [])} at ${w.startTime} for ${durationText(w.durationMinutes ?? 0)} (${w.timeZone})`;
}

/** What a window covers, in words; `names` gives the subnets' and hosts' texts by id when known. */
export function targetText(w, { subnets = new Map(), hosts = new Map() } = {}) {
  if (w.scope === 'subnet') return `subnet ${subnets.get(w.subnetId) ?? `#${w.subnetId}`}`;
  if (w.scope === 'host') return `host ${hosts.get(w.hostId) ?? `#${w.hostId}`}`;
  return `tag ${w.tag}`;
}

/** The occurrence in progress or next, in words: "until 2026-11-26 13:00", "next 2026-11-28 02:00 – 04:00…", "over" (none left). */
export function nextText(w) {
  if (!w.next) return 'over';
  return w.activeNow ? `until ${stamp(w.next.end)}` : `next ${stamp(w.next.start)} – ${stamp(w.next.end)}`;
}

/** A datetime-local input's "2026-11-26T12:00" (local time) as ISO 8601 in UTC; null when not such a text. */
export function localToIso(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text ?? '');
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const date = new Date(y, mo - 1, d, h, mi);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The moment `at` (ISO text) as a datetime-local input holds it (local time, to the minute); '' for none. */
export function isoToLocal(at) {
  return stamp(at).replace(' ', 'T');
}

/**
 * The POST /api/maintenance body from the form's values (strings as the inputs hold them); only the scope's target
 * and the kind's fields are sent, as the server wants. A target or a time that is not one is left out, so the
 * server names the field.
 */
export function windowBody(v) {
  const body = /** @type {Record<string, unknown>} */ ({ name: (v.name ?? '').trim(), scope: v.scope, kind: v.kind });
  if (v.scope === 'subnet' && v.subnetId) body.subnetId = Number(v.subnetId);
  if (v.scope === 'host' && v.hostId) body.hostId = Number(v.hostId);
  if (v.scope === 'tag' && v.tag?.trim()) body.tag = v.tag.trim();
  if (v.kind === 'once') {
    const startsAt = localToIso(v.start);
    const endsAt = localToIso(v.end);
    if (startsAt) body.startsAt = startsAt;
    if (endsAt) body.endsAt = endsAt;
  } else {
    body.weekdays = [...(v.weekdays ?? [])].map(Number).sort((a, b) => a - b);
    if (v.startTime) body.startTime = v.startTime;
    if (v.durationMinutes !== '' && v.durationMinutes != null) body.durationMinutes = Number(v.durationMinutes);
    if (v.timeZone) body.timeZone = v.timeZone;
  }
  return body;
}

const WINDOW_FIELDS = {
  name: 'name',
  subnetId: 'target',
  hostId: 'target',
  tag: 'target',
  startsAt: 'start',
  endsAt: 'end',
  weekdays: 'weekdays',
  startTime: 'startTime',
  durationMinutes: 'durationMinutes',
  timeZone: 'timeZone',
};

/** Which field of the window form a refusal is about ('form' when none). */
export function windowErrorField(err) {
  if (err?.code === 'invalid_time_zone') return 'timeZone';
  if (err?.code === 'not_found') return 'target';
  const path = String(err?.details?.issues?.[0]?.path ?? '').split('.')[0];
  return WINDOW_FIELDS[path] ?? 'form';
}

/**
 * An IP typed for a host-scoped window: the id of the host with exactly that address among `hosts` (a search's
 * answer), the number itself when it is an id ("#17" or "17"), else null.
 */
export function hostIdFor(text, hosts) {
  const t = (text ?? '').trim();
  const id = /^#?(\d+)$/.exec(t);
  if (id) return Number(id[1]);
  const found = hosts.find((h) => h.ip === t.toLowerCase());
  return found ? found.id : null;
}

/**
 * ICU (Chromium's and Node's Intl) lists some zones by names IANA has since replaced (tzdata's "backward" links);
 * the UI offers the current ones, which every runtime here accepts too.
 */
const RENAMED = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Louisville': 'America/Kentucky/Louisville',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** A zone by its current IANA name ("Asia/Calcutta" → "Asia/Kolkata"). */
export const currentZone = (zone) => RENAMED[zone] ?? zone;

/** The time zones to offer, by their current names: the browser's list with `own` and UTC in it, sorted. */
export function zoneList(supported, own) {
  return [...new Set([...supported, own, 'UTC'].filter(Boolean).map(currentZone))].sort();
}

/** Whether moment `at` falls inside one of the occurrences ({ start, end } ISO texts). */
export function duringOccurrence(at, occurrences) {
  const ms = toMs(at);
  return ms != null && occurrences.some((o) => Date.parse(o.start) <= ms && ms < Date.parse(o.end));
}
