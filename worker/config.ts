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
  /** Flow summaries per minute are kept this long (a flows item older than this, or than a probe's spool keeps it, is refused); the hourly roll-up as long as FLOW_HOURLY_RETENTION_DAYS. */
  flowMinuteRetentionDays: z.coerce.number().min(1).max(400).default(7),
  flowHourlyRetentionDays: z.coerce.number().min(1).max(3650).default(400),
  /** The dashboard's address as its users reach it (e.g. https://ipam.example.net): its origin is the only one
   * cookie-authenticated changes are accepted from, and an https URL makes the cookie Secure and turns on HSTS. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Client address from the last X-Forwarded-For entry (set when a reverse proxy sits in front of the Node host). */
  trustProxy: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** Failed logins allowed per username before the back-off starts (it doubles per failure from 1 s to 15 min). */
  loginFreeAttempts: z.coerce.number().int().min(1).max(1000).default(5),
  /** The same per client address (higher: several people may share one address). */
  loginFreeAttemptsPerAddress: z.coerce.number().int().min(1).max(10_000).default(20),
  loginBlockBaseSeconds: z.coerce.number().min(0.1).max(3600).default(1),
  loginBlockMaxSeconds: z.coerce.number().min(1).max(86_400).default(900),
  /** Scheduled port scans of every alive host: how often (each host's next scan is jittered ±15%), and whether at all. */
  scanNmapIntervalMinutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  enableNmapScheduler: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  /** How often the scheduler looks for hosts due (Workers: at most once a minute, the cron's tick). */
  portScanTickSeconds: z.coerce.number().min(1).max(3600).default(60),
  /** A port scan running longer is killed by the probe. */
  portScanTimeoutSeconds: z.coerce.number().int().min(10).max(6 * 3600).default(900),
  /** A host's "scan ports now" can be asked for again after this long (inside it: 429, or the running job). */
  portScanCooldownSeconds: z.coerce.number().min(0).max(86_400).default(60),
  /** Port-scan jobs a probe runs at once; the scheduler waits for one to finish before sending more. */
  portScanJobsPerProbe: z.coerce.number().int().min(1).max(32).default(2),
  /** Alert defaults (each subnet may set its own): "up" after this many answers in a row, a reminder while down every so many minutes (0: never), whether "up" is sent at all. */
  alertUpAfter: z.coerce.number().int().min(1).max(100).default(1),
  alertReminderMinutes: z.coerce.number().int().min(0).max(7 * 24 * 60).default(0),
  alertSendResolved: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  /** More than this share of a subnet's up hosts going down in one sweep (and at least `alertDegradedMinHosts`) is one "subnet degraded". */
  alertDegradedShare: z.coerce.number().min(0).max(1).default(0.5),
  alertDegradedMinHosts: z.coerce.number().int().min(1).max(100_000).default(3),
  /** Webhook URLs to loopback and link-local addresses (the cloud metadata service among them) are refused unless this is set. */
  webhookAllowPrivate: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** Deliveries in flight at once (different endpoints or hosts; one host's events to one endpoint go in order). */
  webhookConcurrency: z.coerce.number().int().min(1).max(256).default(32),
  /** The delivery log and past events are kept this long. */
  webhookRetentionDays: z.coerce.number().min(1).max(400).default(30),
  /** Probes look up PTR names of alive hosts (each subnet may turn it off or on for itself). */
  ptrLookupEnabled: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  /** A host that was alive and has been silent longer than this is "previously used": shown apart, its address offered as free again. */
  previouslyUsedDays: z.coerce.number().min(0.0001).max(3650).default(7),
  /** Traceroutes a probe runs at once; another "trace" for a busy probe is a 429. */
  traceJobsPerProbe: z.coerce.number().int().min(1).max(16).default(2),
  /** The IANA RDAP bootstrap registry (RFC 9224): dns.json, ipv4.json, ipv6.json and asn.json below it. */
  rdapBootstrapUrl: z.url({ protocol: /^https?$/ }).default('https://data.iana.org/rdap/'),
  /** A bootstrap or RDAP request taking longer is given up (504 rdap_timeout). */
  rdapTimeoutMs: z.coerce.number().int().min(10).max(60_000).default(8000),
  /** RDAP answers are kept this long (0: never cached); bootstrap files a day. */
  rdapCacheSeconds: z.coerce.number().int().min(0).max(30 * 86_400).default(3600),
  /** RDAP requests (and redirects) to loopback, LAN, link-local and other non-public addresses are refused unless this is set. */
  rdapAllowPrivate: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** Operations (ping, mtr, traceroute from probes) one user may start per minute; another is a 429. */
  operationsPerMinute: z.coerce.number().int().min(1).max(1000).default(10),
  /** Operation runs one probe may have queued or running; a request that would add one more is a 429. */
  operationQueuePerProbe: z.coerce.number().int().min(1).max(64).default(8),
  /** Operations and their results are kept this long. */
  operationRetentionDays: z.coerce.number().min(1).max(3650).default(30),
  /** Traffic tests and their results are kept this long (the history chart per pair reads them). */
  trafficRetentionDays: z.coerce.number().min(1).max(3650).default(90),
  /** Proxmox connections may use plain http (a local test server): the API token would cross the network in the clear. */
  proxmoxAllowHttp: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** A VM still being created after this long fails at the step it is at (code timeout); the Proxmox task may go on. */
  vmCreateTimeoutMinutes: z.coerce.number().min(1).max(24 * 60).default(30),
  /** How long an allocation waits for its probe's check of the candidates (503 verify_timeout past it). */
  allocateVerifyTimeoutMs: z.coerce.number().int().min(500).max(60_000).default(10_000),
});
export type AppConfig = z.infer<typeof appConfigSchema>;

