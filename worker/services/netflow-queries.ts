/**
 * The flows API's SQL: each query sums a window's buckets over probes, keeps the top `limit` by bytes, and only then
 * joins the IPAM (hosts by address, subnets by id) for the labels. Every read of a flow table is a SEARCH on an index
 * that starts with the window (the tables' primary keys: grain, bucket, probe …) or, for peers, with the address;
 * tests/api/netflow-query.test.ts checks the plans. No list parameters: D1 allows 100 bound parameters.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { FlowRange } from '../domain/flow-range.js';

export interface FlowQuery {
  range: FlowRange;
  probeId?: number | undefined;
  subnetId?: number | undefined;
  limit: number;
}

/** The window (and probe) of one flow table, by its alias. */
function inWindow(alias: string, q: FlowQuery): SQL {
  const t = sql.raw(alias);
  const probe = q.probeId === undefined ? sql`` : sql` AND ${t}.probe_id = ${q.probeId}`;
  return sql`${t}.grain = ${q.range.grain} AND ${t}.bucket >= ${q.range.from} AND ${t}.bucket < ${q.range.to}${probe}`;
}

/** A host record with the address in `column`, and the subnet named by `subnetId` (a column or expression). */
const labels = (prefix: string, column: string, subnetId: string) => {
  const h = sql.raw(`${prefix}host`);
  const s = sql.raw(`${prefix}net`);
  return sql`LEFT JOIN hosts ${h} ON ${h}.ip = ${sql.raw(column)} LEFT JOIN subnets ${s} ON ${s}.id = coalesce(${h}.subnet_id, ${sql.raw(subnetId)})`;
};
const labelColumns = (prefix: string) =>
  sql.raw(
    `${prefix}host.id AS ${prefix}HostId, ${prefix}host.hostname AS ${prefix}Hostname, ${prefix}host.subnet_id AS ${prefix}HostSubnetId, ` +
      `${prefix}net.id AS ${prefix}SubnetRowId, ${prefix}net.name AS ${prefix}SubnetName, ${prefix}net.cidr AS ${prefix}SubnetCidr`,
  );

export interface LabelColumns {
  HostId: number | null;
  Hostname: string | null;
  HostSubnetId: number | null;
  SubnetRowId: number | null;
  SubnetName: string | null;
  SubnetCidr: string | null;
}
export type Labelled<P extends string> = { [K in keyof LabelColumns as `${P}${K}`]: LabelColumns[K] };

export type TalkerRow = {
  ip: string;
  subnetId: number | null;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  flowsIn: number;
  flowsOut: number;
  bytes: number;
} & Labelled<'a'>;

/** Top talkers: per address, in and out summed; subnet filter: the rows the probe matched to that subnet. */
export function talkersSql(q: FlowQuery): SQL {
  const subnet = q.subnetId === undefined ? sql`` : sql` AND t.subnet_id = ${q.subnetId}`;
  return sql`SELECT x.*, ${labelColumns('a')} FROM (
      SELECT t.ip, max(t.subnet_id) AS subnetId, sum(t.bytes_in) AS bytesIn, sum(t.bytes_out) AS bytesOut,
        sum(t.packets_in) AS packetsIn, sum(t.packets_out) AS packetsOut, sum(t.flows_in) AS flowsIn, sum(t.flows_out) AS flowsOut,
        sum(t.bytes_in + t.bytes_out) AS bytes
      FROM flow_talkers t WHERE ${inWindow('t', q)}${subnet}
      GROUP BY t.ip ORDER BY bytes DESC, t.ip LIMIT ${q.limit}) x
    ${labels('a', 'x.ip', 'x.subnetId')}
    ORDER BY x.bytes DESC, x.ip`;
}

export type VolumeRow = { bytes: number | null; packets: number | null; flows: number | null };

/** Every flow of the window (flow_totals); with a subnet: the matrix cells into or out of it (its traffic, once each). */
export function totalsSql(q: FlowQuery): SQL {
  if (q.subnetId === undefined) {
    return sql`SELECT sum(t.bytes) AS bytes, sum(t.packets) AS packets, sum(t.flows) AS flows FROM flow_totals t WHERE ${inWindow('t', q)}`;
  }
  return sql`SELECT sum(m.bytes) AS bytes, sum(m.packets) AS packets, sum(m.flows) AS flows FROM flow_matrix m
    WHERE ${inWindow('m', q)} AND (m.src_subnet_id = ${q.subnetId} OR m.dst_subnet_id = ${q.subnetId})`;
}

export type ConversationRow = { src: string; dst: string; srcSubnetId: number | null; dstSubnetId: number | null; bytes: number; packets: number; flows: number } & Labelled<'s'> &
  Labelled<'d'>;

