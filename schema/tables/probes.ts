import { integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** An on-prem agent. Its token is stored as a SHA-256 hash and shown once at enrolment. */
export const probes = sqliteTable(
  'probes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    site: text('site').notNull().default(''),
    tokenHash: text('token_hash').notNull(),
    isLocal: integer('is_local', { mode: 'boolean' }).notNull().default(false),
    connected: integer('connected', { mode: 'boolean' }).notNull().default(false),
    version: text('version'),
    /** Job kinds the probe announced in its last hello; null: a probe before 0.3 (sweeps only). */
    kinds: text('kinds', { mode: 'json' }).$type<string[]>(),
    rawSockets: integer('raw_sockets', { mode: 'boolean' }),
    /** Default gateways and interfaces from the probe's last hello (schema/protocol.ts ProbeNetwork); null: not reported. */
    network: text('network', { mode: 'json' }).$type<{ gateways: { family: 4 | 6; address: string; interface: string | null }[]; interfaces: { name: string; mac: string | null; addresses: string[] }[] }>(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('probes_token_uq').on(t.tokenHash)],
);

/** One row per applied result batch: the key that makes every batch apply exactly once. */
export const ingestLedger = sqliteTable(
  'ingest_ledger',
  {
    probeId: integer('probe_id').notNull(),
    batchId: text('batch_id').notNull(),
    samples: integer('samples').notNull(),
    appliedAt: integer('applied_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.probeId, t.batchId] })],
);

export type ProbeRow = typeof probes.$inferSelect;
