import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth.js';
import { hosts, subnets } from './ipam.js';

/**
 * A Proxmox VE cluster the IPAM may create VMs on, reached with an API token (`PVEAPIToken=user@realm!id=secret`).
 * The secret is never sent back by the API (admins set it, nobody reads it); `fingerprint` pins the cluster's TLS
 * certificate (SHA-256, `AA:BB:…`) for self-signed ones.
 */
export const proxmoxConnections = sqliteTable(
  'proxmox_connections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    tokenId: text('token_id').notNull(),
    tokenSecret: text('token_secret').notNull(),
    fingerprint: text('fingerprint'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('proxmox_connections_name_uq').on(t.name)],
);

export const VM_STATES = ['creating', 'done', 'failed'] as const;
export type VmState = (typeof VM_STATES)[number];
/** The steps of a VM's creation, in order; a failure names the one it stopped at. */
export const VM_STEPS = ['allocate', 'create', 'wait-create', 'configure', 'start', 'wait-start'] as const;
export type VmStep = (typeof VM_STEPS)[number];

/** A VM created through the IPAM: its request, where it got to, and the reserved host that holds its address. */
export const vms = sqliteTable(
  'vms',
  {
    id: text('id').primaryKey(),
    connectionId: integer('connection_id').references(() => proxmoxConnections.id, { onDelete: 'set null' }),
    node: text('node').notNull(),
    /** The VM id Proxmox gave (null until it is known). */
    vmid: integer('vmid'),
    name: text('name').notNull(),
    /** The template's VM id to clone, or the ISO volume to create from (`local:iso/debian.iso`). */
    template: integer('template'),
    iso: text('iso'),
    cores: integer('cores').notNull(),
    memoryMb: integer('memory_mb').notNull(),
    diskGb: integer('disk_gb').notNull(),
    /** The storage the disk goes on (`local-lvm`): the new disk of an ISO VM, the target of a full clone (null: the template's). */
    storage: text('storage'),
    bridge: text('bridge').notNull(),
    subnetId: integer('subnet_id').references(() => subnets.id, { onDelete: 'set null' }),
    hostId: integer('host_id').references(() => hosts.id, { onDelete: 'set null' }),
    address: text('address'),
    state: text('state', { enum: VM_STATES }).notNull(),
    step: text('step', { enum: VM_STEPS }).notNull(),
    code: text('code'),
    error: text('error'),
    /** The Proxmox task being followed (UPID). */
    upid: text('upid'),
    requestedBy: integer('requested_by').references(() => users.id, { onDelete: 'set null' }),
    requestedByName: text('requested_by_name'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('vms_created_idx').on(t.createdAt), index('vms_host_idx').on(t.hostId)],
);

export type ProxmoxConnectionRow = typeof proxmoxConnections.$inferSelect;
export type VmRow = typeof vms.$inferSelect;
