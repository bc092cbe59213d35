/** Reconnect delay: exponential from `baseMs`, capped at `maxMs`, with full jitter so a fleet does not reconnect in step. */
export function backoffDelay(attempt: number, random: number, baseMs = 500, maxMs = 30_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/**
 * When a subnet's next sweep is due. The first sweep comes soon after an assignment (within
 * `firstWithinMs`), later ones every interval ±10 %, so probes sharing a network spread their load.
 */
export function nextSweepAt(now: number, intervalSeconds: number, random: number, first: boolean, firstWithinMs = 3_000): number {
  if (first) return now + Math.round(random * Math.min(firstWithinMs, intervalSeconds * 1000));
  const interval = intervalSeconds * 1000;
  return now + Math.round(interval * (0.9 + 0.2 * random));
}
