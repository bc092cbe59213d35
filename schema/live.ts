/**
 * The live feed (`GET /api/live`, Server-Sent Events): every message is `event: <type>` and
 * `data: <JSON of data>`. Shared by the server that publishes and the tests (and, as types, the UI) that read.
 */
import { z } from 'zod';
import { ADDRESS_CHECKS, addressSign, MAX_CHECK_ADDRESSES } from './kinds/address-check.js';

export const liveHostStatus = z.enum(['up', 'down', 'unknown']);

/** One state transition of a host. `at` is when it happened (ISO 8601, UTC). */
export const liveHostChange = z
  .object({
    hostId: z.number().int(),
    subnetId: z.number().int(),
    ip: z.string(),
    from: liveHostStatus,
    to: liveHostStatus,
    at: z.string(),
  })
  .meta({ id: 'LiveHostChange' });
export type LiveHostChange = z.infer<typeof liveHostChange>;

export const liveJobState = z.enum(['queued', 'started', 'progress', 'done', 'failed', 'unsupported']);

/** A port of a host opened, closed or changed service (from a port scan). */
export const livePortChange = z
  .object({
    hostId: z.number().int(),
    subnetId: z.number().int(),
    ip: z.string(),
    change: z.enum(['opened', 'closed', 'changed']),
    port: z.number().int(),
    protocol: z.enum(['tcp', 'udp']),
    service: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: 'LivePortChange' });
export type LivePortChange = z.infer<typeof livePortChange>;

/** The MAC answering at a host's address changed (`from` null: the first MAC seen there). */
export const liveMacChange = z
  .object({
    hostId: z.number().int(),
    subnetId: z.number().int(),
    ip: z.string(),
    from: z.object({ mac: z.string(), vendor: z.string().nullable() }).nullable(),
    to: z.object({ mac: z.string(), vendor: z.string().nullable() }),
    at: z.string(),
  })
  .meta({ id: 'LiveMacChange' });
export type LiveMacChange = z.infer<typeof liveMacChange>;

export const livePayloads = {
  /** First message of every stream. */
  hello: z.object({ serverTime: z.number().describe('server clock, ms since epoch') }),
  /** Hosts of these subnets changed: after a results batch (with its transitions), a probe going away, or an edit. */
  hosts: z.object({ subnetIds: z.array(z.number().int()), changes: z.array(liveHostChange) }),
  /** A "scan now" job: queued by the API, then as the probe reports it. */
  job: z.object({
    jobId: z.string(),
    /** sweep (absent: sweep, as before 0.3) or port_scan. */
    kind: z.string().optional(),
    subnetId: z.number().int(),
    probeId: z.number().int(),
    state: liveJobState,
    done: z.number().int().nonnegative().optional().describe('work done so far (state progress): addresses of a sweep, percent of a port scan'),
    total: z.number().int().nonnegative().optional().describe('work in all (state progress): addresses in the sweep, 100 for a port scan'),
    hostIds: z.array(z.number().int()).optional().describe('the hosts a port scan covers'),
    error: z.string().optional(),
  }),
  /** Ports of these hosts were scanned: their open ports (and maybe `changes`) are new. */
  ports: z.object({ subnetIds: z.array(z.number().int()), hostIds: z.array(z.number().int()), changes: z.array(livePortChange) }),
  /** MACs of these subnets' hosts changed in a sweep (or were seen for the first time). */
  macs: z.object({ subnetIds: z.array(z.number().int()), changes: z.array(liveMacChange) }),
  /** A probe connected, disconnected or was revoked. */
  probe: z.object({ probeId: z.number().int(), connected: z.boolean() }),
  /** A probe's flows batch was stored: `at` the start of its latest minute (ISO 8601, UTC). */
  flows: z.object({ at: z.string(), probeId: z.number().int() }),
  /** A probe's run of an operation changed state or has new results: read the operation again. */
  operation: z.object({
    operationId: z.string(),
    probeId: z.number().int(),
    state: z.enum(['queued', 'running', 'done', 'failed', 'offline', 'unsupported']),
    done: z.number().int().nonnegative().optional(),
    total: z.number().int().nonnegative().optional(),
  }),
  /** A traffic test started, one of its probes reported on its side, its result came, or it ended: read the test again. */
  traffic: z.object({ testId: z.string(), state: z.enum(['running', 'done', 'failed']) }),
  /** A VM's creation moved to its next step, finished or failed (POST /api/vms): read it again. */
  vm: z.object({ vmId: z.string(), state: z.enum(['creating', 'done', 'failed']), step: z.string() }),
  /** A subnet was created, updated or deleted: reload the list. */
  subnets: z.object({}),
  /** A verified allocation's steps (POST /api/subnets/{id}/allocate): the addresses being checked, what the checks saw, the addresses handed out, or why it failed. */
  allocation: z.object({
    allocationId: z.string(),
    subnetId: z.number().int(),
    stage: z.enum(['checking', 'checked', 'done', 'failed']),
    addresses: z.array(z.string()).max(MAX_CHECK_ADDRESSES).optional(),
    /** `skipped`: the checks the probe could not run at the address (ICMP without a raw socket, …): free there is less sure. */
    checks: z
      .array(z.object({ ip: z.string(), alive: z.boolean(), signs: z.array(addressSign), skipped: z.array(z.enum(ADDRESS_CHECKS)).max(ADDRESS_CHECKS.length).optional() }))
      .max(MAX_CHECK_ADDRESSES)
      .optional(),
    /** With `failed`: the error's code (subnet_full, verify_timeout, probe_offline, …). */
    code: z.string().optional(),
  }),
} as const;

export type LivePayloads = { [K in keyof typeof livePayloads]: z.infer<(typeof livePayloads)[K]> };
export type LiveEventType = keyof LivePayloads;

const eventOf = <K extends LiveEventType>(type: K) =>
  z.object({ type: z.literal(type), data: livePayloads[type] }).meta({ id: `Live${type[0]!.toUpperCase()}${type.slice(1)}Event` });

/** An event as published inside the server; on the wire `type` is the SSE `event:` field and `data` its JSON. */
export const liveEvent = z
  .discriminatedUnion('type', [eventOf('hello'), eventOf('hosts'), eventOf('job'), eventOf('ports'), eventOf('macs'), eventOf('probe'), eventOf('flows'), eventOf('operation'), eventOf('subnets'), eventOf('allocation'), eventOf('traffic'), eventOf('vm')])
  .meta({ id: 'LiveEvent' });
export type LiveEvent = z.infer<typeof liveEvent>;

/** Seconds between `: keep-alive` comment lines on an idle stream. */
export const LIVE_KEEP_ALIVE_SECONDS = 20;
