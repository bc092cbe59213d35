import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { addressCount, CidrError, contains, ipKey, parseCidr, parseIp, usableRange, type Cidr } from '../../schema/ip/cidr.js';
import { hosts, probes, subnets, type SubnetRow } from '../../schema/tables/index.js';
import type { AppConfig } from '../config.js';
import type { AppDeps } from '../deps.js';
import { NO_EFFECTS, type Effects } from '../effects.js';
import { AppError, notFound } from '../errors.js';
import { subnetsChanged } from '../live/announce.js';
import { checkedArgs } from './port-scans.js';
import { overrideColumns, thresholdsView, type AlertOverrides } from './subnet-thresholds.js';

export interface SubnetInput extends AlertOverrides {
  cidr: string;
  name?: string;
  notes?: string;
  groupName?: string;
  vlan?: number | null;
  gateway?: string | null;
  probeId?: number | null;
  sweepIntervalSeconds?: number;
  portScan?: { enabled?: boolean; args?: string | null; intervalMinutes?: number | null };
  /** PTR lookups by the probe; null: the server's PTR_LOOKUP_ENABLED. */
  ptrLookupEnabled?: boolean | null;
}

export type SubnetPatch = Partial<Omit<SubnetInput, 'cidr'>>;

/** The port-scan settings as columns; arguments are checked against the allow-list (a 400 names a refused option). */
function portScanColumns(p: SubnetInput['portScan']) {
  if (!p) return {};
  return {
    ...(p.enabled !== undefined ? { portScanEnabled: p.enabled } : {}),
    ...(p.args !== undefined ? { portScanArgs: p.args === null || !p.args.trim() ? null : checkedArgs(p.args).join(' ') } : {}),
    ...(p.intervalMinutes !== undefined ? { portScanIntervalMinutes: p.intervalMinutes } : {}),
  };
}

export function parseSubnetCidr(text: string): Cidr {
  try {
    return parseCidr(text);
  } catch (e) {
    if (e instanceof CidrError) throw new AppError(400, e.code, e.message);
    throw e;
  }
}

