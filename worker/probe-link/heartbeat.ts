/** A probe that has not been heard from for more than this many heartbeat periods is offline. */
export const SILENT_AFTER_HEARTBEATS = 3;

/** The instant before which a last-heard time means the probe is silent (for a query: `last_seen < cutoff`). */
export function silentBefore(nowMs: number, heartbeatSeconds: number): number {
  return nowMs - SILENT_AFTER_HEARTBEATS * heartbeatSeconds * 1000;
}

/** True when a probe last heard at `lastHeardMs` has been silent for more than three heartbeat periods at `nowMs`. */
export function isSilent(lastHeardMs: number, nowMs: number, heartbeatSeconds: number): boolean {
  return lastHeardMs < silentBefore(nowMs, heartbeatSeconds);
}
