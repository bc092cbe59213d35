import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { hosts } from './ipam.js';

export const PORT_CHANGES = ['opened', 'closed', 'changed'] as const;

/** The ports a host has open now, as its latest port scan found them. A host that went down keeps them (shown stale). */
export const hostPorts = sqliteTable(
  'host_ports',
  {
    hostId: integer('host_id')
      .notNull()
      .references(() => hosts.id, { onDelete: 'cascade' }),
    protocol: text('protocol', { enum: ['tcp', 'udp'] }).notNull(),
    port: integer('port').notNull(),
    state: text('state', { enum: ['open', 'open|filtered'] }).notNull(),
    service: text('service'),
    product: text('product'),
    version: text('version'),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.hostId, t.protocol, t.port] }), index('host_ports_service_idx').on(t.service), index('host_ports_port_idx').on(t.port, t.protocol)],
);

/** Port opened, closed, or its service changed: events like a host's state change. `prev*`: the service before a change. */
export const portEvents = sqliteTable(
  'port_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    hostId: integer('host_id')
      .notNull()
      .references(() => hosts.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    change: text('change', { enum: PORT_CHANGES }).notNull(),
    protocol: text('protocol', { enum: ['tcp', 'udp'] }).notNull(),
    port: integer('port').notNull(),
    service: text('service'),
    product: text('product'),
    version: text('version'),
    prevService: text('prev_service'),
    prevProduct: text('prev_product'),
    prevVersion: text('prev_version'),
    probeId: integer('probe_id'),
  },
  (t) => [index('port_events_host_at_idx').on(t.hostId, t.at), index('port_events_at_idx').on(t.at)],
);

export type HostPortRow = typeof hostPorts.$inferSelect;
export type PortEventRow = typeof portEvents.$inferSelect;
