import type { LiveEvent } from '../schema/live.js';
import type { ServerMessage } from '../schema/protocol.js';
import type { AppConfig } from './config.js';
import type { Db } from './db.js';
import type { Logger } from '../schema/log.js';
import type { OuiTable } from '../schema/oui.js';
import type { ProxmoxFetch } from './proxmox/client.js';

/** How the app reaches connected probes; each host implements it (a ws server on Node, a Durable Object on Workers). */
export interface ProbeHub {
  /** Delivers a message if the probe is connected; false when it is not. */
  send(probeId: number, message: ServerMessage): Promise<boolean>;
  isConnected(probeId: number): Promise<boolean>;
  /** Closes the probe's connection (after a revoke). */
  disconnect(probeId: number, reason: string): Promise<void>;
}

/** The live feed (`GET /api/live`); each host implements it (in-process on Node, a Durable Object on Workers). */
export interface LiveFeed {
  /** Hands the event to every subscriber without waiting for slow ones. Use `announce`, which never throws. */
  publish(event: LiveEvent): Promise<void>;
  /** The text/event-stream response for one subscriber (the caller has authenticated it). */
  connect(request: Request): Promise<Response>;
}

/** Sends what the outbox holds (worker/webhooks/runner.ts); each host decides when: a timer on Node, a Durable Object alarm on Workers. */
export interface OutboxWaker {
  /** Something was written to the outbox: send soon. */
  wake(): Promise<void>;
}

/** The reference data the lookup tools read (worker/tools/); each host only hands over what it carries, as bytes. */
export interface ToolData {
  /** The IEEE OUI table (oui-data), loaded once; null when this host does not carry it. */
  ouiTable(): Promise<OuiTable | null>;
  /** A file of an offline data package (`'@ip-location-db/asn', 'asn-ipv4-num.csv'`); null when this host does not carry it. */
  dataFile(pkg: string, file: string): Promise<Uint8Array | null>;
}

export interface Clock {
  now(): number;
}

/** Everything the app needs from its host. Pure code never reaches past this. */
export interface AppDeps {
  db: Db;
  hub: ProbeHub;
  live: LiveFeed;
  outbox: OutboxWaker;
  /** The fetch webhooks are sent with (default: the global one); the Node host's refuses names that resolve to its own addresses. */
  webhookFetch?: typeof fetch;
  /** The fetch RDAP lookups go out with (default: the global one); the Node host's refuses names that resolve to non-public addresses. */
  rdapFetch?: typeof fetch;
  /** The transport Proxmox calls go through (default: the global fetch, which cannot pin a certificate); Node's pins one by its fingerprint. */
  proxmoxFetch?: ProxmoxFetch;
  /** Reference data of the lookup tools; absent: none (they answer 501 unavailable_on_host). */
  tools?: ToolData;
  clock: Clock;
  config: AppConfig;
  log: Logger;
  /** The client's address for throttling and the audit log (Node: the socket or, behind a proxy, X-Forwarded-For; Workers: CF-Connecting-IP). */
  clientAddress(request: Request, hostEnv: unknown): string | null;
}
