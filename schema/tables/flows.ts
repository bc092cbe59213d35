import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { probes } from './probes.js';
import { subnets } from './ipam.js';

/**
 * Flow summaries from the probes' collectors, one row per key per bucket. `grain` 'minute' rows come from the
 * probes (kept FLOW_MINUTE_RETENTION_DAYS); 'hour' rows are the roll-up of an hour's minutes (kept
 * FLOW_HOURLY_RETENTION_DAYS). Subnet ids are plain integers without a foreign key: a deleted subnet's flows keep
 * its id and show as a deleted subnet; 0 in the matrix and null elsewhere is External (no managed subnet).
 */
const grain = () => text('grain', { enum: ['minute', 'hour'] }).notNull();
const bucket = () => integer('bucket', { mode: 'timestamp_ms' }).notNull();
const probeId = () => integer('probe_id').notNull();
const volume = () => ({
  bytes: integer('bytes').notNull(),
  packets: integer('packets').notNull(),
  flows: integer('flows').notNull(),
});

export type FlowGrain = 'minute' | 'hour';

/** Every flow of a bucket, including those beyond the top lists. */
export const flowTotals = sqliteTable('flow_totals', { grain: grain(), bucket: bucket(), probeId: probeId(), ...volume() }, (t) => [
  primaryKey({ columns: [t.grain, t.bucket, t.probeId] }),
]);

export const flowTalkers = sqliteTable(
  'flow_talkers',
  {
    grain: grain(),
    bucket: bucket(),
    probeId: probeId(),
    ip: text('ip').notNull(),
    subnetId: integer('subnet_id'),
    bytesIn: integer('bytes_in').notNull(),
    bytesOut: integer('bytes_out').notNull(),
    packetsIn: integer('packets_in').notNull(),
    packetsOut: integer('packets_out').notNull(),
    flowsIn: integer('flows_in').notNull(),
    flowsOut: integer('flows_out').notNull(),
  },
  (t) => [primaryKey({ columns: [t.grain, t.bucket, t.probeId, t.ip] }), index('flow_talkers_ip_idx').on(t.ip, t.grain, t.bucket)],
);

/** One direction, src → dst. */
export const flowConversations = sqliteTable(
  'flow_conversations',
  {
    grain: grain(),
    bucket: bucket(),
    probeId: probeId(),
    src: text('src').notNull(),
    dst: text('dst').notNull(),
    srcSubnetId: integer('src_subnet_id'),
    dstSubnetId: integer('dst_subnet_id'),
    ...volume(),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.bucket, t.probeId, t.src, t.dst] }),
    index('flow_conversations_src_idx').on(t.src, t.grain, t.bucket),
    index('flow_conversations_dst_idx').on(t.dst, t.grain, t.bucket),
  ],
);

export const flowPorts = sqliteTable(
  'flow_ports',
  { grain: grain(), bucket: bucket(), probeId: probeId(), protocol: integer('protocol').notNull(), port: integer('port').notNull(), ...volume() },
  (t) => [primaryKey({ columns: [t.grain, t.bucket, t.probeId, t.protocol, t.port] })],
);

/** Subnet to subnet; 0 is External. */
export const flowMatrix = sqliteTable(
  'flow_matrix',
  { grain: grain(), bucket: bucket(), probeId: probeId(), srcSubnetId: integer('src_subnet_id').notNull(), dstSubnetId: integer('dst_subnet_id').notNull(), ...volume() },
  (t) => [primaryKey({ columns: [t.grain, t.bucket, t.probeId, t.srcSubnetId, t.dstSubnetId] })],
);

/** Each exporter's counters as its probe last reported them (since the probe's collector started). */
export const flowExporters = sqliteTable(
  'flow_exporters',
  {
    probeId: integer('probe_id')
      .notNull()
      .references(() => probes.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    packets: integer('packets').notNull(),
    flows: integer('flows').notNull(),
    /** {reason: count} */
    drops: text('drops', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    templates: integer('templates').notNull(),
    sequenceGaps: integer('sequence_gaps').notNull(),
    pending: integer('pending').notNull(),
    samplingRate: integer('sampling_rate').notNull(),
    versions: text('versions', { mode: 'json' }).$type<number[]>().notNull(),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.probeId, t.address] })],
);

/** Hours with minutes written since they were last rolled up (`dirty`); the roll-up duty rolls them into 'hour' rows. */
export const flowHours = sqliteTable(
  'flow_hours',
  { bucket: bucket(), probeId: probeId(), dirty: integer('dirty', { mode: 'boolean' }).notNull() },
  (t) => [primaryKey({ columns: [t.bucket, t.probeId] }), index('flow_hours_dirty_idx').on(t.dirty, t.bucket)],
);

/** Addresses of a managed subnet heard in flows without a host record: one row per address per UTC day. */
export const unregisteredTalkers = sqliteTable(
  'unregistered_talkers',
  {
    subnetId: integer('subnet_id')
      .notNull()
      .references(() => subnets.id, { onDelete: 'cascade' }),
    ip: text('ip').notNull(),
    /** The UTC day's start. */
    day: integer('day', { mode: 'timestamp_ms' }).notNull(),
    probeId: integer('probe_id'),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // day before ip: a subnet's window (its changes panel) is one range of the key
  (t) => [primaryKey({ columns: [t.subnetId, t.day, t.ip] }), index('unregistered_talkers_day_idx').on(t.day)],
);
