import { and, eq } from 'drizzle-orm';
import { trafficSchedules, type TrafficScheduleRow } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { nextRegularRun, nextRunAfter } from '../domain/traffic-schedule.js';
import { follow } from '../effects.js';
import { AppError } from '../errors.js';
import type { TrafficRequest } from './traffic-request.js';
import { dueTrafficSchedules } from './traffic-schedules.js';
import { startTrafficTest } from './traffic-tests.js';

/** Runs started per tick at most; the rest are due still and go at the next tick. */
export const SCHEDULED_RUNS_PER_TICK = 10;

const requestOf = (s: TrafficScheduleRow): TrafficRequest => ({
  from: s.fromProbeId,
  to: s.toProbeId ?? s.toAddress!,
  ...(s.toProbeId !== null && s.toAddress !== null ? { toAddress: s.toAddress } : {}),
  protocol: s.protocol,
  durationSeconds: s.durationSeconds,
  ...(s.bandwidthBps !== null ? { bandwidth: s.bandwidthBps } : {}),
  parallel: s.parallel,
  reverse: s.reverse,
  port: s.port,
});

/**
 * Starts the due schedules' tests as a user's request would (the same checks and refusals). A refused run starts no
 * test: its code and message stay on the schedule, and it runs again at its next time (a busy probe: in a minute).
 */
export async function runTrafficSchedules(deps: AppDeps): Promise<{ started: number; refused: number }> {
  const now = deps.clock.now();
  let started = 0;
  let refused = 0;
  for (const s of await dueTrafficSchedules(deps, now, SCHEDULED_RUNS_PER_TICK)) {
    // only the runner that moves next_run_at on from the value it read runs it (Workers' cron ticks may overlap)
    const claimed = await deps.db
      .update(trafficSchedules)
      .set({ nextRunAt: new Date(nextRegularRun(s.startsAt.getTime(), now, s.everyHours)), lastRunAt: new Date(now), updatedAt: new Date(now) })
      .where(and(eq(trafficSchedules.id, s.id), eq(trafficSchedules.nextRunAt, s.nextRunAt), eq(trafficSchedules.enabled, true)))
      .returning({ id: trafficSchedules.id });
    if (!claimed.length) continue;
    try {
      const { detail, effects } = await startTrafficTest(deps, { userId: s.createdBy, username: s.createdByName }, requestOf(s), s.id);
      await deps.db.update(trafficSchedules).set({ lastTestId: detail.id, lastCode: null, lastError: null }).where(eq(trafficSchedules.id, s.id));
      await follow(deps, effects);
      started++;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      refused++;
      const nextRunAt = new Date(nextRunAfter(s.startsAt.getTime(), now, s.everyHours, { started: false, code: e.code }));
      await deps.db.update(trafficSchedules).set({ lastCode: e.code, lastError: e.message, nextRunAt }).where(eq(trafficSchedules.id, s.id));
      deps.log.warn('scheduled traffic test not started', { scheduleId: s.id, pair: s.pair, code: e.code, error: e.message });
    }
  }
  return { started, refused };
}
