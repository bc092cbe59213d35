import { sql, type SQL } from 'drizzle-orm';
import { silentBefore } from '../probe-link/heartbeat.js';
import type { AppDeps } from '../deps.js';
import { loadAlertSetup, outboxFor } from './context.js';
import { subjectState } from './store.js';
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
    ON CONFLICT(subject) DO UPDATE SET state = excluded.state, notified = excluded.notified, since = excluded.since`;

/**
 * A probe connected: "probe online" if it had been reported offline. Statements for the connect's own batch.
 * A probe that reconnects within the grace (a restart, an upgrade) was never reported offline, so says nothing.
 */
export async function probeOnlineAlert(deps: AppDeps, probeId: number, now: number): Promise<{ statements: SQL[]; deliveries: number }> {
  const prev = await subjectState(deps, `probe:${probeId}`);
  if (prev?.state === 'online') return { statements: [], deliveries: 0 };
  const outbox = prev?.state === 'offline' ? await outboxFor(deps, await loadAlertSetup(deps), [probeDraft(probeId, now, 'online')], now) : { statements: [], deliveries: 0 };
  return { statements: [writeState(probeId, 'online', now), ...outbox.statements], deliveries: outbox.deliveries };
}

/**
 * Probes disconnected for three heartbeats that were last reported online: one "probe offline" each (never one
 * "down" per host: their hosts are unknown, not down). The grace keeps a probe's restart, or the control plane's,
 * from paging anybody: it counts from the probe's last frame, or from `since` when later (the Node host moves it
 * to its own start, so probes get three heartbeats to reconnect after a restart however long it was down).
 */
export const probeWatchRestarted = (now: number): SQL => sql`UPDATE alert_states SET since = ${now} WHERE subject LIKE 'probe:%' AND state = 'online'`;

export async function probeOfflineAlerts(deps: AppDeps, now: number): Promise<{ statements: SQL[]; deliveries: number; probeIds: number[] }> {
  const cutoff = silentBefore(now, deps.config.heartbeatSeconds);
  const gone = await deps.db.all<{ id: number }>(sql`
    SELECT p.id AS id FROM probes p JOIN alert_states a ON a.subject = 'probe:' || p.id
    WHERE p.connected = 0 AND a.state = 'online' AND max(coalesce(p.last_seen_at, 0), a.since) < ${cutoff}`);
  if (!gone.length) return { statements: [], deliveries: 0, probeIds: [] };
  const outbox = await outboxFor(deps, await loadAlertSetup(deps), gone.map((p) => probeDraft(p.id, now, 'offline')), now);
  return { statements: [...gone.map((p) => writeState(p.id, 'offline', now)), ...outbox.statements], deliveries: outbox.deliveries, probeIds: gone.map((p) => p.id) };
}
