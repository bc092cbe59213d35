/**
 * The flows API (GET /api/netflow/…): the probes' minute summaries and their hourly roll-up summed over a window
 * (worker/domain/flow-plan-read.ts decides which rows), the top entries by bytes, labelled with the IPAM's hosts and
 * subnets. Read only.
 */
import { asc, desc, eq } from 'drizzle-orm';
import { canonicalIp } from '../../schema/ip/cidr.js';
import { flowExporters, probes } from '../../schema/tables/index.js';
import type { AppDeps } from '../deps.js';
import { addressSubnet, EXTERNAL, matrixNode } from '../domain/flow-labels.js';
import { FLOW_DIRTY_HOURS_MAX, planFlowRead, rollupSpan, type FlowReadGrain } from '../domain/flow-plan-read.js';
import { flowRange } from '../domain/flow-range.js';
import { AppError } from '../errors.js';
import {
  conversationsSql,
  dirtyHoursSql,
  matrixSql,
  peersSql,
  portsSql,
  talkersSql,
  totalsSql,
  type ConversationRow,
  type FlowQuery,
  type LabelColumns,
  type Labelled,
  type MatrixRow,
  type PeerRow,
  type PortRow,
  type TalkerRow,
  type VolumeRow,
} from './netflow-queries.js';

