/**
 * Which rows a flows read takes for its window: minute rows, the hourly roll-up's hour rows, or both ('mixed': hour
 * rows for the whole hours that are rolled up, minute rows at the edges and for the hours not rolled up yet). Pure.
 */
import { GRAIN_MS, type FlowRange } from './flow-range.js';

/** [start, end) in ms: the buckets start ≤ bucket < end. */
export type Span = readonly [start: number, end: number];
export type FlowReadGrain = 'minute' | 'hour' | 'mixed';

export interface FlowRead {
  /** 'minute': minute rows only; 'hour': hour rows only; 'mixed': hour rows inside, minutes at the edges or for hours not rolled up. */
  grain: FlowReadGrain;
  /** The window read (as FlowRange's): minuteRanges and hourRanges cover it, in order, without overlap. */
  from: number;
  to: number;
  minuteRanges: Span[];
  hourRanges: Span[];
}

const HOUR = GRAIN_MS.hour;
/** A window of the minute retention up to this long reads minute rows only. */
export const FLOW_MINUTES_ONLY_MS = 3 * HOUR;
/** Ranges in one read at most: the SQL reads each in a UNION ALL branch of its own (peers two), under D1's 100 bound parameters. */
export const FLOW_READ_MAX_RANGES = 16;
/** Dirty hours the service lists for one read at most (flow_hours, LIMIT). */
export const FLOW_DIRTY_HOURS_MAX = 64;

/**
 * The whole hours of a window the hourly roll-up may answer for: those of a minute-grain window longer than
 * FLOW_MINUTES_ONLY_MS. null: the window reads one grain only (minutes; or hours, for a window past the minute retention).
 */
export function rollupSpan(range: FlowRange): Span | null {
  if (range.grain !== 'minute' || range.to - range.from <= FLOW_MINUTES_ONLY_MS) return null;
  const start = Math.ceil(range.from / HOUR) * HOUR;
  const end = Math.floor(range.to / HOUR) * HOUR;
  return start < end ? [start, end] : null;
}

/** The parts of [from, to) no span of `taken` (sorted, disjoint) covers. */
function rest(from: number, to: number, taken: readonly Span[]): Span[] {
  const out: Span[] = [];
  let at = from;
  for (const [start, end] of taken) {
    if (start > at) out.push([at, start]);
    at = end;
  }
  if (at < to) out.push([at, to]);
  return out;
}

/**
 * The rows to read for `range` (flowRange's). A long minute-grain window (see rollupSpan) reads hour rows for its
 * whole hours, minute rows for its partial hours at the edges and for every hour in `dirty.hours` (an hour with
 * dirty=1 for any probe: its minutes of every probe, none of its hour rows — minutes are complete within the minute
 * retention). `dirty.truncated`: the list stopped at its limit, so every hour from its last on counts as dirty.
 * At most FLOW_READ_MAX_RANGES ranges: beyond, the two minute ranges closest together are joined, the rolled hours
 * between them read from their minutes too (as correct as the hour rows, only slower).
 */
export function planFlowRead(range: FlowRange, dirty: { hours: readonly number[]; truncated: boolean }): FlowRead {
  const { from, to } = range;
  if (range.grain === 'hour') return { grain: 'hour', from, to, minuteRanges: [], hourRanges: [[from, to]] };
  const span = rollupSpan(range);
  if (span === null) return { grain: 'minute', from, to, minuteRanges: [[from, to]], hourRanges: [] };

  const [first, end] = span;
  const minutes: [number, number][] = [];
  const add = (start: number, stop: number) => {
    if (start >= stop) return;
    const last = minutes.at(-1);
    if (last && last[1] >= start) last[1] = Math.max(last[1], stop);
    else minutes.push([start, stop]);
  };
  add(from, first);
  const hours = [...new Set(dirty.hours.map((h) => Math.floor(h / HOUR) * HOUR))].filter((h) => h >= first && h < end).sort((a, b) => a - b);
  for (const h of hours) add(h, h + HOUR);
  if (dirty.truncated && hours.length) add(hours.at(-1)!, end);
  add(end, to);

  let hourRanges = rest(from, to, minutes);
  while (minutes.length + hourRanges.length > FLOW_READ_MAX_RANGES) {
    let i = 0;
    for (let j = 1; j + 1 < minutes.length; j++) if (minutes[j + 1]![0] - minutes[j]![1] < minutes[i + 1]![0] - minutes[i]![1]) i = j;
    minutes[i]![1] = minutes[i + 1]![1];
    minutes.splice(i + 1, 1);
    hourRanges = rest(from, to, minutes);
  }
  const grain: FlowReadGrain = hourRanges.length === 0 ? 'minute' : minutes.length === 0 ? 'hour' : 'mixed';
  return { grain, from, to, minuteRanges: minutes, hourRanges };
}
