import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import { probes, subnets, webhookEndpoints, type SubnetRow } from '../../schema/tables/index.js';
import type { AppConfig } from '../config.js';
import type { AppDeps } from '../deps.js';
import { mutingWindow, type MaintenanceWindow } from './maintenance.js';
import { outboxRows, outboxStatements, type EndpointFilter, type OutboxFacts } from './outbox.js';
import type { AlertDraft, AlertPolicy, MuteCheck } from './types.js';
import { loadWindows } from '../services/maintenance.js';

/** What every change that may raise events reads once: who wants events, and what mutes them. */
export interface AlertSetup {
  endpoints: EndpointFilter[];
  windows: MaintenanceWindow[];
}

export async function loadAlertSetup(deps: AppDeps): Promise<AlertSetup> {
  const [endpoints, windows] = await Promise.all([
    deps.db
      .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes, subnetIds: webhookEndpoints.subnetIds, tags: webhookEndpoints.tags })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.enabled, true))
      .orderBy(webhookEndpoints.id),
    loadWindows(deps),
  ]);
  return { endpoints, windows };
}

type PolicyColumns = Pick<SubnetRow, 'downAfterFailures' | 'alertUpAfter' | 'alertReminderMinutes' | 'alertSendResolved' | 'alertDegradedShare' | 'alertDegradedMinHosts'>;

/** A subnet's thresholds: its own where set, else the server's. */
export function policyOf(s: Partial<PolicyColumns>, config: AppConfig): AlertPolicy {
  return {
    downAfter: s.downAfterFailures ?? config.downAfterFailures,
    upAfter: s.alertUpAfter ?? config.alertUpAfter,
    reminderMinutes: s.alertReminderMinutes ?? config.alertReminderMinutes,
    sendResolved: s.alertSendResolved ?? config.alertSendResolved,
    degradedShare: s.alertDegradedShare ?? config.alertDegradedShare,
    degradedMinHosts: s.alertDegradedMinHosts ?? config.alertDegradedMinHosts,
  };
}

export const policyColumns = {
  downAfterFailures: subnets.downAfterFailures,
  alertUpAfter: subnets.alertUpAfter,
  alertReminderMinutes: subnets.alertReminderMinutes,
  alertSendResolved: subnets.alertSendResolved,
  alertDegradedShare: subnets.alertDegradedShare,
  alertDegradedMinHosts: subnets.alertDegradedMinHosts,
};

/** Tags of these hosts (only read when a tag window could mute them). */
export async function tagsOf(deps: AppDeps, setup: AlertSetup, hostIds: readonly number[]): Promise<Map<number, string[]>> {
  if (!hostIds.length || !setup.windows.some((w) => w.scope === 'tag')) return new Map();
  const rows = await deps.db.all<{ id: number; tags: string }>(sql`SELECT id, tags FROM hosts WHERE id IN (SELECT value FROM json_each(${JSON.stringify(hostIds)}))`);
  return new Map(rows.map((r) => [r.id, JSON.parse(r.tags) as string[]]));
}

export function muteCheck(setup: AlertSetup, tags: ReadonlyMap<number, string[]>): MuteCheck {
  if (!setup.windows.length) return () => null;
  return (t, at) => mutingWindow(setup.windows, { hostId: t.hostId, subnetId: t.subnetId, tags: t.hostId !== null ? (tags.get(t.hostId) ?? []) : [] }, at)?.id ?? null;
}

/** What the bodies of these events need to name. */
async function factsFor(deps: AppDeps, drafts: readonly AlertDraft[]): Promise<OutboxFacts> {
  const hostIds = [...new Set(drafts.flatMap((d) => [...(d.hostId !== null ? [d.hostId] : []), ...(d.hostIds ?? []), ...(d.members ?? [])]))];
  const probeIds = [...new Set(drafts.flatMap((d) => (d.probeId !== null ? [d.probeId] : [])))];
  const hostRows = hostIds.length
    ? await deps.db.all<{ id: number; ip: string; hostname: string | null; tags: string; subnetId: number }>(
        sql`SELECT id, ip, hostname, tags, subnet_id AS subnetId FROM hosts WHERE id IN (SELECT value FROM json_each(${JSON.stringify(hostIds)}))`,
      )
    : [];
  const subnetIds = [...new Set([...drafts.flatMap((d) => (d.subnetId !== null ? [d.subnetId] : [])), ...hostRows.map((h) => h.subnetId)])];
  const [subnetRows, probeRows, watched] = await Promise.all([
    subnetIds.length ? deps.db.select({ id: subnets.id, cidr: subnets.cidr, name: subnets.name }).from(subnets).where(inArray(subnets.id, subnetIds)) : [],
    probeIds.length ? deps.db.select({ id: probes.id, name: probes.name }).from(probes).where(inArray(probes.id, probeIds)) : [],
    probeIds.length ? deps.db.select({ id: subnets.id, probeId: subnets.probeId }).from(subnets).where(inArray(subnets.probeId, probeIds)) : [],
  ]);
  const probeSubnets = new Map<number, number[]>();
  for (const w of watched) if (w.probeId !== null) probeSubnets.set(w.probeId, [...(probeSubnets.get(w.probeId) ?? []), w.id]);
  return {
    hosts: new Map(hostRows.map((h) => [h.id, { ip: h.ip, hostname: h.hostname, tags: JSON.parse(h.tags) as string[], subnetId: h.subnetId }])),
    subnets: new Map(subnetRows.map((s) => [s.id, { cidr: s.cidr, name: s.name }])),
    probes: new Map(probeRows.map((p) => [p.id, { name: p.name }])),
    probeSubnets,
    publicUrl: deps.config.publicUrl ?? null,
  };
}

export const newEventId = (): string => `evt_${crypto.randomUUID().replaceAll('-', '')}`;

/**
 * The outbox rows of these events, as statements for the batch of the change that caused them: the events (muted
 * ones too) and a pending delivery per endpoint that wants each. `deliveries`: how many (the runner is woken if any).
 */
export async function outboxFor(deps: AppDeps, setup: AlertSetup, drafts: readonly AlertDraft[], now: number): Promise<{ statements: SQL[]; deliveries: number }> {
  if (!drafts.length) return { statements: [], deliveries: 0 };
  const rows = outboxRows(drafts, setup.endpoints, await factsFor(deps, drafts), newEventId);
  return { statements: outboxStatements(rows, now), deliveries: rows.deliveries.length };
}