export interface FlowParams {
  from?: string | undefined;
  to?: string | undefined;
  probeId?: number | undefined;
  subnetId?: number | undefined;
  limit: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
// the queries sum with total() (a float: sum() of integers throws "integer overflow" past 2^63, which a hostile
// exporter's counters could reach over a long window); held to a whole number within JSON's safe range
const n = (v: number | bigint | null | undefined) => Math.min(Number(v ?? 0), Number.MAX_SAFE_INTEGER);
const id = (v: number | bigint | null | undefined) => (v === null || v === undefined ? null : Number(v));

/** The window asked for and the rows that answer it: for a long window, first the hours not rolled up yet. */
async function query(deps: AppDeps, p: FlowParams): Promise<{ q: FlowQuery; window: { from: string; to: string; grain: FlowReadGrain } }> {
  const range = flowRange(p, deps.clock.now(), deps.config.flowMinuteRetentionDays);
  const span = rollupSpan(range);
  const hours = span ? (await deps.db.all<{ bucket: number }>(dirtyHoursSql(span))).map((r) => Number(r.bucket)) : [];
  const read = planFlowRead(range, { hours, truncated: hours.length >= FLOW_DIRTY_HOURS_MAX });
  return { q: { read, probeId: p.probeId, subnetId: p.subnetId, limit: p.limit }, window: { from: iso(read.from), to: iso(read.to), grain: read.grain } };
}

/** An address with its host record and subnet, from the label columns a query joined under `prefix`. */
function labelled<P extends string>(r: Labelled<P>, prefix: P, flowSubnetId: number | null) {
  const col = <K extends keyof LabelColumns>(k: K) => (r as unknown as Record<string, LabelColumns[K]>)[`${prefix}${k}`] ?? null;
  const subnet = addressSubnet(flowSubnetId, id(col('HostSubnetId')), { id: id(col('SubnetRowId')), name: col('SubnetName'), cidr: col('SubnetCidr') });
  return { hostId: id(col('HostId')), hostname: col('Hostname'), ...subnet };
}

export async function flowTalkers(deps: AppDeps, p: FlowParams) {
  const { q, window } = await query(deps, p);
  const [totals, rows] = await Promise.all([deps.db.all<VolumeRow>(totalsSql(q)), deps.db.all<TalkerRow>(talkersSql(q))]);
  const t = totals[0];
  return {
    ...window,
    totals: { bytes: n(t?.bytes), packets: n(t?.packets), flows: n(t?.flows) },
    talkers: rows.map((r) => {
      const l = labelled(r, 'a', id(r.subnetId));
      return {
        ip: r.ip,
        subnetId: l.subnetId,
        subnetName: l.subnetName,
        hostId: l.hostId,
        hostname: l.hostname,
        bytesIn: n(r.bytesIn),
        bytesOut: n(r.bytesOut),
        packetsIn: n(r.packetsIn),
        packetsOut: n(r.packetsOut),
        flowsIn: n(r.flowsIn),
        flowsOut: n(r.flowsOut),
        bytes: n(r.bytes),
      };
    }),
  };
}

export async function flowConversations(deps: AppDeps, p: FlowParams) {
  const { q, window } = await query(deps, p);
  const rows = await deps.db.all<ConversationRow>(conversationsSql(q));
  return {
    ...window,
    conversations: rows.map((r) => {
      const s = labelled(r, 's', id(r.srcSubnetId));
      const d = labelled(r, 'd', id(r.dstSubnetId));
      return {
        src: r.src,
        dst: r.dst,
        srcSubnetId: s.subnetId,
        dstSubnetId: d.subnetId,
        srcSubnetName: s.subnetName,
        dstSubnetName: d.subnetName,
        srcHostId: s.hostId,
        dstHostId: d.hostId,
        srcHostname: s.hostname,
        dstHostname: d.hostname,
        bytes: n(r.bytes),
        packets: n(r.packets),
        flows: n(r.flows),
      };
    }),
  };
}

export async function flowPorts(deps: AppDeps, p: FlowParams) {
  const { q, window } = await query(deps, { ...p, subnetId: undefined });
  const rows = await deps.db.all<PortRow>(portsSql(q));
  return { ...window, ports: rows.map((r) => ({ protocol: n(r.protocol), port: n(r.port), bytes: n(r.bytes), packets: n(r.packets), flows: n(r.flows) })) };
}

export async function flowMatrix(deps: AppDeps, p: FlowParams) {
  const { q, window } = await query(deps, p);
  const rows = await deps.db.all<MatrixRow>(matrixSql(q));
  const nodes = new Map<number, ReturnType<typeof matrixNode>>([[EXTERNAL.id, { ...EXTERNAL }]]);
  const links = rows.map((r) => {
    const from = n(r.src);
    const to = n(r.dst);
    if (!nodes.has(from)) nodes.set(from, matrixNode(from, { id: id(r.srcRowId), name: r.srcName, cidr: r.srcCidr }));
    if (!nodes.has(to)) nodes.set(to, matrixNode(to, { id: id(r.dstRowId), name: r.dstName, cidr: r.dstCidr }));
    return { from, to, bytes: n(r.bytes), packets: n(r.packets), flows: n(r.flows) };
  });
  return { ...window, nodes: [...nodes.values()].sort((a, b) => a.id - b.id), links };
}

export async function flowPeers(deps: AppDeps, p: FlowParams & { ip: string }) {
  const ip = canonicalIp(p.ip);
  if (ip === null) throw new AppError(400, 'invalid_ip', `ip: "${p.ip.slice(0, 64)}" is not an IP address`);
  const { q, window } = await query(deps, p);
  const rows = await deps.db.all<PeerRow>(peersSql(q, ip));
  return {
    ...window,
    ip,
    peers: rows.map((r) => {
      const l = labelled(r, 'a', id(r.subnetId));
      return { ip: r.ip, hostId: l.hostId, hostname: l.hostname, subnetId: l.subnetId, subnetName: l.subnetName, bytesIn: n(r.bytesIn), bytesOut: n(r.bytesOut), packets: n(r.packets), flows: n(r.flows) };
    }),
  };
}

/** Each exporter's counters as its probe last reported them, the latest heard first. */
export async function flowExporterList(deps: AppDeps, p: { probeId?: number | undefined; limit: number }) {
  const rows = await deps.db
    .select({ e: flowExporters, probeName: probes.name })
    .from(flowExporters)
    .innerJoin(probes, eq(probes.id, flowExporters.probeId))
    .where(p.probeId === undefined ? undefined : eq(flowExporters.probeId, p.probeId))
    .orderBy(desc(flowExporters.lastSeenAt), asc(flowExporters.probeId), asc(flowExporters.address))
    .limit(p.limit);
  return {
    exporters: rows.map(({ e, probeName }) => ({
      probeId: e.probeId,
      probeName,
      address: e.address,
      packets: e.packets,
      flows: e.flows,
      drops: e.drops,
      templates: e.templates,
      sequenceGaps: e.sequenceGaps,
      pending: e.pending,
      samplingRate: e.samplingRate,
      versions: e.versions,
      firstSeenAt: e.firstSeenAt.toISOString(),
      lastSeenAt: e.lastSeenAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    })),
  };
}
