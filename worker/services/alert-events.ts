import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { alertEvent, type AlertEvent } from '../../schema/alert-event.js';
import { alertEvents } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';

/** Recent alert events, newest first (muted ones too, with the window that held them), optionally of one host. */
export async function listAlertEvents(deps: AppDeps, q: { limit: number; hostId?: number; before?: string }) {
  const where: SQL[] = [];
  if (q.hostId !== undefined) where.push(eq(alertEvents.hostId, q.hostId));
  if (q.before) where.push(lt(alertEvents.at, new Date(q.before)));
  const rows = await deps.db
    .select({ body: alertEvents.body, muted: alertEvents.muted, mutedBy: alertEvents.mutedBy, id: alertEvents.id })
    .from(alertEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(alertEvents.at), desc(alertEvents.id))
    .limit(q.limit);
  const pending = await deps.db.all<{ eventId: string; states: string }>(
    // how far each listed event's deliveries got
    sql`SELECT event_id AS eventId, group_concat(state) AS states FROM webhook_deliveries
      WHERE event_id IN (SELECT value FROM json_each(${JSON.stringify(rows.map((r) => r.id))})) GROUP BY event_id`,
  );
  const byEvent = new Map(pending.map((p) => [p.eventId, p.states.split(',')]));
  return rows.map((r) => {
    const states = byEvent.get(r.id) ?? [];
    return {
      event: alertEvent.parse(JSON.parse(r.body)) as AlertEvent,
      muted: r.muted,
      mutedBy: r.mutedBy,
      deliveries: { total: states.length, delivered: states.filter((s) => s === 'delivered').length, pending: states.filter((s) => s === 'pending').length },
    };
  });
}
