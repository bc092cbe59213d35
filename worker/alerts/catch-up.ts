import { sql } from 'drizzle-orm';
import { batchable } from '../db.js';
import type { AppDeps } from '../deps.js';
import { loadAlertSetup, muteCheck, outboxFor, policyOf } from './context.js';
import { catchUp, heldDegraded } from './reconcile.js';
import { hostStateWrite, stateStatements, subnetStateWrite, type StateWrite } from './store.js';
import type { AlertDraft, AlertPolicy, HostAlert } from './types.js';

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
 * Sends what the alerting owes: changes a maintenance window held back (a subnet's recovery too), now that it is
 * over, and reminders for hosts that stay down; nothing for hosts that are unknown (their probe is gone) until they
 * are known again. Held "down"s enough to make their subnet degraded are one "subnet degraded". Runs as a duty
 * (every minute on both hosts); one batch for the states and the outbox.
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
    WHERE a.host_id IS NOT NULL AND (a.notified IS NOT a.state OR a.state = 'down') AND h.status != 'unknown'
    LIMIT 5000`);
  // subnets whose recovery a window held back
  const recoveries = await deps.db.all<{ subnetId: number; probeId: number | null; since: number; detail: string | null }>(sql`
    SELECT a.subnet_id AS subnetId, s.probe_id AS probeId, a.since AS since, a.detail AS detail FROM alert_states a JOIN subnets s ON s.id = a.subnet_id
    WHERE a.subject = 'subnet:' || a.subnet_id AND a.state = 'ok' AND a.notified = 'degraded'`);
  if (!rows.length && !recoveries.length) return 0;
  const setup = await loadAlertSetup(deps);
  const mute = muteCheck(setup, new Map(rows.map((r) => [r.hostId, JSON.parse(r.tags) as string[]])));
  const drafts: AlertDraft[] = [];
  const writes: StateWrite[] = [];
  const held = new Map<number, { policy: AlertPolicy; drafts: AlertDraft[] }>();
  for (const r of rows) {
    const policy = policyOf({ ...r, alertSendResolved: r.alertSendResolved === null ? null : !!r.alertSendResolved } as never, deps.config);
    const inIncident = !!r.incident && (JSON.parse(r.incident) as number[]).includes(r.hostId);
    const h: HostAlert = { state: r.state, notified: r.notified, ups: r.ups, since: r.since, lastSentAt: r.lastSentAt };
    const c = catchUp(h, policy, now, mute({ hostId: r.hostId, subnetId: r.subnetId }, now) !== null, inIncident);
    if (!c) continue;
    writes.push(hostStateWrite(r.hostId, r.subnetId, c.next));
    if (!c.send) continue;
    const [previous, current] = c.send.to === 'down' ? ['up', 'down'] : ['down', 'up'];
    const draft: AlertDraft = {
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
    };
    if (c.send.held && c.send.to === 'down' && !r.incident) {
      const g = held.get(r.subnetId) ?? { policy, drafts: [] };
      held.set(r.subnetId, g);
      g.drafts.push(draft);
    } else drafts.push(draft);
  }
  const down = new Set(rows.filter((r) => r.state === 'down').map((r) => r.hostId));
  for (const r of recoveries) {
    if (mute({ hostId: null, subnetId: r.subnetId }, now) !== null) continue;
    const hostIds = (r.detail ? (JSON.parse(r.detail) as number[]) : []).filter((id) => down.has(id));
    writes.push(subnetStateWrite(r.subnetId, { state: 'ok', notified: 'ok', since: r.since, hostIds: [] }));
    drafts.push({ type: 'subnet.recovered', at: now, hostId: null, subnetId: r.subnetId, probeId: r.probeId, previous: 'degraded', current: 'ok', mutedBy: null, hostIds, members: r.detail ? (JSON.parse(r.detail) as number[]) : [], heldByMaintenance: true });
  }
  if (!writes.length) return 0;
  // held "down"s of one subnet that are enough to make it degraded are one "subnet degraded", as they would have been
  const upNow = new Map<number, number>();
  if (held.size) {
    const counts = await deps.db.all<{ subnetId: number; n: number }>(sql`SELECT subnet_id AS subnetId, count(*) AS n FROM hosts
      WHERE status = 'up' AND subnet_id IN (SELECT value FROM json_each(${JSON.stringify([...held.keys()])})) GROUP BY subnet_id`);
    for (const x of counts) upNow.set(x.subnetId, x.n);
  }
  for (const [subnetId, g] of held) {
    if (!heldDegraded(g.drafts.length, upNow.get(subnetId) ?? 0, g.policy)) {
      drafts.push(...g.drafts);
      continue;
    }
    const hostIds = g.drafts.map((d) => d.hostId!);
    writes.push(subnetStateWrite(subnetId, { state: 'degraded', notified: 'degraded', since: now, hostIds }));
    const mutedBy = mute({ hostId: null, subnetId }, now);
    drafts.push({ type: 'subnet.degraded', at: now, hostId: null, subnetId, probeId: g.drafts[0]!.probeId, previous: 'ok', current: 'degraded', mutedBy, hostIds, heldByMaintenance: true });
  }
  const outbox = await outboxFor(deps, setup, drafts, now);
  const [first, ...rest] = [...stateStatements(writes), ...outbox.statements].map((s) => batchable(deps.db, s));
  await deps.db.batch([first!, ...rest]);
  return outbox.deliveries;
}
