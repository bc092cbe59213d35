import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { alertEvent, type AlertEvent } from '../../schema/alert-event.js';
import { alertEvents } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';

/** A position in the list (newest first): events of one batch share `at`, so the id breaks the tie. */
export interface AlertCursor {
  at: number;
  id: string;
}

/** The `before`/`next` text of a cursor: `<ms>:<event id>`. */
export const cursorText = (c: AlertCursor): string => `${c.at}:${c.id}`;

/** Recent alert events, newest first (muted ones too, with the window that held them), optionally of one host; `next` pages on. */
export async function listAlertEvents(deps: AppDeps, q: { limit: number; hostId?: number; before?: AlertCursor }) {
  const where: SQL[] = [];
  if (q.hostId !== undefined) where.push(eq(alertEvents.hostId, q.hostId));
  if (q.before) {
    const at = new Date(q.before.at);
    where.push(or(lt(alertEvents.at, at), and(eq(alertEvents.at, at), lt(alertEvents.id, q.before.id)))!);
  }
  const found = await deps.db
    .select({ body: alertEvents.body, muted: alertEvents.muted, mutedBy: alertEvents.mutedBy, id: alertEvents.id, at: alertEvents.at })
    .from(alertEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(alertEvents.at), desc(alertEvents.id))
    .limit(q.limit + 1);
  const rows = found.slice(0, q.limit);
  const last = rows.at(-1);
  const next = found.length > q.limit && last ? cursorText({ at: last.at.getTime(), id: last.id }) : null;
  const pending = await deps.db.all<{ eventId: string; states: string }>(
    // how far each listed event's deliveries got
    sql`SELECT event_id AS eventId, group_concat(state) AS states FROM webhook_deliveries
      WHERE event_id IN (SELECT value FROM json_each(${JSON.stringify(rows.map((r) => r.id))})) GROUP BY event_id`,
  );
  const byEvent = new Map(pending.map((p) => [p.eventId, p.states.split(',')]));
  const alerts = rows.map((r) => {
    const states = byEvent.get(r.id) ?? [];
    return {
      event: alertEvent.parse(JSON.parse(r.body)) as AlertEvent,
      muted: r.muted,
      mutedBy: r.mutedBy,
      deliveries: { total: states.length, delivered: states.filter((s) => s === 'delivered').length, pending: states.filter((s) => s === 'pending').length },
    };
  });
  return { alerts, next };
}