/** Top conversations (one direction each); subnet filter: either end in it. */
export function conversationsSql(q: FlowQuery): SQL {
  const subnet = q.subnetId === undefined ? sql`` : sql` AND (c.src_subnet_id = ${q.subnetId} OR c.dst_subnet_id = ${q.subnetId})`;
  return sql`SELECT x.*, ${labelColumns('s')}, ${labelColumns('d')} FROM (
      SELECT c.src, c.dst, max(c.src_subnet_id) AS srcSubnetId, max(c.dst_subnet_id) AS dstSubnetId,
        sum(c.bytes) AS bytes, sum(c.packets) AS packets, sum(c.flows) AS flows
      FROM flow_conversations c WHERE ${inWindow('c', q)}${subnet}
      GROUP BY c.src, c.dst ORDER BY bytes DESC, c.src, c.dst LIMIT ${q.limit}) x
    ${labels('s', 'x.src', 'x.srcSubnetId')} ${labels('d', 'x.dst', 'x.dstSubnetId')}
    ORDER BY x.bytes DESC, x.src, x.dst`;
}

export type PortRow = { protocol: number; port: number; bytes: number; packets: number; flows: number };

/** Top services (protocol and the lower port); probe-wide, so no subnet filter. */
export function portsSql(q: FlowQuery): SQL {
  return sql`SELECT p.protocol, p.port, sum(p.bytes) AS bytes, sum(p.packets) AS packets, sum(p.flows) AS flows
    FROM flow_ports p WHERE ${inWindow('p', q)}
    GROUP BY p.protocol, p.port ORDER BY bytes DESC, p.protocol, p.port LIMIT ${q.limit}`;
}

export type MatrixRow = {
  src: number;
  dst: number;
  bytes: number;
  packets: number;
  flows: number;
  srcRowId: number | null;
  srcName: string | null;
  srcCidr: string | null;
  dstRowId: number | null;
  dstName: string | null;
  dstCidr: string | null;
};

/** The top subnet-to-subnet links (0: External); subnet filter: links touching it. */
export function matrixSql(q: FlowQuery): SQL {
  const subnet = q.subnetId === undefined ? sql`` : sql` AND (m.src_subnet_id = ${q.subnetId} OR m.dst_subnet_id = ${q.subnetId})`;
  return sql`SELECT x.*, srcnet.id AS srcRowId, srcnet.name AS srcName, srcnet.cidr AS srcCidr, dstnet.id AS dstRowId, dstnet.name AS dstName, dstnet.cidr AS dstCidr FROM (
      SELECT m.src_subnet_id AS src, m.dst_subnet_id AS dst, sum(m.bytes) AS bytes, sum(m.packets) AS packets, sum(m.flows) AS flows
      FROM flow_matrix m WHERE ${inWindow('m', q)}${subnet}
      GROUP BY m.src_subnet_id, m.dst_subnet_id ORDER BY bytes DESC, src, dst LIMIT ${q.limit}) x
    LEFT JOIN subnets srcnet ON srcnet.id = x.src LEFT JOIN subnets dstnet ON dstnet.id = x.dst
    ORDER BY x.bytes DESC, x.src, x.dst`;
}

export type PeerRow = { ip: string; subnetId: number | null; bytesIn: number; bytesOut: number; packets: number; flows: number } & Labelled<'a'>;

/**
 * The top peers of one address, from the conversations it is either end of (each end read along its own index);
 * bytesOut: from the address to the peer. Subnet filter: peers the probe matched to that subnet.
 */
export function peersSql(q: FlowQuery, ip: string): SQL {
  const peerIn = (column: string) => (q.subnetId === undefined ? sql`` : sql` AND ${sql.raw(column)} = ${q.subnetId}`);
  return sql`SELECT x.*, ${labelColumns('a')} FROM (
      SELECT e.peer AS ip, max(e.subnetId) AS subnetId, sum(e.bytesIn) AS bytesIn, sum(e.bytesOut) AS bytesOut,
        sum(e.packets) AS packets, sum(e.flows) AS flows
      FROM (
        SELECT c.dst AS peer, c.dst_subnet_id AS subnetId, 0 AS bytesIn, c.bytes AS bytesOut, c.packets, c.flows
          FROM flow_conversations c WHERE c.src = ${ip} AND ${inWindow('c', q)}${peerIn('c.dst_subnet_id')}
        UNION ALL
        SELECT c.src, c.src_subnet_id, c.bytes, 0, c.packets, c.flows
          FROM flow_conversations c WHERE c.dst = ${ip} AND ${inWindow('c', q)}${peerIn('c.src_subnet_id')}
      ) e
      GROUP BY e.peer ORDER BY sum(e.bytesIn) + sum(e.bytesOut) DESC, e.peer LIMIT ${q.limit}) x
    ${labels('a', 'x.ip', 'x.subnetId')}
    ORDER BY x.bytesIn + x.bytesOut DESC, x.ip`;
}
