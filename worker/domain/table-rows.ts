import type { HostStatus } from '../../schema/tables/index.js';

/** `[id, ip, status, latencyMs, hostname, seen (s before now), changed (s before now), flags]` */
export type HostTableRow = [number, string, HostStatus, number | null, string | null, number | null, number | null, number];

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

/** Whole seconds between a past moment and `nowMs` (never negative: clocks of probes drift). */
const age = (ms: number | null, nowMs: number) => (ms === null ? null : Math.max(0, Math.floor((nowMs - ms) / 1000)));

// Compact rows for the subnet table: times are ages in seconds (3–6 digits instead of 10), no field names,
// no rows for unused runs (the client collapses them between neighbours): a /16 with 5,000 hosts stays small.
export function hostTableRow(h: TableHost, nowMs: number): HostTableRow {
  const latency = h.latencyMs === null ? null : Math.round(h.latencyMs * 100) / 100;
  const flags = h.reserved ? HOST_FLAGS.reserved : 0;
  return [h.id, h.ip, h.status, latency, h.hostname, age(h.lastSeenAt, nowMs), age(h.lastChangeAt, nowMs), flags];
}
