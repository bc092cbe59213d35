import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { probes } from './probes.js';

/** A network the IPAM manages. `rangeStart`/`rangeEnd` are fixed-width hex keys so SQL can compare ranges. */
export const subnets = sqliteTable(
  'subnets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cidr: text('cidr').notNull(),
    family: integer('family').notNull(),
    rangeStart: text('range_start').notNull(),
    rangeEnd: text('range_end').notNull(),
    name: text('name').notNull().default(''),
    notes: text('notes').notNull().default(''),
    probeId: integer('probe_id').references(() => probes.id, { onDelete: 'set null' }),
    sweepIntervalSeconds: integer('sweep_interval_seconds').notNull().default(60),
    lastScanRequestedAt: integer('last_scan_requested_at', { mode: 'timestamp_ms' }),
    /** Scheduled port scans of this subnet's alive hosts; the arguments (null: the default) and the interval (null: SCAN_NMAP_INTERVAL_MINUTES). */
    portScanEnabled: integer('port_scan_enabled', { mode: 'boolean' }).notNull().default(true),
    portScanArgs: text('port_scan_args'),
    portScanIntervalMinutes: integer('port_scan_interval_minutes'),
    /** Alert thresholds (null: the server's defaults, worker/config.ts): down after N silent sweeps, up after M answers,
     * a reminder every so many minutes while down (0: never), whether "up" is sent, and the share of up hosts going
     * down in one sweep (with at least `alertDegradedMinHosts`) that is one "subnet degraded" instead. */
    downAfterFailures: integer('down_after_failures'),
    alertUpAfter: integer('alert_up_after'),
    alertReminderMinutes: integer('alert_reminder_minutes'),
    alertSendResolved: integer('alert_send_resolved', { mode: 'boolean' }),
    alertDegradedShare: real('alert_degraded_share'),
    alertDegradedMinHosts: integer('alert_degraded_min_hosts'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('subnets_cidr_uq').on(t.cidr),
    index('subnets_range_idx').on(t.family, t.rangeStart),
    index('subnets_probe_idx').on(t.probeId),
  ],
);

/** An address that is used, alive, reserved or annotated. Unused addresses never get a row. */
export const hosts = sqliteTable(
  'hosts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subnetId: integer('subnet_id')
      .notNull()
      .references(() => subnets.id, { onDelete: 'cascade' }),
    ip: text('ip').notNull(),
    ipKey: text('ip_key').notNull(),
    hostname: text('hostname'),
    hostnameSource: text('hostname_source', { enum: ['manual', 'import', 'probe'] }),
    description: text('description').notNull().default(''),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    notes: text('notes').notNull().default(''),
    reserved: integer('reserved', { mode: 'boolean' }).notNull().default(false),
    reservedBy: text('reserved_by'),
    reservedNote: text('reserved_note'),
    status: text('status', { enum: ['up', 'down', 'unknown'] }).notNull().default('unknown'),
    latencyMs: real('latency_ms'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }),
    lastCheckedAt: integer('last_checked_at', { mode: 'timestamp_ms' }),
    lastChangeAt: integer('last_change_at', { mode: 'timestamp_ms' }),
    timesSeen: integer('times_seen').notNull().default(0),
    /** When the latest applied port scan of this host started; an older result arriving later is not applied. */
    portsScannedAt: integer('ports_scanned_at', { mode: 'timestamp_ms' }),
    /** When the scheduler scans it next (null: at the next tick once it is up). */
    portsNextScanAt: integer('ports_next_scan_at', { mode: 'timestamp_ms' }),
    /** The port-scan job covering this host now, if any ("scan now" while it runs joins it). */
    portScanJobId: text('port_scan_job_id'),
    /** The last "scan ports now" for this host (the per-host rate limit). */
    portScanRequestedAt: integer('port_scan_requested_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('hosts_ip_uq').on(t.ip), index('hosts_subnet_key_idx').on(t.subnetId, t.ipKey)],
);

export type SubnetRow = typeof subnets.$inferSelect;
export type HostRow = typeof hosts.$inferSelect;
export type HostStatus = HostRow['status'];
