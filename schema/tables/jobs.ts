import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { probes } from './probes.js';
import { hosts, subnets } from './ipam.js';

export const JOB_STATES = ['queued', 'started', 'progress', 'done', 'failed', 'unsupported'] as const;

/**
 * Work sent to a probe (port scans: scheduled and "scan now"), and how it went. A job counts as under way while
 * its state is queued/started/progress and `expiresAt` (its time limit, with slack) has not passed: a probe that
 * goes away mid-job never reports it, and nothing waits for it for ever.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    probeId: integer('probe_id').references(() => probes.id, { onDelete: 'set null' }),
    subnetId: integer('subnet_id').references(() => subnets.id, { onDelete: 'cascade' }),
    /** Hosts the job covers. */
    targets: integer('targets').notNull().default(0),
    /** The one host a job is about (a traceroute); null for jobs over many (port scans). */
    hostId: integer('host_id').references(() => hosts.id, { onDelete: 'cascade' }),
    /** Why: "schedule" or "manual". */
    origin: text('origin', { enum: ['schedule', 'manual'] }).notNull(),
    state: text('state', { enum: JOB_STATES }).notNull(),
    done: integer('done'),
    total: integer('total'),
    error: text('error'),
    requestedAt: integer('requested_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('jobs_probe_state_idx').on(t.probeId, t.state), index('jobs_requested_idx').on(t.requestedAt), index('jobs_host_idx').on(t.hostId, t.requestedAt)],
);

export type JobRow = typeof jobs.$inferSelect;
export type JobState = JobRow['state'];
