/**
 * Reservations past `reservedUntil` that were never seen alive since `reservedAt` are released (the
 * `reservation-expiry` duty): a record made with the reservation that nothing has added to since is deleted (the
 * address has no record again), any other record loses its reservation. Each release is one audit row
 * `reservation.released` (actor system).
 */
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import { expiryAction } from '../domain/allocation-plan.js';
import type { Effects } from '../effects.js';
import { hostsEdited } from '../live/announce.js';
import { recordAudit } from './audit.js';

/** Reservations released per run at most (the next run takes the rest). */
export const EXPIRY_BATCH = 200;
export const SYSTEM_ACTOR = { userId: null, name: 'system' } as const;

interface Row {
  id: number;
  subnetId: number;
  probeId: number | null;
  ip: string;
  reservedBy: string | null;
  reservedAt: number | null;
  reservedUntil: number;
  createdAt: number;
  edited: number;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  mac: string | null;
  ptrName: string | null;
  notes: string;
}

/** The condition again in each write: a host seen (or edited) between the read and the write keeps its reservation. */
const stillExpired = (now: number) =>
  sql`reserved = 1 AND reserved_until <= ${now} AND (last_seen_at IS NULL OR last_seen_at < coalesce(reserved_at, created_at))`;
/** Someone edited the host (PATCH /api/hosts/{id}, audited host.update) since it was reserved: their work is kept. */
const editedSinceOf = (h: ReturnType<typeof sql>) => sql`EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'host.update'
  AND a.at >= coalesce(${h}.reserved_at, ${h}.created_at) AND a.target_type = 'host' AND a.target_id = CAST(${h}.id AS TEXT))`;
const editedSince = editedSinceOf(sql`h`);
const idsIn = (ids: number[]) => sql`id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

export async function releaseExpiredReservations(deps: AppDeps): Promise<{ released: number; effects: Effects }> {
  const now = deps.clock.now();
  // along hosts_reserved_until_idx
  const rows = await deps.db.all<Row>(sql`
    SELECT h.id, h.subnet_id AS subnetId, s.probe_id AS probeId, h.ip, h.reserved_by AS reservedBy, h.reserved_at AS reservedAt,
      h.reserved_until AS reservedUntil, h.created_at AS createdAt, ${editedSince} AS edited, h.first_seen_at AS firstSeenAt, h.last_seen_at AS lastSeenAt,
      h.mac, h.ptr_name AS ptrName, h.notes
    FROM hosts h JOIN subnets s ON s.id = h.subnet_id
    WHERE h.reserved_until <= ${now} AND h.reserved = 1 AND (h.last_seen_at IS NULL OR h.last_seen_at < coalesce(h.reserved_at, h.created_at))
    ORDER BY h.reserved_until LIMIT ${EXPIRY_BATCH}`);
  const num = (v: unknown) => (v === null ? null : Number(v));
  const planned = rows.map((r) => ({
    row: r,
    action: expiryAction({ createdAt: Number(r.createdAt), edited: Number(r.edited) === 1, reservedAt: num(r.reservedAt), firstSeenAt: num(r.firstSeenAt), lastSeenAt: num(r.lastSeenAt), mac: r.mac, ptrName: r.ptrName, notes: r.notes }),
  }));
  const toDelete = planned.filter((p) => p.action === 'delete').map((p) => p.row.id);
  const toClear = planned.filter((p) => p.action === 'clear').map((p) => p.row.id);
  const deleted = new Set<number>();
  const cleared = new Set<number>();
  if (toDelete.length) {
    // still untouched: nothing learnt about the address since the reservation made the record
    const gone = await deps.db.all<{ id: number }>(sql`
      DELETE FROM hosts WHERE ${idsIn(toDelete)} AND ${stillExpired(now)} AND created_at = reserved_at AND NOT ${editedSinceOf(sql`hosts`)} AND first_seen_at IS NULL AND last_seen_at IS NULL
        AND mac IS NULL AND ptr_name IS NULL AND notes = '' RETURNING id`);
    for (const g of gone) deleted.add(Number(g.id));
  }
  if (toClear.length) {
    const done = await deps.db.all<{ id: number }>(sql`
      UPDATE hosts SET reserved = 0, reserved_by = NULL, reserved_note = NULL, reserved_at = NULL, reserved_until = NULL, updated_at = ${now}
      WHERE ${idsIn(toClear)} AND ${stillExpired(now)} RETURNING id`);
    for (const d of done) cleared.add(Number(d.id));
  }
  const released = planned.filter((p) => deleted.has(p.row.id) || cleared.has(p.row.id)).map((p) => p.row);
  for (const r of released) {
    await recordAudit(deps, {
      action: 'reservation.released',
      actor: SYSTEM_ACTOR,
      targetType: 'host',
      targetId: r.id,
      details: { ip: r.ip, subnetId: r.subnetId, reservedBy: r.reservedBy, reservedUntil: new Date(Number(r.reservedUntil)).toISOString(), deleted: deleted.has(r.id) },
    });
  }
  return {
    released: released.length,
    effects: released.length
      ? { assignments: released.filter((r) => deleted.has(r.id)).map((r) => r.probeId), live: [hostsEdited(released.map((r) => r.subnetId))] }
      : {},
  };
}
