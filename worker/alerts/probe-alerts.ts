import { sql, type SQL } from 'drizzle-orm';
import { silentBefore } from '../probe-link/heartbeat.js';
import type { AppDeps } from '../deps.js';
import { loadAlertSetup, outboxFor } from './context.js';
import { staleGuard, staleIf, subjectState } from './store.js';
import type { AlertDraft } from './types.js';

const probeDraft = (probeId: number, at: number, to: 'online' | 'offline'): AlertDraft => ({
  type: `probe.${to}`,
  at,
  hostId: null,
  subnetId: null,
  probeId,
  previous: to === 'online' ? 'offline' : 'online',
  current: to,
  mutedBy: null,
});

const writeState = (probeId: number, state: 'online' | 'offline', at: number): SQL =>
  sql`INSERT INTO alert_states (subject, state, notified, ups, since) VALUES (${`probe:${probeId}`}, ${state}, ${state}, 0, ${at})
    ON CONFLICT(subject) DO UPDATE SET state = excluded.state, notified = excluded.notified, since = excluded.since, rev = alert_states.rev + 1`;

/**
 * A probe connected: "probe online" if it had been reported offline. Statements for the connect's own batch.
 * A probe that reconnects within the grace (a restart, an upgrade) was never reported offline, so says nothing.
 * Guarded even when there is nothing to write: a "probe offline" written since the read fails the connect's batch,
 * which then reads it and says "probe online" (run it with retryStale).
 */
export async function probeOnlineAlert(deps: AppDeps, probeId: number, now: number): Promise<{ statements: SQL[]; deliveries: number }> {
  const subject = `probe:${probeId}`;
  const prev = await subjectState(deps, subject);
  const guard = staleGuard([subject], new Map(prev ? [[subject, prev.rev]] : []));
  if (prev?.state === 'online') return { statements: guard, deliveries: 0 };
  const outbox = prev?.state === 'offline' ? await outboxFor(deps, await loadAlertSetup(deps), [probeDraft(probeId, now, 'online')], now) : { statements: [], deliveries: 0 };
  return { statements: [...guard, writeState(probeId, 'online', now), ...outbox.statements], deliveries: outbox.deliveries };
}

/** The Node host's start: probes get three heartbeats from now to reconnect before they are reported offline. */
export const probeWatchRestarted = (now: number): SQL =>
  sql`UPDATE alert_states SET since = ${now}, rev = rev + 1 WHERE subject LIKE 'probe:%' AND state = 'online'`;

/** A probe gone long enough to be reported offline (`p` its row, `a` its alert state). */
const goneFor = (cutoff: number): SQL => sql`p.connected = 0 AND a.state = 'online' AND max(coalesce(p.last_seen_at, 0), a.since) < ${cutoff}`;

/**
 * Probes disconnected for three heartbeats that were last reported online: one "probe offline" each (never one
 * "down" per host: their hosts are unknown, not down). The grace keeps a probe's restart, or the control plane's,
 * from paging anybody: it counts from the probe's last frame, or from `since` when later (the Node host moves it
 * to its own start, so probes get three heartbeats to reconnect after a restart however long it was down).
 * Statements for one batch, guarded (run it with retryStale): the batch fails if one of the probes connected or its
 * state was written (an overlapping run, a connect) since the read, so no "probe offline" while connected, none twice.
 */
export async function probeOfflineAlerts(deps: AppDeps, now: number): Promise<{ statements: SQL[]; deliveries: number; probeIds: number[] }> {
  const cutoff = silentBefore(now, deps.config.heartbeatSeconds);
  const gone = await deps.db.all<{ id: number; rev: number }>(sql`
    SELECT p.id AS id, a.rev AS rev FROM probes p JOIN alert_states a ON a.subject = 'probe:' || p.id WHERE ${goneFor(cutoff)}`);
  if (!gone.length) return { statements: [], deliveries: 0, probeIds: [] };
  const ids = gone.map((p) => p.id);
  const guard = [
    ...staleGuard(
      ids.map((id) => `probe:${id}`),
      new Map(gone.map((p) => [`probe:${p.id}`, p.rev])),
    ),
    staleIf(sql`EXISTS (SELECT 1 FROM json_each(${JSON.stringify(ids)}) j
      WHERE NOT EXISTS (SELECT 1 FROM probes p JOIN alert_states a ON a.subject = 'probe:' || p.id WHERE p.id = j.value AND ${goneFor(cutoff)}))`),
  ];
  const outbox = await outboxFor(deps, await loadAlertSetup(deps), gone.map((p) => probeDraft(p.id, now, 'offline')), now);
  return { statements: [...guard, ...ids.map((id) => writeState(id, 'offline', now)), ...outbox.statements], deliveries: outbox.deliveries, probeIds: ids };
}
