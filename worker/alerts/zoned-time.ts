/**
 * Wall-clock time in an IANA zone, from the runtime's own zone data (Intl.DateTimeFormat: Node and workerd both
 * ship full ICU). Not @date-fns/tz: its wall-time constructor moves a time in a spring-forward gap by the gap's
 * length and picks the later of two fall-back times, where we want the gap's end and the earlier; the one piece we
 * would keep, the offset at an instant, is the few lines below.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The zone as stored: its name with the runtime's capitals (`europe/berlin` → `Europe/Berlin`), or null when the
 * runtime does not know it. A link keeps the name given: ICU resolves `Asia/Kolkata` to the older `Asia/Calcutta`.
 */
export function canonicalTimeZone(zone: string): string | null {
  // Intl takes offsets such as "+05:30" on some runtimes: they are not IANA zones and have no DST rules to follow
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return null;
  const resolved = formatter(zone)?.resolvedOptions().timeZone;
  if (!resolved) return null;
  return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
}

/** The zone's offset from UTC at `at`, in ms (Berlin in summer: +7,200,000). Throws for an unknown zone. */
export function zoneOffset(zone: string, at: number): number {
  const f = formatter(zone);
  if (!f) throw new RangeError(`unknown time zone ${zone}`);
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(at / 1000) * 1000;
}

/** A local calendar day as a day number (days since 1970-01-01), independent of any zone. */
export const dayNumber = (year: number, month0: number, day: number) => Math.floor(Date.UTC(year, month0, day) / DAY_MS);

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number) => (((day + 4) % 7) + 7) % 7;

/** The local day number at instant `at` in `zone`. */
export const localDay = (zone: string, at: number) => Math.floor((at + zoneOffset(zone, at)) / DAY_MS);

// Intl is slow (~10 µs a reading) and the alerting asks about the same few local times for every event of a batch
const instants = new Map<string, number>();
const MAX_CACHED = 20_000;

/**
 * The instant at which the wall clock in `zone` reads `minutes` past midnight of local day `day`. A time in a
 * spring-forward gap gives the gap's end (the first instant after it); a fall-back time that happens twice, the first.
 */
export function zonedInstant(zone: string, day: number, minutes: number): number {
  const key = `${zone} ${day} ${minutes}`;
  let at = instants.get(key);
  if (at === undefined) {
    if (instants.size >= MAX_CACHED) instants.clear();
    at = resolveWall(zone, day * DAY_MS + minutes * 60_000);
    instants.set(key, at);
  }
  return at;
}

function resolveWall(zone: string, wall: number): number {
  // the offsets a day either side: a real zone changes its offset at most once in two days
  const before = zoneOffset(zone, wall - DAY_MS);
  const after = zoneOffset(zone, wall + DAY_MS);
  const valid = [wall - before, wall - after].filter((t) => t + zoneOffset(zone, t) === wall).sort((a, b) => a - b);
  if (valid.length > 0) return valid[0]!;
  // in a gap: the transition lies between the two readings; find its first instant on the new offset
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffset(zone, mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}
