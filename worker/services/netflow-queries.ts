/**
 * The flows API's SQL: each query sums a window's buckets over probes, keeps the top `limit` by bytes, and only then
 * joins the IPAM (hosts by address, subnets by id) for the labels. A window is read in ranges of one grain each
 * (worker/domain/flow-plan-read.ts), one UNION ALL branch per range, and every branch's read of a flow table is a
 * SEARCH on an index that starts with the window (the tables' primary keys: grain, bucket, probe …) or, for peers,
 * with the address; tests/api/netflow-query.test.ts checks the plans. D1 allows 100 bound parameters: the grains
 * and bucket bounds (integers of our own) are written into the statement, only the caller's values are bound.
 */
import { sql, type SQL } from 'drizzle-orm';
import { FLOW_DIRTY_HOURS_MAX, type FlowRead, type Span } from '../domain/flow-plan-read.js';

export interface FlowQuery {
  read: Pick<FlowRead, 'minuteRanges' | 'hourRanges'>;
  probeId?: number | undefined;
  subnetId?: number | undefined;
  limit: number;
}

/** An integer the server computed (a bucket bound), as a literal. */
function literal(n: number): SQL {
  if (!Number.isSafeInteger(n)) throw new Error(`not a bucket bound: ${n}`);
  return sql.raw(String(n));
}

/** The hours of `span` marked dirty for any probe (minutes written since their roll-up), oldest first. */
export function dirtyHoursSql(span: Span): SQL {
  return sql`SELECT bucket FROM flow_hours WHERE dirty = 1 AND bucket >= ${literal(span[0])} AND bucket < ${literal(span[1])}
    GROUP BY bucket ORDER BY bucket LIMIT ${FLOW_DIRTY_HOURS_MAX}`;
}

/**
 * One branch per range of the read, joined by UNION ALL: `branch` gets the range's condition on the flow table
 * under `alias` (grain, bucket bounds and probe: the primary key's prefix).
 */
function eachRange(q: FlowQuery, alias: string, branch: (where: SQL) => SQL): SQL {
  const t = sql.raw(alias);
  const probe = q.probeId === undefined ? sql`` : sql` AND ${t}.probe_id = ${q.probeId}`;
  const ranges = [...q.read.minuteRanges.map((r) => ['minute', r] as const), ...q.read.hourRanges.map((r) => ['hour', r] as const)];
  if (!ranges.length) throw new Error('a flows read without a range');
  return sql.join(
    ranges.map(([grain, [from, to]]) => branch(sql`${t}.grain = ${sql.raw(`'${grain}'`)} AND ${t}.bucket >= ${literal(from)} AND ${t}.bucket < ${literal(to)}${probe}`)),
    sql` UNION ALL `,
  );
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
  const rows = eachRange(q, 't', (w) => sql`SELECT t.ip, t.subnet_id, t.bytes_in, t.bytes_out, t.packets_in, t.packets_out, t.flows_in, t.flows_out FROM flow_talkers t WHERE ${w}${subnet}`);
  return sql`SELECT x.*, ${labelColumns('a')} FROM (
      SELECT r.ip, max(r.subnet_id) AS subnetId, total(r.bytes_in) AS bytesIn, total(r.bytes_out) AS bytesOut,
        total(r.packets_in) AS packetsIn, total(r.packets_out) AS packetsOut, total(r.flows_in) AS flowsIn, total(r.flows_out) AS flowsOut,
        total(r.bytes_in + r.bytes_out) AS bytes
      FROM (${rows}) r
      GROUP BY r.ip ORDER BY bytes DESC, r.ip LIMIT ${q.limit}) x
    ${labels('a', 'x.ip', 'x.subnetId')}
    ORDER BY x.bytes DESC, x.ip`;
}

export type VolumeRow = { bytes: number | null; packets: number | null; flows: number | null };

/** Every flow of the window (flow_totals); with a subnet: the matrix cells into or out of it (its traffic, once each). */
export function totalsSql(q: FlowQuery): SQL {
  const rows =
    q.subnetId === undefined
      ? eachRange(q, 't', (w) => sql`SELECT t.bytes, t.packets, t.flows FROM flow_totals t WHERE ${w}`)
      : eachRange(q, 'm', (w) => sql`SELECT m.bytes, m.packets, m.flows FROM flow_matrix m WHERE ${w} AND (m.src_subnet_id = ${q.subnetId} OR m.dst_subnet_id = ${q.subnetId})`);
  return sql`SELECT total(r.bytes) AS bytes, total(r.packets) AS packets, total(r.flows) AS flows FROM (${rows}) r`;
}

