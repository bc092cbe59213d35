import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { hosts, subnets } from './ipam.js';

/** Where events are sent. The secret signs every delivery (Standard Webhooks); during a rotation the previous one signs too until `previousSecretUntil`. */
export const webhookEndpoints = sqliteTable('webhook_endpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  url: text('url').notNull(),
  format: text('format', { enum: ['generic', 'slack', 'discord', 'teams', 'ntfy'] }).notNull().default('generic'),
  /** Event types sent (AlertEventType values). */
  eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
  /** Only events of these subnets (null: all). */
  subnetIds: text('subnet_ids', { mode: 'json' }).$type<number[]>(),
  /** Only events of hosts with one of these tags (null: all). */
  tags: text('tags', { mode: 'json' }).$type<string[]>(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** Why the server disabled it (410 Gone, 5 days failing); null when a user did, or it is enabled. */
  disabledReason: text('disabled_reason'),
  secret: text('secret').notNull(),
  previousSecret: text('previous_secret'),
  previousSecretUntil: integer('previous_secret_until', { mode: 'timestamp_ms' }),
  /** The first failed attempt since the last success (null: healthy). */
  failingSince: integer('failing_since', { mode: 'timestamp_ms' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Every alert event, sent or muted; `body` is the generic payload frozen when it happened (schema/alert-event.ts). Kept 30 days. */
export const alertEvents = sqliteTable(
  'alert_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    hostId: integer('host_id'),
    subnetId: integer('subnet_id'),
    probeId: integer('probe_id'),
    /** Held back by a maintenance window (recorded, not sent). */
    muted: integer('muted', { mode: 'boolean' }).notNull().default(false),
    mutedBy: integer('muted_by'),
    body: text('body').notNull(),
  },
  (t) => [index('alert_events_at_idx').on(t.at), index('alert_events_host_idx').on(t.hostId, t.at)],
);

/**
 * The outbox: one row per (event, endpoint), written in the same batch as the change that caused the event.
 * `orderKey` (host:ID, probe:ID, subnet:ID) keeps per-endpoint order: a row is sent only when no older pending row
 * of the same endpoint and key is left.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: text('event_id')
      .notNull()
      .references(() => alertEvents.id, { onDelete: 'cascade' }),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    orderKey: text('order_key').notNull(),
    state: text('state', { enum: ['pending', 'delivered', 'failed', 'cancelled'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    /** A runner holds the row until then (a crashed runner's claim lapses). */
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.state, t.nextAttemptAt),
    index('webhook_deliveries_order_idx').on(t.endpointId, t.orderKey, t.state, t.id),
    index('webhook_deliveries_event_idx').on(t.eventId),
  ],
);

/** The delivery log: every attempt (kept 30 days). */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    endpointId: integer('endpoint_id').notNull(),
    eventId: text('event_id').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    /** null: no answer (refused, timed out, DNS). */
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
  },
  (t) => [
    index('webhook_attempts_endpoint_idx').on(t.endpointId, t.at),
    index('webhook_attempts_at_idx').on(t.at),
    // the cascade from a pruned delivery and the log's attempt numbers look attempts up by delivery
    index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id),
  ],
);

/**
 * What the alerting has decided about a subject (`host:ID`, `probe:ID`, `subnet:ID`) and what it last sent, so a
 * restart neither re-sends nor forgets. `state` differs from `notified` while a window mutes or up-after-M waits.
 */
export const alertStates = sqliteTable(
  'alert_states',
  {
  subject: text('subject').primaryKey(),
  hostId: integer('host_id').references(() => hosts.id, { onDelete: 'cascade' }),
  subnetId: integer('subnet_id').references(() => subnets.id, { onDelete: 'cascade' }),
  state: text('state').notNull(),
  notified: text('notified'),
  /** host: consecutive answers while it is alerted down (up-after-M). */
  ups: integer('ups').notNull().default(0),
  since: integer('since', { mode: 'timestamp_ms' }).notNull(),
  lastSentAt: integer('last_sent_at', { mode: 'timestamp_ms' }),
  /** subnet: ids of the hosts of the degraded event (and those that went down during it). */
  detail: text('detail', { mode: 'json' }).$type<number[]>(),
  /** Bumped by every write: a writer's batch fails if a row it read has moved on since (worker/alerts/store.ts `staleGuard`). */
  rev: integer('rev').notNull().default(0),
  },
  (t) => [
    index('alert_states_subnet_idx').on(t.subnetId),
    // the catch-up's two questions: what a window held back (few rows), and which down hosts are due a reminder
    index('alert_states_owed_idx').on(t.subnetId, t.hostId).where(sql`${t.notified} IS NOT ${t.state}`),
    index('alert_states_down_idx').on(t.subnetId, t.lastSentAt).where(sql`${t.state} = 'down'`),
  ],
);

/** A time when events of a subnet, a host or a tag are recorded muted and not sent. */
export const maintenanceWindows = sqliteTable(
  'maintenance_windows',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull().default(''),
    scope: text('scope', { enum: ['subnet', 'host', 'tag'] }).notNull(),
    subnetId: integer('subnet_id').references(() => subnets.id, { onDelete: 'cascade' }),
    hostId: integer('host_id').references(() => hosts.id, { onDelete: 'cascade' }),
    tag: text('tag'),
    kind: text('kind', { enum: ['once', 'weekly'] }).notNull(),
    /** once */
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }),
    /** weekly: days 0 (Sunday) … 6, local start "HH:MM", length, IANA zone */
    weekdays: text('weekdays', { mode: 'json' }).$type<number[]>(),
    startTime: text('start_time'),
    durationMinutes: integer('duration_minutes'),
    timeZone: text('time_zone'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('maintenance_windows_subnet_idx').on(t.subnetId)],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type MaintenanceWindowRow = typeof maintenanceWindows.$inferSelect;
export type AlertStateRow = typeof alertStates.$inferSelect;
