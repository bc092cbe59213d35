/** Each host's next scheduled port scan: the interval ±15%, so hosts found together drift apart and never scan in lockstep. */
export function nextPortScanAt(now: number, intervalMs: number, random: number): number {
  return now + Math.round(intervalMs * (0.85 + 0.3 * Math.min(Math.max(random, 0), 1)));
}

export interface ScanCandidate {
  id: number;
  /** The job covering the host now, if it is still under way. */
  activeJobId: string | null;
  /** The host's last "scan ports now" (ms), or null. */
  requestedAt: number | null;
}

export interface ScanNowDecision {
  /** Hosts to scan in a new job. */
  ready: number[];
  /** Jobs already under way that cover some of the hosts (the request joins them). */
  joined: string[];
  /** Seconds until the earliest host inside its cool-down may be asked again (0: none is). */
  retryAfterSeconds: number;
}

/**
 * "Scan ports now" for some hosts: a host already in a running job joins it (coalesced); one asked for less than
 * `cooldownMs` ago is held back (the caller answers 429 with Retry-After when nothing else is left); the rest go.
 */
export function decideScanNow(hosts: readonly ScanCandidate[], now: number, cooldownMs: number): ScanNowDecision {
  const ready: number[] = [];
  const joined = new Set<string>();
  let wait = 0;
  for (const h of hosts) {
    if (h.activeJobId) joined.add(h.activeJobId);
    else if (h.requestedAt !== null && now - h.requestedAt < cooldownMs) {
      const left = h.requestedAt + cooldownMs - now;
      wait = wait === 0 ? left : Math.min(wait, left);
    } else ready.push(h.id);
  }
  return { ready, joined: [...joined], retryAfterSeconds: Math.ceil(wait / 1000) };
}
