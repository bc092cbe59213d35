import { sql } from 'drizzle-orm';
import { batchable } from '../db.js';
import type { AppDeps } from '../deps.js';
import { loadAlertSetup, muteCheck, outboxFor, policyOf } from './context.js';
import { catchUp } from './reconcile.js';
import { hostStateWrite, stateStatements, type StateWrite } from './store.js';
import type { AlertDraft, HostAlert } from './types.js';

type Row = {
  hostId: number;
  subnetId: number;
  probeId: number | null;
  tags: string;
  state: HostAlert['state'];
  notified: HostAlert['notified'];
  ups: number;
  since: number;
  lastSentAt: number | null;
  incident: string | null;
} & Record<string, unknown>;

/**
 * Sends what the alerting owes: changes a maintenance window held back, now that it is over, and reminders for
 * hosts that stay down. Runs as a duty (every minute on both hosts); one batch for the states and the outbox.
 */
export async function catchUpAlerts(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const rows = await deps.db.all<Row>(sql`
    SELECT a.host_id AS hostId, h.subnet_id AS subnetId, s.probe_id AS probeId, h.tags AS tags, a.state AS state,
      a.notified AS notified, a.ups AS ups, a.since AS since, a.last_sent_at AS lastSentAt, i.detail AS incident,
      s.down_after_failures AS downAfterFailures, s.alert_up_after AS alertUpAfter, s.alert_reminder_minutes AS alertReminderMinutes,
      s.alert_send_resolved AS alertSendResolved, s.alert_degraded_share AS alertDegradedShare, s.alert_degraded_min_hosts AS alertDegradedMinHosts
    FROM alert_states a JOIN hosts h ON h.id = a.host_id JOIN subnets s ON s.id = h.subnet_id
    LEFT JOIN alert_states i ON i.subject = 'subnet:' || h.subnet_id AND i.state = 'degraded'
    WHERE a.host_id IS NOT NULL AND (a.notified IS NOT a.state OR a.state = 'down')
    LIMIT 5000`);
  if (!rows.length) return 0;
  const setup = await loadAlertSetup(deps);
  const mute = muteCheck(setup, new Map(rows.map((r) => [r.hostId, JSON.parse(r.tags) as string[]])));
  const drafts: AlertDraft[] = [];
  const writes: StateWrite[] = [];
  for (const r of rows) {
    const policy = policyOf({ ...r, alertSendResolved: r.alertSendResolved === null ? null : !!r.alertSendResolved } as never, deps.config);
    const inIncident = !!r.incident && (JSON.parse(r.incident) as number[]).includes(r.hostId);
    const h: HostAlert = { state: r.state, notified: r.notified, ups: r.ups, since: r.since, lastSentAt: r.lastSentAt };
    const c = catchUp(h, policy, now, mute({ hostId: r.hostId, subnetId: r.subnetId }, now) !== null, inIncident);
    if (!c) continue;
    writes.push(hostStateWrite(r.hostId, r.subnetId, c.next));
    if (!c.send) continue;
    const [previous, current] = c.send.to === 'down' ? ['up', 'down'] : ['down', 'up'];
    drafts.push({
      type: `host.${c.send.to}`,
      at: now,
      hostId: r.hostId,
      subnetId: r.subnetId,
      probeId: r.probeId,
      previous,
      current,
      mutedBy: null,
      ...(c.send.reminder ? { reminder: true } : {}),
      ...(c.send.held ? { heldByMaintenance: true } : {}),
    });
  }
  if (!writes.length) return 0;
  const outbox = await outboxFor(deps, setup, drafts, now);
  const [first, ...rest] = [...stateStatements(writes), ...outbox.statements].map((s) => batchable(deps.db, s));
  await deps.db.batch([first!, ...rest]);
  return outbox.deliveries;
}
