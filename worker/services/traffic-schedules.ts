import { and, asc, count, eq, lte } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { probes, trafficSchedules, type TrafficScheduleRow } from '../../schema/tables/index.js';
import { isUniqueViolation } from '../db.js';
import type { AppDeps } from '../deps.js';
import { nextRegularRun } from '../domain/traffic-schedule.js';
import { pairKey, type TrafficTestView } from '../domain/traffic-test.js';
import { AppError, notFound } from '../errors.js';
import { resolveTrafficRequest, type TrafficRequest } from './traffic-request.js';
import type { TrafficRequester } from './traffic-tests.js';

/** Schedules a server keeps: each is a probe's test every hour at most, so more would only queue behind each other. */
export const MAX_TRAFFIC_SCHEDULES = 100;
/** How far ahead a first run may be set. */
const FIRST_RUN_WITHIN_MS = 7 * 86_400_000;

/** What each run does, as a test reads it. */
type RunFields = Pick<TrafficTestView, 'pair' | 'port' | 'protocol' | 'durationSeconds' | 'bandwidthBps' | 'parallel' | 'reverse'>;

export interface TrafficScheduleView extends RunFields {
  id: number;
  from: { probeId: number; name: string };
  to: { probeId: number | null; name: string | null; address: string | null };
  everyHours: number;
  enabled: boolean;
  startsAt: string;
  /** Null while paused. */
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastTestId: string | null;
  lastCode: string | null;
  lastError: string | null;
  createdBy: string | null;
  createdAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const fromProbe = alias(probes, 'from_probe');
const toProbe = alias(probes, 'to_probe');

function view(r: TrafficScheduleRow, fromName: string, toName: string | null): TrafficScheduleView {
  return {
    id: r.id,
    pair: r.pair,
    from: { probeId: r.fromProbeId, name: fromName },
    to: { probeId: r.toProbeId, name: toName, address: r.toAddress },
    port: r.port,
    protocol: r.protocol,
    durationSeconds: r.durationSeconds,
    bandwidthBps: r.bandwidthBps,
    parallel: r.parallel,
    reverse: r.reverse,
    everyHours: r.everyHours,
    enabled: r.enabled,
    startsAt: r.startsAt.toISOString(),
    nextRunAt: r.enabled ? r.nextRunAt.toISOString() : null,
    lastRunAt: iso(r.lastRunAt),
    lastTestId: r.lastTestId,
    lastCode: r.lastCode,
    lastError: r.lastError,
    createdBy: r.createdByName,
    createdAt: r.createdAt.toISOString(),
  };
}

const selectViews = (deps: AppDeps) =>
  deps.db
    .select({ row: trafficSchedules, fromName: fromProbe.name, toName: toProbe.name })
    .from(trafficSchedules)
    .innerJoin(fromProbe, eq(fromProbe.id, trafficSchedules.fromProbeId))
    .leftJoin(toProbe, eq(toProbe.id, trafficSchedules.toProbeId));

export async function listTrafficSchedules(deps: AppDeps): Promise<TrafficScheduleView[]> {
  const rows = await selectViews(deps).orderBy(asc(trafficSchedules.pair), asc(trafficSchedules.id)).limit(MAX_TRAFFIC_SCHEDULES);
  return rows.map((r) => view(r.row, r.fromName, r.toName));
}

export async function getTrafficSchedule(deps: AppDeps, id: number): Promise<TrafficScheduleView> {
  const [r] = await selectViews(deps).where(eq(trafficSchedules.id, id));
  if (!r) throw notFound(`traffic schedule ${id}`);
  return view(r.row, r.fromName, r.toName);
}

export interface ScheduleRequest extends TrafficRequest {
  everyHours: number;
  /** The first run (ms); absent: at the duty's next tick, within a minute. */
  firstRunAt?: number;
}

/** A schedule for a pair: the request checked as far as it can be before its runs (resolveTrafficRequest `schedule`). */
export async function createTrafficSchedule(deps: AppDeps, who: TrafficRequester, req: ScheduleRequest): Promise<TrafficScheduleView> {
  const now = deps.clock.now();
  // a minute's leeway for a browser's clock: a first run just past is now
  if (req.firstRunAt !== undefined && (req.firstRunAt < now - 60_000 || req.firstRunAt > now + FIRST_RUN_WITHIN_MS)) {
    throw new AppError(400, 'invalid_request', 'the first run is within the coming week', { field: 'firstRunAt' });
  }
  const { from, target, bandwidthBps, address } = await resolveTrafficRequest(deps, req, 'schedule');
  const [{ n } = { n: 0 }] = await deps.db.select({ n: count() }).from(trafficSchedules);
  if (n >= MAX_TRAFFIC_SCHEDULES) throw new AppError(409, 'too_many_schedules', `a server keeps at most ${MAX_TRAFFIC_SCHEDULES} traffic schedules; remove one first`);
  const startsAt = Math.max(req.firstRunAt ?? now, now);
  const pair = pairKey(from.id, target ? { probeId: target.id } : { address: address! });
  let id: number;
  try {
    const [row] = await deps.db
      .insert(trafficSchedules)
      .values({
        pair, fromProbeId: from.id, toProbeId: target?.id ?? null, toAddress: address, port: req.port, protocol: req.protocol,
        durationSeconds: req.durationSeconds, bandwidthBps, parallel: req.parallel, reverse: req.reverse, everyHours: req.everyHours,
        enabled: true, startsAt: new Date(startsAt), nextRunAt: new Date(startsAt), createdBy: who.userId, createdByName: who.username,
        createdAt: new Date(now), updatedAt: new Date(now),
      })
      .returning({ id: trafficSchedules.id });
    id = row!.id;
  } catch (e) {
    if (!isUniqueViolation(e, 'traffic_schedules.pair')) throw e;
    throw new AppError(409, 'schedule_exists', `this pair already has a ${req.protocol.toUpperCase()}${req.reverse ? ' reverse' : ''} schedule; change or remove that one`, { field: 'to' });
  }
  deps.log.info('traffic schedule made', { scheduleId: id, pair, everyHours: req.everyHours, by: who.username });
  return getTrafficSchedule(deps, id);
}

/** Pause, resume or change the period; a schedule resumed or re-timed runs next at its phase's next time after now. */
export async function updateTrafficSchedule(deps: AppDeps, id: number, change: { enabled?: boolean; everyHours?: number }): Promise<TrafficScheduleView> {
  const [row] = await deps.db.select().from(trafficSchedules).where(eq(trafficSchedules.id, id));
  if (!row) throw notFound(`traffic schedule ${id}`);
  const now = deps.clock.now();
  const enabled = change.enabled ?? row.enabled;
  const everyHours = change.everyHours ?? row.everyHours;
  const retimed = (change.enabled === true && !row.enabled) || everyHours !== row.everyHours;
  await deps.db
    .update(trafficSchedules)
    .set({ enabled, everyHours, updatedAt: new Date(now), ...(retimed ? { nextRunAt: new Date(nextRegularRun(row.startsAt.getTime(), now, everyHours)) } : {}) })
    .where(eq(trafficSchedules.id, id));
  return getTrafficSchedule(deps, id);
}

/** Removes a schedule; the tests it ran stay in the history (they keep its id). */
export async function deleteTrafficSchedule(deps: AppDeps, id: number): Promise<void> {
  const gone = await deps.db.delete(trafficSchedules).where(eq(trafficSchedules.id, id)).returning({ id: trafficSchedules.id });
  if (!gone.length) throw notFound(`traffic schedule ${id}`);
}

/** Due schedules, earliest first (the duty runs a bounded number per tick). */
export async function dueTrafficSchedules(deps: AppDeps, now: number, limit: number): Promise<TrafficScheduleRow[]> {
  return deps.db
    .select()
    .from(trafficSchedules)
    .where(and(eq(trafficSchedules.enabled, true), lte(trafficSchedules.nextRunAt, new Date(now))))
    .orderBy(asc(trafficSchedules.nextRunAt))
    .limit(limit);
}
