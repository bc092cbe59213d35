import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { TrafficResult } from '../kinds/traffic.js';
import { users } from './auth.js';
import { probes } from './probes.js';

export const TRAFFIC_TEST_STATES = ['running', 'done', 'failed'] as const;
export type TrafficTestState = (typeof TRAFFIC_TEST_STATES)[number];

/**
 * One iperf3 test between two probes (the target probe runs a one-shot `iperf3 -s -1`) or from a probe to an address
 * already running an iperf3 server. `pair` groups a pair's history (`p<from>-p<to>`, `p<from>-a<address>`); names are
 * kept so a revoked probe's tests still read well. The measured figures are columns (the history chart and /metrics
 * read them without parsing JSON); the probe's parsed result, with iperf3's JSON trimmed to fit a frame, is `result`.
 */
export const trafficTests = sqliteTable(
  'traffic_tests',
  {
    id: text('id').primaryKey(),
    pair: text('pair').notNull(),
    fromProbeId: integer('from_probe_id').references(() => probes.id, { onDelete: 'set null' }),
    fromProbeName: text('from_probe_name').notNull(),
    toProbeId: integer('to_probe_id').references(() => probes.id, { onDelete: 'set null' }),
    toProbeName: text('to_probe_name'),
    /** The address the client connects to (the target probe's, or the one asked for). */
    toAddress: text('to_address').notNull(),
    port: integer('port').notNull(),
    protocol: text('protocol', { enum: ['tcp', 'udp'] }).notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    /** iperf3 `-b` in bits per second (null: iperf3's default, unlimited for TCP, 1 Mbit/s for UDP). */
    bandwidthBps: integer('bandwidth_bps'),
    parallel: integer('parallel').notNull().default(1),
    reverse: integer('reverse', { mode: 'boolean' }).notNull().default(false),
    state: text('state', { enum: TRAFFIC_TEST_STATES }).notNull(),
    /** Which side failed (`server`: the target probe's listener, `client`: the source's run) and its stable code. */
    failedStep: text('failed_step', { enum: ['server', 'client'] }),
    code: text('code'),
    error: text('error'),
    serverJobId: text('server_job_id'),
    clientJobId: text('client_job_id').notNull(),
    /** The job states as the probes last reported them (queued, started, done, failed…). */
    serverState: text('server_state'),
    clientState: text('client_state'),
    sentBps: real('sent_bps'),
    receivedBps: real('received_bps'),
    retransmits: integer('retransmits'),
    jitterMs: real('jitter_ms'),
    lostPackets: integer('lost_packets'),
    packets: integer('packets'),
    lossPercent: real('loss_percent'),
    cpuLocalPercent: real('cpu_local_percent'),
    cpuRemotePercent: real('cpu_remote_percent'),
    result: text('result', { mode: 'json' }).$type<TrafficResult>(),
    /** A scheduled test names its schedule; null: asked for by a user. */
    scheduleId: integer('schedule_id'),
    requestedBy: integer('requested_by').references(() => users.id, { onDelete: 'set null' }),
    requestedByName: text('requested_by_name'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** A test still `running` past this never got its result (a probe went away): it reads as failed `timeout`. */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('traffic_tests_pair_idx').on(t.pair, t.createdAt),
    index('traffic_tests_created_idx').on(t.createdAt),
    index('traffic_tests_from_state_idx').on(t.fromProbeId, t.state),
    index('traffic_tests_to_state_idx').on(t.toProbeId, t.state),
  ],
);

export type TrafficTestRow = typeof trafficTests.$inferSelect;

/** The longest period a schedule may have: a week. */
export const MAX_TRAFFIC_SCHEDULE_HOURS = 168;

/**
 * A traffic test run every `everyHours` for a pair (the `traffic-schedules` duty starts each run as a user's request
 * would, and the test names its schedule). Runs keep the phase of `startsAt`, so "every 6 hours from 03:00" stays on
 * 03:00, 09:00, …; a run that could not start (a probe offline, busy) says why in `lastCode` and starts no test.
 */
export const trafficSchedules = sqliteTable(
  'traffic_schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pair: text('pair').notNull(),
    fromProbeId: integer('from_probe_id').notNull().references(() => probes.id, { onDelete: 'cascade' }),
    toProbeId: integer('to_probe_id').references(() => probes.id, { onDelete: 'cascade' }),
    /** The address target; with a target probe, which of its addresses (null: the server picks at each run). */
    toAddress: text('to_address'),
    port: integer('port').notNull(),
    protocol: text('protocol', { enum: ['tcp', 'udp'] }).notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    bandwidthBps: integer('bandwidth_bps'),
    parallel: integer('parallel').notNull().default(1),
    reverse: integer('reverse', { mode: 'boolean' }).notNull().default(false),
    everyHours: integer('every_hours').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    nextRunAt: integer('next_run_at', { mode: 'timestamp_ms' }).notNull(),
    lastRunAt: integer('last_run_at', { mode: 'timestamp_ms' }),
    lastTestId: text('last_test_id'),
    /** The last run's refusal (it started no test); null when it started one. */
    lastCode: text('last_code'),
    lastError: text('last_error'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdByName: text('created_by_name'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    // one schedule per pair and way: a second would only race the first for the same probes
    uniqueIndex('traffic_schedules_pair_idx').on(t.pair, t.protocol, t.reverse),
    index('traffic_schedules_due_idx').on(t.enabled, t.nextRunAt),
  ],
);

export type TrafficScheduleRow = typeof trafficSchedules.$inferSelect;
