/**
 * Maintenance windows (pure): what a window covers and when it is on. A weekly window's occurrences follow the
 * wall clock of its own zone, so "Sundays 02:00" stays 02:00 local across DST changes.
 */
import { weekdayOf, zonedInstant } from './zoned-time.js';

export interface MaintenanceWindow {
  id: number;
  name: string;
  scope: 'subnet' | 'host' | 'tag';
  subnetId: number | null;
  hostId: number | null;
  tag: string | null;
  kind: 'once' | 'weekly';
  startsAt: number | null;
  endsAt: number | null;
  /** 0 = Sunday … 6 = Saturday */
  weekdays: number[] | null;
  /** local "HH:MM" */
  startTime: string | null;
  durationMinutes: number | null;
  timeZone: string | null;
}

/** What an event is about: a host (with its subnet and tags), or a subnet itself (hostId null, no tags). */
export interface WindowTarget {
  hostId: number | null;
  subnetId: number | null;
  tags: readonly string[];
}

export interface Occurrence {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
/** occurrences() returns no more than this (about 16 months of a window that runs every day). */
export const MAX_OCCURRENCES = 500;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function covers(w: MaintenanceWindow, target: WindowTarget): boolean {
  switch (w.scope) {
    case 'subnet':
      return w.subnetId !== null && target.subnetId === w.subnetId;
    case 'host':
      return w.hostId !== null && target.hostId === w.hostId;
    case 'tag':
      return w.tag !== null && target.hostId !== null && target.tags.includes(w.tag);
  }
}

/** A weekly window's fields, or null when they are incomplete (such a window is never on). */
function weekly(w: MaintenanceWindow) {
  const m = w.startTime ? TIME.exec(w.startTime) : null;
  if (!m || !w.weekdays?.length || !w.timeZone || !w.durationMinutes || w.durationMinutes <= 0) return null;
  return { days: new Set(w.weekdays), minutes: Number(m[1]) * 60 + Number(m[2]), durationMs: w.durationMinutes * 60_000, zone: w.timeZone };
}

/**
 * The occurrences overlapping [from, to), by start; at most MAX_OCCURRENCES (the first ones). Each lasts
 * `durationMinutes` of elapsed time from its start (so one that starts before a DST change ends at a wall time an hour
 * off). Occurrences of the same window may overlap (seven days long, every day): they are listed as they are.
 */
export function occurrences(w: MaintenanceWindow, from: number, to: number): Occurrence[] {
  if (to <= from) return [];
  if (w.kind === 'once') {
    if (w.startsAt === null || w.endsAt === null || w.startsAt >= w.endsAt) return [];
    return w.startsAt < to && w.endsAt > from ? [{ start: w.startsAt, end: w.endsAt }] : [];
  }
  const rule = weekly(w);
  if (!rule) return [];
  const out: Occurrence[] = [];
  try {
    // local days around the range, with a day's margin for any zone's offset (−12 h … +14 h) so no Intl call is needed
    // here; an occurrence overlapping `from` started at most its length before it
    const first = Math.floor((from - rule.durationMs) / DAY_MS) - 1;
    const last = Math.floor(to / DAY_MS) + 1;
    for (let day = first; day <= last && out.length < MAX_OCCURRENCES; day++) {
      if (!rule.days.has(weekdayOf(day))) continue;
      const start = zonedInstant(rule.zone, day, rule.minutes);
      const end = start + rule.durationMs;
      if (start < to && end > from) out.push({ start, end });
    }
  } catch {
    return []; // a zone the runtime does not know: the service refuses those, so only a stale row gets here
  }
  return out;
}

/** The occurrence containing `at` (of several, the one lasting longest from `at`), or null. */
export function occurrenceAt(w: MaintenanceWindow, at: number): Occurrence | null {
  let best: Occurrence | null = null;
  for (const o of occurrences(w, at, at + 1)) if (!best || o.end > best.end) best = o;
  return best;
}

export function activeAt(w: MaintenanceWindow, at: number): boolean {
  return occurrenceAt(w, at) !== null;
}

/**
 * The window muting events of `target` at `at`: of those covering it and on, the one whose occurrence ends last
 * (ties: the lowest id), so the mute it reports lasts as long as any; null when none is.
 */
export function mutingWindow(windows: readonly MaintenanceWindow[], target: WindowTarget, at: number): MaintenanceWindow | null {
  let best: { w: MaintenanceWindow; end: number } | null = null;
  for (const w of windows) {
    if (!covers(w, target)) continue;
    const o = occurrenceAt(w, at);
    if (o && (!best || o.end > best.end || (o.end === best.end && w.id < best.w.id))) best = { w, end: o.end };
  }
  return best?.w ?? null;
}

/** The occurrence in progress at `at` (the earliest started), else the next to start; null when there is none. */
export function currentOrNext(w: MaintenanceWindow, at: number): Occurrence | null {
  if (w.kind === 'once') return occurrences(w, at, Number.MAX_SAFE_INTEGER)[0] ?? null;
  return occurrences(w, at, at + 8 * DAY_MS)[0] ?? null;
}
