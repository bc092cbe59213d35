import type { HostStatus } from '../../schema/tables/index.js';

/** `[id, ip, status, latencyMs, hostname, lastSeenAt (epoch s), lastChangeAt (epoch s), flags]` */
export type HostTableRow = [number, string, HostStatus, number | null, string | null, number | null, number | null, number];
/** `[first, last, count]`; count is a number up to 2^53, a decimal string beyond (IPv6 runs). */
export type UnusedTableRow = [string, string, number | string];

/** Bits of a host row's `flags`. */
export const HOST_FLAGS = { reserved: 1 } as const;

export interface TableHost {
  id: number;
  ip: string;
  status: HostStatus;
  latencyMs: number | null;
  hostname: string | null;
  /** ms since epoch */
  lastSeenAt: number | null;
  lastChangeAt: number | null;
  reserved: boolean;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

// Compact rows for the subnet table: a /16 with thousands of hosts stays a few hundred KB.
export function hostTableRow(h: TableHost): HostTableRow {
  const latency = h.latencyMs === null ? null : Math.round(h.latencyMs * 100) / 100;
  const flags = h.reserved ? HOST_FLAGS.reserved : 0;
  return [h.id, h.ip, h.status, latency, h.hostname, seconds(h.lastSeenAt), seconds(h.lastChangeAt), flags];
}

export function unusedTableRow(first: string, last: string, count: bigint): UnusedTableRow {
  return [first, last, count <= BigInt(Number.MAX_SAFE_INTEGER) + 1n ? Number(count) : count.toString()];
}
