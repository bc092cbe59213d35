import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { OperationResult } from '../kinds/operation.js';
import { users } from './auth.js';
import { probes } from './probes.js';

export const OPERATION_RUN_STATES = ['queued', 'running', 'done', 'failed', 'offline', 'unsupported'] as const;
export type OperationRunState = (typeof OPERATION_RUN_STATES)[number];

export interface OperationParams {
  count: number;
  intervalMs: number;
  packetSize: number;
  family: 4 | 6 | null;
  maxHops: number;
}
export type OperationSelection = { probes: number[] } | { site: string } | 'all';

/** A ping, mtr or traceroute an admin asked of one or more probes; one run per probe. */
export const operations = sqliteTable(
  'operations',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['ping', 'mtr', 'traceroute'] }).notNull(),
    target: text('target').notNull(),
    params: text('params', { mode: 'json' }).$type<OperationParams>().notNull(),
    selection: text('selection', { mode: 'json' }).$type<OperationSelection>().notNull(),
    requestedBy: integer('requested_by').references(() => users.id, { onDelete: 'set null' }),
    /** Kept when the user is deleted: the list still says who asked. */
    requestedByName: text('requested_by_name'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('operations_created_idx').on(t.createdAt), index('operations_user_idx').on(t.requestedBy, t.createdAt)],
);

/**
 * One probe's part of an operation. `id` is the job id the probe reports on. A run counts as under way while
 * queued/running and `expiresAt` has not passed (a probe that goes away mid-run never reports it).
 */
export const operationRuns = sqliteTable(
  'operation_runs',
  {
    id: text('id').primaryKey(),
    operationId: text('operation_id')
      .notNull()
      .references(() => operations.id, { onDelete: 'cascade' }),
    probeId: integer('probe_id').references(() => probes.id, { onDelete: 'set null' }),
    /** The probe's name and site when the run was made (a revoked probe's runs still read well). */
    probeName: text('probe_name').notNull(),
    site: text('site').notNull(),
    state: text('state', { enum: OPERATION_RUN_STATES }).notNull(),
    code: text('code'),
    error: text('error'),
    /** The address the probe ran the tool against (its resolution of a hostname). */
    address: text('address'),
    done: integer('done'),
    total: integer('total'),
    /** The highest snapshot applied (-1: none yet); a lower or equal one arriving later is not applied. */
    seq: integer('seq').notNull().default(-1),
    result: text('result', { mode: 'json' }).$type<OperationResult>(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('operation_runs_operation_idx').on(t.operationId), index('operation_runs_probe_state_idx').on(t.probeId, t.state)],
);

export type OperationRow = typeof operations.$inferSelect;
export type OperationRunRow = typeof operationRuns.$inferSelect;
