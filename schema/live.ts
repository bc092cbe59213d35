/**
 * The live feed (`GET /api/live`, Server-Sent Events): every message is `event: <type>` and
 * `data: <JSON of data>`. Shared by the server that publishes and the tests (and, as types, the UI) that read.
 */
import { z } from 'zod';

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

export const liveJobState = z.enum(['queued', 'started', 'progress', 'done', 'failed']);

export const livePayloads = {
  /** First message of every stream. */
  hello: z.object({ serverTime: z.number().describe('server clock, ms since epoch') }),
  /** Hosts of these subnets changed: after a results batch (with its transitions), a probe going away, or an edit. */
  hosts: z.object({ subnetIds: z.array(z.number().int()), changes: z.array(liveHostChange) }),
  /** A "scan now" job: queued by the API, then as the probe reports it. */
  job: z.object({
    jobId: z.string(),
    subnetId: z.number().int(),
    probeId: z.number().int(),
    state: liveJobState,
    done: z.number().int().nonnegative().optional().describe('addresses probed so far (state progress)'),
    total: z.number().int().nonnegative().optional().describe('addresses in the sweep (state progress)'),
    error: z.string().optional(),
  }),
  /** A probe connected, disconnected or was revoked. */
  probe: z.object({ probeId: z.number().int(), connected: z.boolean() }),
  /** A subnet was created, updated or deleted: reload the list. */
  subnets: z.object({}),
} as const;

export type LivePayloads = { [K in keyof typeof livePayloads]: z.infer<(typeof livePayloads)[K]> };
export type LiveEventType = keyof LivePayloads;

const eventOf = <K extends LiveEventType>(type: K) =>
  z.object({ type: z.literal(type), data: livePayloads[type] }).meta({ id: `Live${type[0]!.toUpperCase()}${type.slice(1)}Event` });

/** An event as published inside the server; on the wire `type` is the SSE `event:` field and `data` its JSON. */
export const liveEvent = z
  .discriminatedUnion('type', [eventOf('hello'), eventOf('hosts'), eventOf('job'), eventOf('probe'), eventOf('subnets')])
  .meta({ id: 'LiveEvent' });
export type LiveEvent = z.infer<typeof liveEvent>;

/** Seconds between `: keep-alive` comment lines on an idle stream. */
export const LIVE_KEEP_ALIVE_SECONDS = 20;
