import type { HostStatus } from '../../schema/tables/index.js';

/** `[id, ip, status, latencyMs, hostname, seen (s before now), changed (s before now), flags, mac, vendor]` */
export type HostTableRow = [number, string, HostStatus, number | null, string | null, number | null, number | null, number, string | null, string | null];

/** Bits of a host row's `flags`. */
export const HOST_FLAGS = { reserved: 1, previouslyUsed: 2, macRandom: 4, ptrMismatch: 8 } as const;

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
  /** Alive once, silent past PREVIOUSLY_USED_DAYS (isPreviouslyUsed). */
  previouslyUsed?: boolean;
  mac?: string | null;
  vendor?: string | null;
  /** The MAC is locally administered (randomised). */
  macRandom?: boolean;
  /** The PTR name resolves forward without this address (stale DNS). */
  ptrMismatch?: boolean;
}

/** Whole seconds between a past moment and `nowMs` (never negative: clocks of probes drift). */
const age = (ms: number | null, nowMs: number) => (ms === null ? null : Math.max(0, Math.floor((nowMs - ms) / 1000)));

const flagsOf = (h: TableHost) =>
  (h.reserved ? HOST_FLAGS.reserved : 0) | (h.previouslyUsed ? HOST_FLAGS.previouslyUsed : 0) | (h.macRandom ? HOST_FLAGS.macRandom : 0) | (h.ptrMismatch ? HOST_FLAGS.ptrMismatch : 0);

// Compact rows for the subnet table: times are ages in seconds (3–6 digits instead of 10), no field names,
// no rows for unused runs (the client collapses them between neighbours): a /16 with 5,000 hosts stays small.
export function hostTableRow(h: TableHost, nowMs: number): HostTableRow {
  const latency = h.latencyMs === null ? null : Math.round(h.latencyMs * 100) / 100;
  return [h.id, h.ip, h.status, latency, h.hostname, age(h.lastSeenAt, nowMs), age(h.lastChangeAt, nowMs), flagsOf(h), h.mac ?? null, h.vendor ?? null];
}
