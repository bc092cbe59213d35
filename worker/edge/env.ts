import type { D1Database, DurableObjectNamespace, Fetcher } from '@cloudflare/workers-types';
import type { LiveFeedObject } from './live-object.js';
import type { OutboxObject } from './outbox-object.js';
import type { ProbeHubObject } from './probe-object.js';

/** Bindings and variables of the Worker (wrangler.toml, secrets). */
export interface Env {
  DB: D1Database;
  /** One ProbeHubObject per probe, named `probe-<id>`. */
  PROBES: DurableObjectNamespace<ProbeHubObject>;
  /** The singleton LiveFeedObject (GET /api/live). */
  LIVE: DurableObjectNamespace<LiveFeedObject>;
  /** The singleton OutboxObject: sends webhook deliveries from its alarm. */
  OUTBOX: DurableObjectNamespace<OutboxObject>;
  ASSETS: Fetcher;
  /** Optional libSQL/Turso database instead of D1. */
  LIBSQL_URL?: string;
  LIBSQL_AUTH_TOKEN?: string;
  /** Password of `admin` when the user is first created (`wrangler secret put ADMIN_PASSWORD`). */
  ADMIN_PASSWORD?: string;
  DOWN_AFTER_FAILURES?: string;
  HEARTBEAT_SECONDS?: string;
  SESSION_TTL_SECONDS?: string;
  PING_TIMEOUT_MS?: string;
  MAX_SWEEP_ADDRESSES?: string;
  SCAN_COALESCE_SECONDS?: string;
  RAW_SAMPLE_RETENTION_DAYS?: string;
  HOURLY_RETENTION_DAYS?: string;
  FLOW_MINUTE_RETENTION_DAYS?: string;
  FLOW_HOURLY_RETENTION_DAYS?: string;
  ENABLE_NMAP_SCHEDULER?: string;
  SCAN_NMAP_INTERVAL_MINUTES?: string;
  PORT_SCAN_TICK_SECONDS?: string;
  PORT_SCAN_TIMEOUT_SECONDS?: string;
  PORT_SCAN_COOLDOWN_SECONDS?: string;
  PORT_SCAN_JOBS_PER_PROBE?: string;
  ALERT_UP_AFTER?: string;
  ALERT_REMINDER_MINUTES?: string;
  ALERT_SEND_RESOLVED?: string;
  ALERT_DEGRADED_SHARE?: string;
  ALERT_DEGRADED_MIN_HOSTS?: string;
  WEBHOOK_ALLOW_PRIVATE?: string;
  WEBHOOK_CONCURRENCY?: string;
  WEBHOOK_RETENTION_DAYS?: string;
  RDAP_BOOTSTRAP_URL?: string;
  RDAP_TIMEOUT_MS?: string;
  RDAP_CACHE_SECONDS?: string;
  RDAP_ALLOW_PRIVATE?: string;
  OPERATIONS_PER_MINUTE?: string;
  OPERATION_QUEUE_PER_PROBE?: string;
  OPERATION_RETENTION_DAYS?: string;
  TRAFFIC_RETENTION_DAYS?: string;
  PROXMOX_ALLOW_HTTP?: string;
  VM_CREATE_TIMEOUT_MINUTES?: string;
}
