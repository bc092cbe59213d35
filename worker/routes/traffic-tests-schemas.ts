import { z } from '@hono/zod-openapi';
import { TRAFFIC_TEST_STATES } from '../../schema/tables/traffic.js';

const bps = z.number().nullable();
const end = z.object({ probeId: z.number().int().nullable().openapi({ description: 'null once the probe is revoked' }), name: z.string() });

export const TrafficTestSchema = z
  .object({
    id: z.string(),
    pair: z.string().openapi({ description: '`p<from>-p<to>` between probes, `p<from>-a<address>` to an address', example: 'p1-p2' }),
    from: end,
    to: z.object({ probeId: z.number().int().nullable(), name: z.string().nullable(), address: z.string().openapi({ description: 'the address the client connects to' }) }),
    port: z.number().int(),
    protocol: z.enum(['tcp', 'udp']),
    durationSeconds: z.number().int(),
    bandwidthBps: z.number().int().nullable().openapi({ description: 'iperf3 -b in bits/s; null: iperf3’s default' }),
    parallel: z.number().int(),
    reverse: z.boolean(),
    state: z.enum(TRAFFIC_TEST_STATES).openapi({ description: 'a test running past its time limit reads as failed, code timeout' }),
    failedStep: z.enum(['server', 'client']).nullable().openapi({ description: 'the side that failed: the target’s listener or the source’s run' }),
    code: z.string().nullable().openapi({ description: 'probe_offline, probe_disconnected, timeout, port_in_use, port_not_allowed, target_not_allowed, connect_failed, tool_missing, tool_failed, stopped, …' }),
    error: z.string().nullable(),
    serverState: z.string().nullable().openapi({ description: 'the listener job’s state as the target probe last reported it' }),
    clientState: z.string().nullable(),
    sentBps: bps,
    receivedBps: bps,
    retransmits: z.number().int().nullable(),
    jitterMs: z.number().nullable(),
    lostPackets: z.number().int().nullable(),
    packets: z.number().int().nullable(),
    lossPercent: z.number().nullable(),
    cpuLocalPercent: z.number().nullable(),
    cpuRemotePercent: z.number().nullable(),
    requestedBy: z.string().nullable().openapi({ description: 'the user who asked, or who made the schedule' }),
    scheduleId: z.number().int().nullable().openapi({ description: 'the schedule that started the test; null: a user asked for it' }),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('TrafficTest');

export const TrafficTestDetailSchema = TrafficTestSchema.extend({
  intervals: z.array(z.number()).openapi({ description: 'bits/s each second, as the sender counted' }),
  raw: z.string().nullable().openapi({ description: 'iperf3’s JSON, per-stream intervals dropped; null when it did not fit' }),
}).openapi('TrafficTestDetail');

const PairSchema = z
  .object({
    pair: z.string(),
    from: end,
    to: z.object({ probeId: z.number().int().nullable(), name: z.string().nullable(), address: z.string() }),
    tests: z.number().int(),
    last: z.object({ id: z.string(), state: z.enum(TRAFFIC_TEST_STATES), receivedBps: bps, createdAt: z.string() }),
  })
  .openapi('TrafficPair');

export const TrafficListSchema = z.object({
  tests: z.array(TrafficTestSchema),
  pairs: z.array(PairSchema).openapi({ description: 'the 100 pairs most recently tested, whatever `pair` asked' }),
  next: z.string().nullable(),
});

export const TrafficScheduleSchema = z
  .object({
    id: z.number().int(),
    pair: z.string(),
    from: z.object({ probeId: z.number().int(), name: z.string() }),
    to: z.object({ probeId: z.number().int().nullable(), name: z.string().nullable(), address: z.string().nullable().openapi({ description: 'an address target, or the target probe’s address chosen (null: picked at each run)' }) }),
    port: z.number().int(),
    protocol: z.enum(['tcp', 'udp']),
    durationSeconds: z.number().int(),
    bandwidthBps: z.number().int().nullable(),
    parallel: z.number().int(),
    reverse: z.boolean(),
    everyHours: z.number().int(),
    enabled: z.boolean(),
    startsAt: z.string().openapi({ description: 'the first run; later ones keep its phase' }),
    nextRunAt: z.string().nullable().openapi({ description: 'null while paused' }),
    lastRunAt: z.string().nullable(),
    lastTestId: z.string().nullable().openapi({ description: 'the last test it started' }),
    lastCode: z.string().nullable().openapi({ description: 'why the last run started no test (probe_offline, traffic_test_busy, …); null when it started one' }),
    lastError: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('TrafficSchedule');
