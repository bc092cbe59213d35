import { z } from 'zod';

/** Settings the app itself reads, whatever host it runs on. Hosts build it from their env with `appConfig`. */
export const appConfigSchema = z.object({
  /** Consecutive silent sweeps before a host is marked down. */
  downAfterFailures: z.coerce.number().int().min(1).max(100).default(2),
  sessionTtlSeconds: z.coerce.number().int().min(60).default(12 * 3600),
  /** Probe heartbeat period; a probe silent for 3 periods is offline. */
  heartbeatSeconds: z.coerce.number().min(0.2).default(15),
  pingTimeoutMs: z.coerce.number().int().min(50).max(10_000).default(1000),
  /** Largest block a probe sweeps address by address (a /16 by default). */
  maxSweepAddresses: z.coerce.number().int().min(1).default(65_536),
  /** Repeated "scan now" requests within this window share one sweep. */
  scanCoalesceSeconds: z.coerce.number().min(0).default(5),
  /** Subnets created without a probe go to this one (the Node host's local probe). */
  defaultProbeId: z.number().int().positive().nullable().default(null),
  rawSampleRetentionDays: z.coerce.number().min(1).default(7),
  hourlyRetentionDays: z.coerce.number().min(7).default(400),
});
export type AppConfig = z.infer<typeof appConfigSchema>;

/** Reads the app settings from environment-style strings (DOWN_AFTER_FAILURES, …). */
export function appConfig(env: Record<string, string | undefined>, overrides: Partial<AppConfig> = {}): AppConfig {
  return appConfigSchema.parse({
    downAfterFailures: env.DOWN_AFTER_FAILURES,
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    heartbeatSeconds: env.HEARTBEAT_SECONDS,
    pingTimeoutMs: env.PING_TIMEOUT_MS,
    maxSweepAddresses: env.MAX_SWEEP_ADDRESSES,
    scanCoalesceSeconds: env.SCAN_COALESCE_SECONDS,
    rawSampleRetentionDays: env.RAW_SAMPLE_RETENTION_DAYS,
    hourlyRetentionDays: env.HOURLY_RETENTION_DAYS,
    ...overrides,
  });
}
