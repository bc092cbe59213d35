import { sql, type SQL } from 'drizzle-orm';
import { runStatements } from '../db.js';
import type { AppDeps } from '../deps.js';
import { loadAlertSetup, muteCheck, outboxFor, policyOf, type AlertSetup } from './context.js';
import { activeAt, type MaintenanceWindow } from './maintenance.js';
import { catchUp, heldDegraded } from './reconcile.js';
import { hostStateWrite, retryStale, stateStatements, subnetStateWrite, type StateWrite } from './store.js';
import type { AlertDraft, AlertPolicy, HostAlert } from './types.js';

type Row = {
  hostId: number;
  /** The state row's subnet (the order of the pages). */
  pageSubnetId: number;
  subnetId: number;
  probeId: number | null;
  tags: string;
  state: HostAlert['state'];
  notified: HostAlert['notified'];
  ups: number;
  since: number;
  lastSentAt: number | null;
  rev: number;
  incident: string | null;
  /** The subnet's own state row (null: none yet). */
  subnetRev: number | null;
} & Record<string, unknown>;

/**
 * How much one run takes on. Hosts owed something are read a page at a time in (subnet, host) order, a subnet's all
 * together (its held "down"s are judged together), until about `hosts` are read; then the reminders due, up to what
 * is left. The rest is still owed at the next run, a minute later: every host read is written (owed no more) or is
 * one no run could act on, which the reads leave out (muted now, or its subnet's incident speaks for it).
 */
export interface CatchUpLimits {
  page: number;
  hosts: number;
}
export const CATCH_UP_LIMITS: CatchUpLimits = { page: 200, hosts: 500 };

const COLUMNS = sql`a.host_id AS hostId, a.subnet_id AS pageSubnetId, h.subnet_id AS subnetId, s.probe_id AS probeId, h.tags AS tags,
  a.state AS state, a.notified AS notified, a.ups AS ups, a.since AS since, a.last_sent_at AS lastSentAt, a.rev AS rev,
  CASE WHEN i.state = 'degraded' THEN i.detail END AS incident, i.rev AS subnetRev,
  s.down_after_failures AS downAfterFailures, s.alert_up_after AS alertUpAfter, s.alert_reminder_minutes AS alertReminderMinutes,
  s.alert_send_resolved AS alertSendResolved, s.alert_degraded_share AS alertDegradedShare, s.alert_degraded_min_hosts AS alertDegradedMinHosts`;

/** Hosts (`a` state, `h` host, `i` its subnet's state) a run can act on now: known, not muted, not in their subnet's incident. */
function actionable(setup: AlertSetup, now: number): SQL {
  const on = setup.windows.filter((w) => activeAt(w, now));
  // as `covers` (worker/alerts/maintenance.ts) has it: a window with no subnet, host or tag covers nothing
  const of = (scope: MaintenanceWindow['scope'], key: 'subnetId' | 'hostId' | 'tag') => JSON.stringify(on.flatMap((w) => (w.scope === scope && w[key] !== null ? [w[key]] : [])));
  const [subnets, hosts, tags] = [of('subnet', 'subnetId'), of('host', 'hostId'), of('tag', 'tag')];
  return sql`h.status != 'unknown'
    AND NOT EXISTS (SELECT 1 FROM json_each(CASE WHEN i.state = 'degraded' THEN i.detail END) WHERE value = a.host_id)
    AND h.subnet_id NOT IN (SELECT value FROM json_each(${subnets})) AND a.host_id NOT IN (SELECT value FROM json_each(${hosts}))
    AND NOT EXISTS (SELECT 1 FROM json_each(h.tags) t WHERE t.value IN (SELECT value FROM json_each(${tags})))`;
}

