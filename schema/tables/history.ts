import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { hosts } from './ipam.js';

/**
 * Append-only raw sweep results; pruned after 7 days. `latencyMs` is null when the host did not answer.
 * Time-major and WITHOUT ROWID (see the migration): a sweep's samples land on a few adjacent pages instead
 * of one page per host, and pruning is a range delete at the front. No foreign key: samples of a deleted
 * host (ids are never reused) are invisible and age out with the pruning.
 */
export const hostSamples = sqliteTable(
  'host_samples',
  {
    hostId: integer('host_id').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    up: integer('up', { mode: 'boolean' }).notNull(),
    latencyMs: real('latency_ms'),
  },
  (t) => [primaryKey({ columns: [t.at, t.hostId] })],
);

/** Hourly roll-up kept at ingest time, so uptime over 24 h / 7 d never reads raw samples. Time-major like the samples. */
export const hostHourly = sqliteTable(
  'host_hourly',
  {
    hostId: integer('host_id').notNull(),
    hour: integer('hour', { mode: 'timestamp_ms' }).notNull(),
    samples: integer('samples').notNull(),
    upSamples: integer('up_samples').notNull(),
    latencySumMs: real('latency_sum_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.hostId] })],
);

/** State changes (up/down/unknown), with the probe that saw them. */
export const hostEvents = sqliteTable(
  'host_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    hostId: integer('host_id')
      .notNull()
      .references(() => hosts.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    fromStatus: text('from_status', { enum: ['up', 'down', 'unknown'] }).notNull(),
    toStatus: text('to_status', { enum: ['up', 'down', 'unknown'] }).notNull(),
    probeId: integer('probe_id'),
  },
  (t) => [index('host_events_host_at_idx').on(t.hostId, t.at), index('host_events_at_idx').on(t.at)],
);