export function subnetView(row: SubnetRow, config: AppConfig, counts?: { used: number; up: number }) {
  const c = parseCidr(row.cidr);
  const u = usableRange(c);
  return {
    id: row.id,
    cidr: row.cidr,
    family: row.family,
    name: row.name,
    notes: row.notes,
    groupName: row.groupName,
    vlan: row.vlan,
    gateway: row.gateway,
    probeId: row.probeId,
    sweepIntervalSeconds: row.sweepIntervalSeconds,
    portScan: { enabled: row.portScanEnabled, args: row.portScanArgs, intervalMinutes: row.portScanIntervalMinutes },
    ptrLookupEnabled: row.ptrLookupEnabled,
    /** What the probe is told: the subnet's own setting, else the server's. */
    ptrLookup: row.ptrLookupEnabled ?? config.ptrLookupEnabled,
    ...thresholdsView(row, config),
    /** Decimal strings: an IPv6 block holds more than 2^53 addresses. */
    size: addressCount(c).toString(),
    usable: (u.last - u.first + 1n).toString(),
    usedCount: counts?.used ?? 0,
    upCount: counts?.up ?? 0,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type SubnetView = ReturnType<typeof subnetView>;

/** The gateway as stored (canonical text), after checking it lies inside the subnet; null clears it. */
export function checkedGateway(c: Cidr, gateway: string | null | undefined): string | null | undefined {
  if (gateway == null) return gateway;
  let ip;
  try {
    ip = parseIp(gateway);
  } catch (e) {
    if (e instanceof CidrError) throw new AppError(400, 'invalid_gateway', `gateway: ${e.message}`);
    throw e;
  }
  if (!contains(c, ip)) throw new AppError(400, 'gateway_outside_subnet', `gateway ${ip.text} is not inside ${c.cidr}`);
  return ip.text;
}

export async function getSubnet(deps: AppDeps, id: number): Promise<SubnetRow> {
  const [row] = await deps.db.select().from(subnets).where(eq(subnets.id, id));
  if (!row) throw notFound(`subnet ${id}`);
  return row;
}

async function assertProbeExists(deps: AppDeps, probeId: number | null | undefined) {
  if (probeId == null) return;
  const [p] = await deps.db.select({ id: probes.id }).from(probes).where(eq(probes.id, probeId));
  if (!p) throw new AppError(400, 'unknown_probe', `probe ${probeId} does not exist`);
}

/** Rejects a block that equals, contains or sits inside an existing one. */
async function assertNoOverlap(deps: AppDeps, c: Cidr) {
  const [clash] = await deps.db
    .select({ id: subnets.id, cidr: subnets.cidr })
    .from(subnets)
    .where(
      and(
        eq(subnets.family, c.family),
        lte(subnets.rangeStart, ipKey(c.last, c.family)),
        gte(subnets.rangeEnd, ipKey(c.first, c.family)),
      ),
    )
    .limit(1);
  if (clash) {
    const same = clash.cidr === c.cidr;
    throw new AppError(
      409,
      same ? 'subnet_exists' : 'subnet_overlap',
      same ? `subnet ${c.cidr} already exists (id ${clash.id})` : `${c.cidr} overlaps existing subnet ${clash.cidr} (id ${clash.id})`,
      { subnetId: clash.id, cidr: clash.cidr },
    );
  }
}

/** The probe sweeping this subnet, if any. */
export async function subnetProbe(deps: AppDeps, subnetId: number): Promise<number | null | undefined> {
  const [s] = await deps.db.select({ probeId: subnets.probeId }).from(subnets).where(eq(subnets.id, subnetId));
  return s?.probeId;
}

export async function createSubnet(deps: AppDeps, input: SubnetInput): Promise<{ row: SubnetRow; effects: Effects }> {
  const c = parseSubnetCidr(input.cidr);
  const probeId = input.probeId === undefined ? deps.config.defaultProbeId : input.probeId;
  await assertProbeExists(deps, probeId);
  await assertNoOverlap(deps, c);
  const now = new Date(deps.clock.now());
  const [row] = await deps.db
    .insert(subnets)
    .values({
      cidr: c.cidr,
      family: c.family,
      rangeStart: ipKey(c.first, c.family),
      rangeEnd: ipKey(c.last, c.family),
      name: input.name ?? '',
      notes: input.notes ?? '',
      groupName: input.groupName ?? '',
      vlan: input.vlan ?? null,
      gateway: checkedGateway(c, input.gateway) ?? null,
      probeId,
      sweepIntervalSeconds: input.sweepIntervalSeconds ?? 60,
      ptrLookupEnabled: input.ptrLookupEnabled ?? null,
      ...portScanColumns(input.portScan),
      ...overrideColumns(input),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return { row: row!, effects: { assignments: [probeId], everyProbe: true, live: [subnetsChanged] } };
}

/** The probe it moves from gets a new assignment too. */
export async function updateSubnet(deps: AppDeps, id: number, patch: SubnetPatch): Promise<{ row: SubnetRow; before: SubnetRow; effects: Effects }> {
  const before = await getSubnet(deps, id);
  await assertProbeExists(deps, patch.probeId);
  const { portScan, gateway, ...fields } = patch;
  const checked = checkedGateway(parseCidr(before.cidr), gateway);
  const [row] = await deps.db
    .update(subnets)
    .set({ ...fields, ...(checked === undefined ? {} : { gateway: checked }), ...portScanColumns(portScan), updatedAt: new Date(deps.clock.now()) })
    .where(eq(subnets.id, id))
    .returning();
  return { row: row!, before, effects: { assignments: [row!.probeId, before.probeId], live: [subnetsChanged] } };
}

/** Deletes the subnet with its hosts and their history. */
export async function deleteSubnet(deps: AppDeps, id: number): Promise<{ effects: Effects }> {
  const row = await getSubnet(deps, id);
  await deps.db.delete(subnets).where(eq(subnets.id, id));
  return { effects: { assignments: [row.probeId], everyProbe: true, live: [subnetsChanged] } };
}

/** "Sweep now": a job to the subnet's probe, unless one was asked for within SCAN_COALESCE_SECONDS (then `coalesced`, no job). */
export async function sweepNow(deps: AppDeps, id: number): Promise<{ jobId: string | null; coalesced: boolean; effects: Effects }> {
  const row = await getSubnet(deps, id);
  if (row.probeId == null) throw new AppError(409, 'no_probe', `subnet ${row.cidr} has no probe assigned`);
  if (!(await deps.hub.isConnected(row.probeId))) throw new AppError(409, 'probe_offline', `probe ${row.probeId} is not connected`);
  const now = deps.clock.now();
  const last = row.lastScanRequestedAt?.getTime() ?? 0;
  if (now - last < deps.config.scanCoalesceSeconds * 1000) return { jobId: null, coalesced: true, effects: NO_EFFECTS };
  const jobId = crypto.randomUUID();
  // the probe can go between the check and the send (on Workers they are two calls to its object)
  if (!(await deps.hub.send(row.probeId, { type: 'job', jobId, kind: 'sweep', subnetId: id }))) {
    throw new AppError(409, 'probe_offline', `probe ${row.probeId} is not connected`);
  }
  await deps.db.update(subnets).set({ lastScanRequestedAt: new Date(now) }).where(eq(subnets.id, id));
  return { jobId, coalesced: false, effects: { live: [{ type: 'job', data: { jobId, subnetId: id, probeId: row.probeId, state: 'queued' } }] } };
}

export async function listSubnets(deps: AppDeps): Promise<SubnetView[]> {
  const rows = await deps.db.select().from(subnets).orderBy(subnets.family, subnets.rangeStart);
  const counts = await deps.db
    .select({
      subnetId: hosts.subnetId,
      used: sql<number>`count(*)`,
      up: sql<number>`sum(case when ${hosts.status} = 'up' then 1 else 0 end)`,
    })
    .from(hosts)
    .groupBy(hosts.subnetId);
  const bySubnet = new Map(counts.map((c) => [c.subnetId, { used: Number(c.used), up: Number(c.up) }]));
  return rows.map((r) => subnetView(r, deps.config, bySubnet.get(r.id)));
}

export async function subnetCounts(deps: AppDeps, id: number) {
  const [c] = await deps.db
    .select({ used: sql<number>`count(*)`, up: sql<number>`coalesce(sum(case when ${hosts.status} = 'up' then 1 else 0 end), 0)` })
    .from(hosts)
    .where(eq(hosts.subnetId, id));
  return { used: Number(c?.used ?? 0), up: Number(c?.up ?? 0) };
}

/** Finds the subnet an address belongs to (subnets never overlap, so there is at most one). */
export async function subnetContaining(deps: AppDeps, family: 4 | 6, key: string): Promise<SubnetRow | undefined> {
  const [row] = await deps.db
    .select()
    .from(subnets)
    .where(and(eq(subnets.family, family), lte(subnets.rangeStart, key), gte(subnets.rangeEnd, key)))
    .limit(1);
  return row;
}