/** What one run takes on: held-back changes (alert_states_owed_idx), then reminders due (alert_states_down_idx). */
async function owedHosts(deps: AppDeps, setup: AlertSetup, now: number, limits: CatchUpLimits): Promise<Row[]> {
  const can = actionable(setup, now);
  const rows: Row[] = [];
  let after: [number, number] = [0, 0];
  let only: number | null = null;
  for (;;) {
    const page: Row[] = await deps.db.all<Row>(sql`
      SELECT ${COLUMNS} FROM alert_states a JOIN hosts h ON h.id = a.host_id JOIN subnets s ON s.id = h.subnet_id
      LEFT JOIN alert_states i ON i.subject = 'subnet:' || h.subnet_id
      WHERE a.notified IS NOT a.state AND a.host_id IS NOT NULL AND (a.subnet_id, a.host_id) > (${after[0]}, ${after[1]})
        ${only === null ? sql`` : sql`AND a.subnet_id = ${only}`} AND ${can}
      ORDER BY a.subnet_id, a.host_id LIMIT ${limits.page}`);
    rows.push(...page);
    if (page.length < limits.page) break;
    const last: Row = page.at(-1)!;
    after = [last.pageSubnetId, last.hostId];
    if (rows.length >= limits.hosts) only = last.pageSubnetId;
  }
  const left = limits.hosts - rows.length;
  if (left <= 0) return rows;
  // the subnets that remind, and since when a host of each has been due: then only those hosts are read (by index)
  const reminding = await deps.db.all<{ id: number; minutes: number }>(sql`
    SELECT id, coalesce(alert_reminder_minutes, ${deps.config.alertReminderMinutes}) AS minutes FROM subnets WHERE minutes > 0`);
  if (!reminding.length) return rows;
  const dueBy = JSON.stringify(reminding.map((x) => [x.id, now - x.minutes * 60_000]));
  // two index ranges (last sent by then, or never sent and down since then): an OR of them would scan the index
  rows.push(
    ...(await deps.db.all<Row>(sql`
      WITH due AS (
        SELECT a.rowid AS id FROM json_each(${dueBy}) d CROSS JOIN alert_states a INDEXED BY alert_states_down_idx
        WHERE a.subnet_id = d.value->>0 AND a.state = 'down' AND a.last_sent_at <= d.value->>1
        UNION ALL
        SELECT a.rowid FROM json_each(${dueBy}) d CROSS JOIN alert_states a INDEXED BY alert_states_down_idx
        WHERE a.subnet_id = d.value->>0 AND a.state = 'down' AND a.last_sent_at IS NULL AND a.since <= d.value->>1)
      SELECT ${COLUMNS} FROM due CROSS JOIN alert_states a ON a.rowid = due.id CROSS JOIN hosts h ON h.id = a.host_id CROSS JOIN subnets s ON s.id = h.subnet_id
      LEFT JOIN alert_states i ON i.subject = 'subnet:' || h.subnet_id
      WHERE a.notified = 'down' AND ${can}
      ORDER BY a.subnet_id, a.host_id LIMIT ${left}`)),
  );
  return rows;
}

/**
 * Sends what the alerting owes: changes a maintenance window held back (a subnet's recovery too), now that it is
 * over, and reminders for hosts that stay down; nothing for hosts that are unknown (their probe is gone) until they
 * are known again. Held "down"s enough to make their subnet degraded are one "subnet degraded". Runs as a duty
 * (every minute on both hosts); one guarded batch for the states and the outbox, decided again if a sweep or an
 * overlapping run wrote one of its states meanwhile (worker/alerts/store.ts).
 */
export function catchUpAlerts(deps: AppDeps, limits: CatchUpLimits = CATCH_UP_LIMITS): Promise<number> {
  return retryStale(() => catchUpOnce(deps, limits));
}

async function catchUpOnce(deps: AppDeps, limits: CatchUpLimits): Promise<number> {
  const now = deps.clock.now();
  const setup = await loadAlertSetup(deps);
  const rows = await owedHosts(deps, setup, now, limits);
  // subnets whose recovery a window held back, with the incident's hosts still down
  const recoveries = await deps.db.all<{ subnetId: number; probeId: number | null; since: number; detail: string | null; down: string; rev: number }>(sql`
    SELECT a.subnet_id AS subnetId, s.probe_id AS probeId, a.since AS since, a.detail AS detail, a.rev AS rev,
      (SELECT json_group_array(x.host_id) FROM json_each(coalesce(a.detail, '[]')) j JOIN alert_states x ON x.subject = 'host:' || j.value
        JOIN hosts h ON h.id = x.host_id WHERE x.state = 'down' AND h.status != 'unknown') AS down
    FROM alert_states a JOIN subnets s ON s.id = a.subnet_id
    WHERE a.notified IS NOT a.state AND a.host_id IS NULL AND a.subject = 'subnet:' || a.subnet_id AND a.state = 'ok' AND a.notified = 'degraded'`);
  if (!rows.length && !recoveries.length) return 0;
  // what was read and at which revision: the batch is written only if none of it has moved on
  const revs = new Map<string, number>();
  for (const r of rows) {
    revs.set(`host:${r.hostId}`, r.rev);
    if (r.subnetRev !== null) revs.set(`subnet:${r.subnetId}`, r.subnetRev);
  }
  for (const r of recoveries) if (!revs.has(`subnet:${r.subnetId}`)) revs.set(`subnet:${r.subnetId}`, r.rev);
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
  for (const r of recoveries) {
    if (mute({ hostId: null, subnetId: r.subnetId }, now) !== null) continue;
    const members = r.detail ? (JSON.parse(r.detail) as number[]) : [];
    writes.push(subnetStateWrite(r.subnetId, { state: 'ok', notified: 'ok', since: r.since, hostIds: [] }));
    drafts.push({ type: 'subnet.recovered', at: now, hostId: null, subnetId: r.subnetId, probeId: r.probeId, previous: 'degraded', current: 'ok', mutedBy: null, hostIds: JSON.parse(r.down) as number[], members, heldByMaintenance: true });
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
  // the subnets' rows were decided on (their incidents) even where they are not written
  await runStatements(deps.db, [...stateStatements(writes, revs, rows.map((r) => `subnet:${r.subnetId}`)), ...outbox.statements]);
  return outbox.deliveries;
}
