import { sql } from 'drizzle-orm';
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { AddressCheckName, AddressSign } from '../kinds/address-check.js';
import { probes } from './probes.js';
import { subnets } from './ipam.js';

/**
 * The last live check of an address before it was handed out (`POST /api/subnets/{id}/allocate`): which probe
 * checked it, when, and the signs of life it saw (none: free). `GET /api/subnets/{id}/free` shows it as `verified`.
 */
export const addressChecks = sqliteTable(
  'address_checks',
  {
    subnetId: integer('subnet_id')
      .notNull()
      .references(() => subnets.id, { onDelete: 'cascade' }),
    ipKey: text('ip_key').notNull(),
    ip: text('ip').notNull(),
    jobId: text('job_id').notNull(),
    probeId: integer('probe_id').references(() => probes.id, { onDelete: 'set null' }),
    checkedAt: integer('checked_at', { mode: 'timestamp_ms' }).notNull(),
    alive: integer('alive', { mode: 'boolean' }).notNull(),
    signs: text('signs', { mode: 'json' }).$type<AddressSign[]>().notNull(),
    /** Checks the probe could not run there (ICMP without a raw socket, the neighbour table off-segment, PTR off). */
    skipped: text('skipped', { mode: 'json' }).$type<AddressCheckName[]>().notNull().default(sql`'[]'`),
  },
  (t) => [primaryKey({ columns: [t.subnetId, t.ipKey] })],
);

/**
 * Addresses an allocation under way holds while its probe checks them: the primary key makes two allocations at
 * once take different addresses (on both hosts). A claim past `expiresAt` is stale (its request died) and is ignored.
 */
export const addressClaims = sqliteTable(
  'address_claims',
  {
    subnetId: integer('subnet_id')
      .notNull()
      .references(() => subnets.id, { onDelete: 'cascade' }),
    ipKey: text('ip_key').notNull(),
    ip: text('ip').notNull(),
    claimId: text('claim_id').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.subnetId, t.ipKey] })],
);

export type AddressCheckRow = typeof addressChecks.$inferSelect;