export type ConversationRow = { src: string; dst: string; srcSubnetId: number | null; dstSubnetId: number | null; bytes: number; packets: number; flows: number } & Labelled<'s'> &
  Labelled<'d'>;

/** Top conversations (one direction each); subnet filter: either end in it. */
export function conversationsSql(q: FlowQuery): SQL {
  const subnet = q.subnetId === undefined ? sql`` : sql` AND (c.src_subnet_id = ${q.subnetId} OR c.dst_subnet_id = ${q.subnetId})`;
  const rows = eachRange(q, 'c', (w) => sql`SELECT c.src, c.dst, c.src_subnet_id, c.dst_subnet_id, c.bytes, c.packets, c.flows FROM flow_conversations c WHERE ${w}${subnet}`);
  return sql`SELECT x.*, ${labelColumns('s')}, ${labelColumns('d')} FROM (
      SELECT r.src, r.dst, max(r.src_subnet_id) AS srcSubnetId, max(r.dst_subnet_id) AS dstSubnetId,
        total(r.bytes) AS bytes, total(r.packets) AS packets, total(r.flows) AS flows
      FROM (${rows}) r
      GROUP BY r.src, r.dst ORDER BY bytes DESC, r.src, r.dst LIMIT ${q.limit}) x
    ${labels('s', 'x.src', 'x.srcSubnetId')} ${labels('d', 'x.dst', 'x.dstSubnetId')}
    ORDER BY x.bytes DESC, x.src, x.dst`;
}

export type PortRow = { protocol: number; port: number; bytes: number; packets: number; flows: number };

/** Top services (protocol and the lower port); probe-wide, so no subnet filter. */
export function portsSql(q: FlowQuery): SQL {
  const rows = eachRange(q, 'p', (w) => sql`SELECT p.protocol, p.port, p.bytes, p.packets, p.flows FROM flow_ports p WHERE ${w}`);
  return sql`SELECT r.protocol, r.port, total(r.bytes) AS bytes, total(r.packets) AS packets, total(r.flows) AS flows
    FROM (${rows}) r
    GROUP BY r.protocol, r.port ORDER BY bytes DESC, r.protocol, r.port LIMIT ${q.limit}`;
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
  const rows = eachRange(q, 'm', (w) => sql`SELECT m.src_subnet_id AS src, m.dst_subnet_id AS dst, m.bytes, m.packets, m.flows FROM flow_matrix m WHERE ${w}${subnet}`);
  return sql`SELECT x.*, srcnet.id AS srcRowId, srcnet.name AS srcName, srcnet.cidr AS srcCidr, dstnet.id AS dstRowId, dstnet.name AS dstName, dstnet.cidr AS dstCidr FROM (
      SELECT r.src, r.dst, total(r.bytes) AS bytes, total(r.packets) AS packets, total(r.flows) AS flows
      FROM (${rows}) r
      GROUP BY r.src, r.dst ORDER BY bytes DESC, r.src, r.dst LIMIT ${q.limit}) x
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
      SELECT e.peer AS ip, max(e.subnetId) AS subnetId, total(e.bytesIn) AS bytesIn, total(e.bytesOut) AS bytesOut,
        total(e.packets) AS packets, total(e.flows) AS flows
      FROM (${eachRange(
        q,
        'c',
        (w) => sql`SELECT c.dst AS peer, c.dst_subnet_id AS subnetId, 0 AS bytesIn, c.bytes AS bytesOut, c.packets, c.flows
            FROM flow_conversations c WHERE c.src = ${ip} AND ${w}${peerIn('c.dst_subnet_id')}
          UNION ALL
          SELECT c.src, c.src_subnet_id, c.bytes, 0, c.packets, c.flows
            FROM flow_conversations c WHERE c.dst = ${ip} AND ${w}${peerIn('c.src_subnet_id')}`,
      )}) e
      GROUP BY e.peer ORDER BY total(e.bytesIn) + total(e.bytesOut) DESC, e.peer LIMIT ${q.limit}) x
    ${labels('a', 'x.ip', 'x.subnetId')}
    ORDER BY x.bytesIn + x.bytesOut DESC, x.ip`;
}