/** Reads the app settings from environment-style strings (DOWN_AFTER_FAILURES, …); `overrides` (typed values, from code) win. */
export function appConfig(env: Record<string, string | undefined>, overrides: Partial<AppConfig> = {}): AppConfig {
  const parsed = appConfigSchema.parse({
    downAfterFailures: env.DOWN_AFTER_FAILURES,
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    heartbeatSeconds: env.HEARTBEAT_SECONDS,
    pingTimeoutMs: env.PING_TIMEOUT_MS,
    maxSweepAddresses: env.MAX_SWEEP_ADDRESSES,
    scanCoalesceSeconds: env.SCAN_COALESCE_SECONDS,
    rawSampleRetentionDays: env.RAW_SAMPLE_RETENTION_DAYS,
    hourlyRetentionDays: env.HOURLY_RETENTION_DAYS,
    flowMinuteRetentionDays: env.FLOW_MINUTE_RETENTION_DAYS,
    flowHourlyRetentionDays: env.FLOW_HOURLY_RETENTION_DAYS,
    publicUrl: env.PUBLIC_URL || undefined,
    trustProxy: env.TRUST_PROXY || undefined,
    loginFreeAttempts: env.LOGIN_FREE_ATTEMPTS,
    loginFreeAttemptsPerAddress: env.LOGIN_FREE_ATTEMPTS_PER_ADDRESS,
    loginBlockBaseSeconds: env.LOGIN_BLOCK_BASE_SECONDS,
    loginBlockMaxSeconds: env.LOGIN_BLOCK_MAX_SECONDS,
    scanNmapIntervalMinutes: env.SCAN_NMAP_INTERVAL_MINUTES,
    enableNmapScheduler: env.ENABLE_NMAP_SCHEDULER || undefined,
    portScanTickSeconds: env.PORT_SCAN_TICK_SECONDS,
    portScanTimeoutSeconds: env.PORT_SCAN_TIMEOUT_SECONDS,
    portScanCooldownSeconds: env.PORT_SCAN_COOLDOWN_SECONDS,
    portScanJobsPerProbe: env.PORT_SCAN_JOBS_PER_PROBE,
    alertUpAfter: env.ALERT_UP_AFTER,
    alertReminderMinutes: env.ALERT_REMINDER_MINUTES,
    alertSendResolved: env.ALERT_SEND_RESOLVED || undefined,
    alertDegradedShare: env.ALERT_DEGRADED_SHARE,
    alertDegradedMinHosts: env.ALERT_DEGRADED_MIN_HOSTS,
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE || undefined,
    webhookConcurrency: env.WEBHOOK_CONCURRENCY,
    webhookRetentionDays: env.WEBHOOK_RETENTION_DAYS,
    ptrLookupEnabled: env.PTR_LOOKUP_ENABLED || undefined,
    previouslyUsedDays: env.PREVIOUSLY_USED_DAYS,
    traceJobsPerProbe: env.TRACE_JOBS_PER_PROBE,
    rdapBootstrapUrl: env.RDAP_BOOTSTRAP_URL || undefined,
    rdapTimeoutMs: env.RDAP_TIMEOUT_MS,
    rdapCacheSeconds: env.RDAP_CACHE_SECONDS,
    rdapAllowPrivate: env.RDAP_ALLOW_PRIVATE || undefined,
    operationsPerMinute: env.OPERATIONS_PER_MINUTE,
    operationQueuePerProbe: env.OPERATION_QUEUE_PER_PROBE,
    operationRetentionDays: env.OPERATION_RETENTION_DAYS,
    trafficRetentionDays: env.TRAFFIC_RETENTION_DAYS,
    proxmoxAllowHttp: env.PROXMOX_ALLOW_HTTP || undefined,
    vmCreateTimeoutMinutes: env.VM_CREATE_TIMEOUT_MINUTES,
    allocateVerifyTimeoutMs: env.ALLOCATE_VERIFY_TIMEOUT_MS,
  });
  return { ...parsed, ...overrides };
}
