import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
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
