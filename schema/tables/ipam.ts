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
    /** Start of the latest sweep stored and of the one before it (the changes API's "since the last sweep"). */
    lastSweepAt: integer('last_sweep_at', { mode: 'timestamp_ms' }),
    previousSweepAt: integer('previous_sweep_at', { mode: 'timestamp_ms' }),
    /** How long the latest stored complete sweep took on the probe (ms; `/metrics` sweep duration). */
    lastSweepDurationMs: integer('last_sweep_duration_ms'),
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
    /** PTR lookups of this subnet's alive hosts by its probe (null: PTR_LOOKUP_ENABLED). */
    ptrLookupEnabled: integer('ptr_lookup_enabled', { mode: 'boolean' }),
    /** The name subnets are listed under: a phpIPAM section, a NetBox site, a watch list of single addresses ('' : none). */
    groupName: text('group_name').notNull().default(''),
    /** The VLAN the subnet is on (1–4094), and its gateway address (inside the subnet); null: not recorded. */
    vlan: integer('vlan'),
    gateway: text('gateway'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('subnets_cidr_uq').on(t.cidr),
    index('subnets_range_idx').on(t.family, t.rangeStart),
    index('subnets_probe_idx').on(t.probeId),
    index('subnets_group_idx').on(t.groupName),
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
    /** Where `hostname` came from: typed in (never overwritten by a lookup), an import, or the probe's PTR lookup ('probe': before 0.4). */
    hostnameSource: text('hostname_source', { enum: ['manual', 'import', 'probe', 'ptr'] }),
    /** The PTR name the probe last found (kept beside a manual hostname that differs); null: none found. */
    ptrName: text('ptr_name'),
    /** When the probe last looked the PTR name up (null: never). */
    ptrCheckedAt: integer('ptr_checked_at', { mode: 'timestamp_ms' }),
    /** Where `ptrName` resolves forward, and whether that includes this address (false: stale DNS). */
    ptrForward: text('ptr_forward', { mode: 'json' }).$type<{ addresses: string[]; matches: boolean }>(),
    /** The MAC the probe last saw answering at this address (lowercase, colons), its vendor, and whether it is locally administered (randomised). */
    mac: text('mac'),
    vendor: text('vendor'),
    macRandom: integer('mac_random', { mode: 'boolean' }).notNull().default(false),
    description: text('description').notNull().default(''),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    notes: text('notes').notNull().default(''),
    reserved: integer('reserved', { mode: 'boolean' }).notNull().default(false),
    reservedBy: text('reserved_by'),
    reservedNote: text('reserved_note'),
    /** When the reservation was made, and when an unused one is released (null: it does not expire). */
    reservedAt: integer('reserved_at', { mode: 'timestamp_ms' }),
    reservedUntil: integer('reserved_until', { mode: 'timestamp_ms' }),
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
  (t) => [
    uniqueIndex('hosts_ip_uq').on(t.ip),
    index('hosts_subnet_key_idx').on(t.subnetId, t.ipKey),
    index('hosts_mac_idx').on(t.mac),
    index('hosts_reserved_until_idx').on(t.reservedUntil),
  ],
);

/**
 * Every device an address has had (the IP Manager model): one row per (host, MAC), with the vendor and the
 * hostname seen with it and when it was first and last seen. The current device's `lastSeenAt` is brought up to
 * date when the MAC changes; until then the host's own `lastSeenAt` is the newer one.
 */
export const hostDevices = sqliteTable(
  'host_devices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    hostId: integer('host_id')
      .notNull()
      .references(() => hosts.id, { onDelete: 'cascade' }),
    mac: text('mac').notNull(),
    vendor: text('vendor'),
    macRandom: integer('mac_random', { mode: 'boolean' }).notNull().default(false),
    hostname: text('hostname'),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('host_devices_host_mac_uq').on(t.hostId, t.mac), index('host_devices_mac_idx').on(t.mac), index('host_devices_first_seen_idx').on(t.firstSeenAt)],
);

/** The last traceroute to each host: which probe ran it, when, and the hops (schema/kinds/traceroute.ts). */
export const hostTraces = sqliteTable('host_traces', {
  hostId: integer('host_id')
    .primaryKey()
    .references(() => hosts.id, { onDelete: 'cascade' }),
  probeId: integer('probe_id'),
  jobId: text('job_id').notNull(),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  durationMs: integer('duration_ms').notNull(),
  reached: integer('reached', { mode: 'boolean' }).notNull(),
  hops: text('hops', { mode: 'json' }).$type<{ hop: number; address: string | null; name: string | null; rttMs: number[]; loss: number }[]>().notNull(),
});

export type SubnetRow = typeof subnets.$inferSelect;
export type HostRow = typeof hosts.$inferSelect;
export type HostStatus = HostRow['status'];
export type HostDeviceRow = typeof hostDevices.$inferSelect;
export type HostTraceRow = typeof hostTraces.$inferSelect;
